import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { JOB_SECONDS_BUCKETS, POLL_COUNT_BUCKETS } from './buckets';
import { boundLabel, reasonLabel } from './labels';

export interface PipelineMetricsOptions {
  /** The registry the metrics are registered in; one registry per process (or per test). */
  register: Registry;
  /**
   * Histogram buckets, in seconds, for job durations, queue waits, remote run times and
   * detection lag.
   * @defaultValue {@link JOB_SECONDS_BUCKETS}, 0.1 s to 1800 s
   */
  buckets?: readonly number[];
}

/** Timings of one completed job, all in seconds. */
export interface JobTimings {
  /** From enqueue to completion. */
  totalSeconds: number;
  /** From enqueue to the first time a worker picked the job up. */
  queueWaitSeconds?: number;
  /** From submission to the moment Adobe reported the job finished. */
  remoteSeconds?: number;
  /** From the moment Adobe finished to the poll that noticed it. */
  detectionLagSeconds?: number;
  /** Status requests made for this job. */
  polls: number;
}

/**
 * How a submit whose reply was lost or ambiguous was settled: its outputs were found, an Adobe
 * event named where it wrote, the next POST was sent, or none was found and the edit failed.
 */
export const RECONCILIATION_OUTCOMES = ['outputs', 'event', 'resubmit', 'gone'] as const;
export type ReconciliationOutcome = (typeof RECONCILIATION_OUTCOMES)[number];

/** How one callback attempt ended: a 2xx, another attempt planned, or given up. */
export const CALLBACK_OUTCOMES = ['delivered', 'retrying', 'dead'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** The histograms of seconds labelled by operation alone: name and help. */
const OPERATION_TIMINGS = {
  queueWait: [
    'darkroom_job_queue_wait_seconds',
    'Time a job waited in the queue before a worker first picked it up.',
  ],
  remote: [
    'darkroom_job_remote_seconds',
    'Time from submission to the Photoshop API reporting the job finished.',
  ],
  detectionLag: [
    'darkroom_job_detection_lag_seconds',
    'Time from the remote job finishing to the poll that noticed it.',
  ],
} as const;

/** The life of edit jobs in the worker: enqueued, completed, failed, retried, stalled. */
const ADOBE_EVENTS_HELP =
  "Adobe I/O job events taken in (webhook or journal), by what became of them: ended an edit's wait (edit), tied a lost submit to its edit (ambiguous), a repeat (duplicate), about no known edit (unknown), not an end (not_final).";

/** The counters with one label: name, help and the label. */
const ONE_LABEL_COUNTERS = {
  enqueued: ['darkroom_jobs_enqueued_total', 'Edit jobs added to a queue.', 'operation'],
  retries: ['darkroom_job_retries_total', 'Attempts that will be retried, by reason.', 'reason'],
  adobeEvents: ['darkroom_adobe_events_total', ADOBE_EVENTS_HELP, 'outcome'],
  adobeEventRejections: [
    'darkroom_adobe_event_deliveries_rejected_total',
    'Adobe I/O Events webhook deliveries answered with an error, by reason (a bad signature, a body too large, a failure to keep the events).',
    'reason',
  ],
  stalls: [
    'darkroom_jobs_stalled_total',
    'Jobs BullMQ found stalled (their worker stopped renewing the lock).',
    'queue',
  ],
  reconciliations: [
    'darkroom_submit_reconciliations_total',
    'Submits whose reply was lost or ambiguous, settled by their outputs found (outputs), by an Adobe event naming where they wrote (event), or none found and sent again (resubmit) or given up (gone).',
    'outcome',
  ],
  callbacks: [
    'darkroom_callbacks_total',
    "Attempts to POST an edit's signed callback to its application, by outcome: a 2xx came back (delivered), another attempt is planned (retrying), attempts or time ran out or the URL was refused (dead).",
    'outcome',
  ],
} as const;

/** A counter with one label, registered where the others are. */
function counterOf<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  label: L,
): Counter<L> {
  return new Counter({ name, help, labelNames: [label], registers });
}

export class PipelineMetrics {
  private readonly enqueued: Counter<'operation'>;
  private readonly completed: Counter<'operation' | 'account'>;
  private readonly failed: Counter<'operation' | 'account' | 'reason'>;
  private readonly retries: Counter<'reason'>;
  private readonly reconciliations: Counter<'outcome'>;
  private readonly stalls: Counter<'queue'>;
  private readonly adobeEvents: Counter<'outcome'>;
  private readonly adobeEventRejections: Counter<'reason'>;
  private readonly callbacks: Counter<'outcome'>;
  private readonly duration: Histogram<'operation' | 'account'>;
  private readonly queueWait: Histogram<'operation'>;
  private readonly remote: Histogram<'operation'>;
  private readonly detectionLag: Histogram<'operation'>;
  private readonly polls: Histogram<'operation'>;
  private readonly active: Gauge;
  private readonly concurrency: Gauge;

  constructor({ register, buckets = JOB_SECONDS_BUCKETS }: PipelineMetricsOptions) {
    const registers = [register];
    const seconds = [...buckets];
    const counter = <K extends keyof typeof ONE_LABEL_COUNTERS>(key: K) => {
      const [name, help, label] = ONE_LABEL_COUNTERS[key];
      return counterOf(registers, name, help, label);
    };
    const timing = (key: keyof typeof OPERATION_TIMINGS) => {
      const [name, help] = OPERATION_TIMINGS[key];
      return new Histogram({ name, help, labelNames: ['operation'], buckets: seconds, registers });
    };
    this.enqueued = counter('enqueued');
    this.completed = new Counter({
      name: 'darkroom_jobs_completed_total',
      help: 'Edit jobs that finished with their outputs written.',
      labelNames: ['operation', 'account'],
      registers,
    });
    this.failed = new Counter({
      name: 'darkroom_jobs_failed_total',
      help: 'Edit jobs that ended failed, by machine-readable reason.',
      labelNames: ['operation', 'account', 'reason'],
      registers,
    });
    this.retries = counter('retries');
    this.reconciliations = counter('reconciliations');
    this.adobeEvents = counter('adobeEvents');
    this.adobeEventRejections = counter('adobeEventRejections');
    this.stalls = counter('stalls');
    this.callbacks = counter('callbacks');
    this.duration = new Histogram({
      name: 'darkroom_job_duration_seconds',
      help: 'Time from enqueue to completion of a completed job.',
      labelNames: ['operation', 'account'],
      buckets: seconds,
      registers,
    });
    this.queueWait = timing('queueWait');
    this.remote = timing('remote');
    this.detectionLag = timing('detectionLag');
    this.polls = new Histogram({
      name: 'darkroom_job_polls',
      help: 'Status polls made for one completed job.',
      labelNames: ['operation'],
      buckets: [...POLL_COUNT_BUCKETS],
      registers,
    });
    this.active = new Gauge({
      name: 'darkroom_worker_active_jobs',
      help: "Jobs inside this worker's processor right now, one per slot in use; jobs waiting between polls are delayed jobs and not counted.",
      registers,
    });
    this.concurrency = new Gauge({
      name: 'darkroom_worker_concurrency',
      help: 'Jobs this worker may process at once.',
      registers,
    });
  }

  jobEnqueued(operation: string, count = 1): void {
    this.enqueued.inc({ operation: boundLabel(operation) }, count);
  }

  jobCompleted(operation: string, account: string, t: JobTimings): void {
    const op = boundLabel(operation);
    this.completed.inc({ operation: op, account: boundLabel(account) });
    this.duration.observe({ operation: op, account: boundLabel(account) }, t.totalSeconds);
    if (t.queueWaitSeconds !== undefined)
      this.queueWait.observe({ operation: op }, t.queueWaitSeconds);
    if (t.remoteSeconds !== undefined) this.remote.observe({ operation: op }, t.remoteSeconds);
    if (t.detectionLagSeconds !== undefined) {
      this.detectionLag.observe({ operation: op }, t.detectionLagSeconds);
    }
    this.polls.observe({ operation: op }, t.polls);
  }

  /** `reason` is a machine code (`client_error`, `remote_failed`, `retries_exhausted`, ...). */
  jobFailed(operation: string, account: string, reason: string): void {
    this.failed.inc({
      operation: boundLabel(operation),
      account: boundLabel(account),
      reason: reasonLabel(reason),
    });
  }

  retry(reason: string): void {
    this.retries.inc({ reason: reasonLabel(reason) });
  }

  /** A submit whose reply was lost or ambiguous was settled one way: see the metric's help. */
  reconciled(outcome: ReconciliationOutcome): void {
    this.reconciliations.inc({ outcome });
  }

  /** An Adobe job event was taken in; `outcome` is one of the jobs package's `eventOutcomes`. */
  adobeEvent(outcome: string): void {
    this.adobeEvents.inc({ outcome: reasonLabel(outcome) });
  }

  /** A webhook delivery was refused; `reason` is the receiver's machine code. */
  adobeEventRejected(reason: string): void {
    this.adobeEventRejections.inc({ reason: reasonLabel(reason) });
  }

  /** One callback attempt ended: see the metric's help for the outcomes. */
  callback(outcome: CallbackOutcome): void {
    this.callbacks.inc({ outcome });
  }

  stalled(queue: string): void {
    this.stalls.inc({ queue: boundLabel(queue) });
  }

  /**
   * The jobs inside the processor now, set as each enters and as each leaves however its run
   * ended; an idle worker reads 0.
   */
  setActive(n: number): void {
    this.active.set(n);
  }

  setConcurrency(n: number): void {
    this.concurrency.set(n);
  }
}
