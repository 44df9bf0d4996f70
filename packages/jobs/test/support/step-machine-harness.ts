import { UnrecoverableError } from 'bullmq';
import { cancelKey } from '../../src/cancellation';
import type { EditJobResult } from '../../src/job-data';
import { PollSchedule, type DurationEstimate } from '../../src/poll-schedule';
import { createStepMachine, type StepMachineOptions } from '../../src/step-machine';
import { CallLog } from './call-log';
import type { FakeClock } from './fake-clock';
import { FakeJob, type FakeJobOptions } from './fake-job';
import { InMemoryBudget } from './in-memory-budget';
import { InMemoryDurationEstimator } from './in-memory-duration-estimator';
import { InMemoryPhotoshop } from './in-memory-photoshop';
import { InMemoryRedis } from './in-memory-redis';
import { InMemoryStorage } from './in-memory-storage';
import { recordingObserver } from './recording-observer';

export const PREFIX = '{darkroom}';
export const QUEUE = 'edits';
/** The lock token BullMQ passes the processor; delays must carry it back. */
export const LOCK_TOKEN = 'lock-3b9d';

/** What each duration class is expected to take before any job of an operation has finished. */
export const CLASS_ESTIMATES: Record<string, DurationEstimate> = {
  simple: { meanMs: 8_000, deviationMs: 2_000 },
  complex: { meanMs: 30_000, deviationMs: 7_500 },
  large: { meanMs: 90_000, deviationMs: 30_000 },
};

export interface StepMachineHarness {
  /** Every call to a port, the job or the observer, in order. */
  log: CallLog;
  storage: InMemoryStorage;
  photoshop: InMemoryPhotoshop;
  budget: InMemoryBudget;
  redis: InMemoryRedis;
  estimator: InMemoryDurationEstimator;
  job(options: FakeJobOptions): FakeJob;
  /** Asks for `jobId` to be cancelled, as `EditQueue.cancel` does for a submitted job. */
  cancel(jobId: string): void;
  /** One run of the processor, as BullMQ's worker makes it. */
  run(job: FakeJob, opts?: { signal?: AbortSignal; token?: string }): Promise<EditJobResult>;
}

/** A step machine wired to fresh in-memory ports, with the default poll schedule. */
export function createHarness(
  clock: FakeClock,
  options: Pick<
    StepMachineOptions,
    'presignMarginMs' | 'inlineBudgetWaitMs' | 'budgetKey' | 'maxSubmitsPerRound'
  > = {},
): StepMachineHarness {
  const log = new CallLog();
  const storage = new InMemoryStorage(log);
  const photoshop = new InMemoryPhotoshop(log, clock);
  const budget = new InMemoryBudget(log);
  const redis = new InMemoryRedis(log);
  const estimator = new InMemoryDurationEstimator(log);
  const machine = createStepMachine({
    redis: redis.asRedis(),
    prefix: PREFIX,
    queueName: QUEUE,
    storage,
    api: (account) => photoshop.client(account),
    budget,
    estimator: estimator.asEstimator(),
    schedule: new PollSchedule(),
    defaultEstimate: (durationClass) => {
      const estimate = CLASS_ESTIMATES[durationClass];
      if (!estimate) throw new Error(`no estimate for duration class ${durationClass}`);
      return estimate;
    },
    observer: recordingObserver(log),
    ...options,
  });
  return {
    log,
    storage,
    photoshop,
    budget,
    redis,
    estimator,
    job: (jobOptions) => new FakeJob(log, { token: LOCK_TOKEN, ...jobOptions }),
    cancel: (jobId) => redis.keys.add(cancelKey(PREFIX, QUEUE, jobId)),
    run: (job, opts = {}) => machine(job.asJob(), opts.token ?? LOCK_TOKEN, opts.signal),
  };
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    return err;
  }
  throw new Error(`expected the step machine to throw, it returned ${JSON.stringify(value)}`);
}

/**
 * The `failedReason` BullMQ would store for a run that ended the job for good: the message of the
 * `UnrecoverableError` the step machine threw, `"<reason>: <message>"`.
 */
export async function failedReasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await rejectionOf(promise);
  expect(err).toBeInstanceOf(UnrecoverableError);
  return (err as UnrecoverableError).message;
}
