import type { Job } from 'bullmq';
import { coerceError, redactSecrets, withoutUrlQueries } from '@darkroom/core';
import type { FailureReason } from '../errors/job-failure';
import type { EditJobData, EditJobResult } from '../job-data';

/**
 * What an edit's BullMQ progress holds. `progress` is a percentage under that name because Bull
 * Board draws its progress ring from a `progress` field; `step` says which part of the run the
 * edit is in.
 */
export interface EditProgress {
  progress: number;
  step: 'submitted' | 'reconciling' | 'polling' | 'completed';
}

/**
 * The percentage of each step. While Adobe runs the job, progress climbs from `pollingFrom`
 * toward `pollingTo` as time passes against the expected duration (see {@link pollingProgress}),
 * so it moves at every logged poll and never claims the end before Adobe does.
 */
export const EDIT_PROGRESS = {
  submitted: 10,
  reconciling: 15,
  pollingFrom: 20,
  pollingTo: 90,
  completed: 100,
} as const;

/**
 * What keeps an edit's log short. Polls are logged one by one up to `pollsEach`, then every
 * `pollsEvery`th; 429s up to `rateLimits`. Whatever else happens (many retried rounds), a log
 * longer than `maxLines` keeps its latest `maxLines` lines, as BullMQ's `keepLogs` would.
 */
export const JOURNAL_LIMITS = { pollsEach: 10, pollsEvery: 10, rateLimits: 5, maxLines: 100 };

/**
 * Told when a log line or progress update could not be written: for the first failure after a
 * write that worked (or the first ever), with the count of failed writes so far.
 */
export type JournalErrorHandler = (err: Error, info: { failedWrites: number }) => void;

let warned = false;

/**
 * The default report of failed writes: one process warning, at the first failure in the
 * process; later failures are counted by their journal only. An app with a logger passes its
 * own handler (`onJournalError`) to hear of every run of failures.
 */
export const warnJournalError: JournalErrorHandler = (err, { failedWrites }) => {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `job log lines or progress could not be written (${failedWrites} so far): ${redactSecrets(err.message)}`,
    { code: 'DARKROOM_JOB_JOURNAL' },
  );
};

/** Progress while Adobe runs the job: 20 at the submit, approaching 90 as time passes. */
export function pollingProgress(sinceSubmitMs: number, expectedMs: number): number {
  const t = Math.max(0, sinceSubmitMs);
  const share = t / (t + Math.max(1, expectedMs));
  const span = EDIT_PROGRESS.pollingTo - EDIT_PROGRESS.pollingFrom;
  return Math.round(EDIT_PROGRESS.pollingFrom + span * share);
}

const seconds = (ms: number): string =>
  `${(Math.max(0, ms) / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Whether poll number `polls` gets a line (see {@link JOURNAL_LIMITS}). */
const pollLogged = (polls: number): boolean =>
  polls <= JOURNAL_LIMITS.pollsEach || polls % JOURNAL_LIMITS.pollsEvery === 0;

/**
 * The story of each edit in its BullMQ job log (Bull Board's Logs tab) and its progress (the
 * Progress tab and ring): one short sentence per step that matters, told by the step machine
 * where it also tells its observer. Lines hold storage references, Adobe job ids and Darkroom's
 * own words; any text that comes from an error passes through `@darkroom/core`'s redaction
 * (query strings cut, tokens and signatures removed) like every log line.
 *
 * Each line is one Redis call (`job.log`), progress another, sent without waiting: a step never
 * slows down or fails because its story could not be told. Failed writes are counted and
 * reported through the error handler, once per run of failures.
 */
export class JobJournal {
  private failures = 0;
  private failingNow = false;

  constructor(private readonly onError: JournalErrorHandler = warnJournalError) {}

  /** Writes that failed since this journal was made. */
  get failedWrites(): number {
    return this.failures;
  }

  /** A POST was accepted: its number, the operation, Adobe's job id and the first poll's wait. */
  submitted(job: Job<EditJobData>, info: { remoteJobId?: string; firstPollMs: number }): void {
    const adobe = info.remoteJobId ? `Adobe job ${info.remoteJobId}` : 'an Adobe job (no id given)';
    this.write(
      job,
      `submit ${job.data.submits ?? 1} sent: ${job.data.request.operation} accepted as ${adobe}; first poll in ${seconds(info.firstPollMs)}`,
      { progress: EDIT_PROGRESS.submitted, step: 'submitted' },
    );
  }

  /** A status read found the job still running (`polls` counts this one). */
  polled(
    job: Job<EditJobData>,
    info: {
      polls: number;
      state: string;
      statusWord?: string;
      nextPollMs: number;
      expectedMs: number;
    },
  ): void {
    if (!pollLogged(info.polls)) return;
    const word = info.statusWord ? `${info.state} ('${info.statusWord}')` : info.state;
    const sparse =
      info.polls === JOURNAL_LIMITS.pollsEach
        ? `; from here on every ${JOURNAL_LIMITS.pollsEvery}th poll is logged`
        : '';
    const since = Date.now() - (job.data.submittedAt ?? Date.now());
    this.write(
      job,
      `poll ${info.polls}: Adobe says ${word}; next poll in ${seconds(info.nextPollMs)}${sparse}`,
      { progress: pollingProgress(since, info.expectedMs), step: 'polling' },
    );
  }

  /** Adobe's job event told the end, so no status was read. */
  eventReceived(job: Job<EditJobData>, state: string): void {
    this.write(job, `Adobe's job event says ${state}: no status read`);
  }

  /** A transient failure, tried again after `waitMs`: attempt `attempt` of `of`. */
  retrying(
    job: Job<EditJobData>,
    info: { reason: string; attempt: number; of: number; waitMs: number; detail: string },
  ): void {
    this.write(
      job,
      `retry ${info.attempt} of ${info.of} (${info.reason}) in ${seconds(info.waitMs)}: ${info.detail}`,
    );
  }

  /** Adobe answered 429; the whole fleet waits `waitMs` for that class of call. */
  rateLimited(job: Job<EditJobData>, info: { count: number; waitMs: number }): void {
    if (info.count > JOURNAL_LIMITS.rateLimits) return;
    const last = info.count === JOURNAL_LIMITS.rateLimits ? '; later 429s are not logged' : '';
    this.write(
      job,
      `Adobe answered 429 (${info.count} so far): next try in ${seconds(info.waitMs)}${last}`,
    );
  }

  /** A POST got an answer that may hide a job: its outputs are looked for before anything else. */
  submitUnanswered(job: Job<EditJobData>, info: { detail: string; firstLookMs: number }): void {
    this.write(
      job,
      `submit ${job.data.submits ?? 1} got no clear answer (${info.detail}): looking for its outputs in ${seconds(info.firstLookMs)} before any other submit`,
      { progress: EDIT_PROGRESS.reconciling, step: 'reconciling' },
    );
  }

  /** A look for the outputs of a lost submit found `found` of `total` written after it. */
  reconcileLook(
    job: Job<EditJobData>,
    info: { look: number; found: number; total: number; nextLookMs?: number },
  ): void {
    const next =
      info.nextLookMs === undefined
        ? info.found === info.total
          ? ': the submit ran, completing without another'
          : ''
        : `; looking again in ${seconds(info.nextLookMs)}`;
    this.write(
      job,
      `look ${info.look} for the lost submit's outputs: ${info.found} of ${info.total} written after it${next}`,
    );
  }

  /** Adobe's event named a job writing where the lost submit asked: that submit created it. */
  reconciledByEvent(job: Job<EditJobData>, remoteJobId: string): void {
    this.write(
      job,
      `Adobe's job event shows the lost submit created Adobe job ${remoteJobId}: following it`,
    );
  }

  /** No sign of the lost submit's job: the round's next POST follows. */
  resubmitting(job: Job<EditJobData>, why: string): void {
    this.write(
      job,
      `no trace of submit ${job.data.submits ?? 1} (${why}): sending the next submit`,
    );
  }

  /** Files Adobe hosts for an answer were copied into the user's storage. */
  hostedCopies(job: Job<EditJobData>, refs: readonly string[]): void {
    if (refs.length === 0) return;
    const shown = refs.slice(0, 3).join(', ');
    const more = refs.length > 3 ? ` and ${refs.length - 3} more` : '';
    this.write(
      job,
      `copied ${plural(refs.length, 'file')} Adobe hosts for the answer: ${shown}${more}`,
    );
  }

  /** The edit ends failed: its reason code and message, as `failedReason` holds them. */
  failed(job: Job<EditJobData>, reason: FailureReason, message: string): void {
    this.write(job, `failed: ${reason}: ${message}`);
  }

  /** The edit ends completed: how many outputs, how long since enqueue, how Darkroom knew. */
  completed(job: Job<EditJobData>, result: EditJobResult): void {
    const t = result.timings;
    this.write(
      job,
      `completed: ${plural(result.outputs.length, 'output')} ${seconds(t.completedAt - t.enqueuedAt)} after enqueue (Adobe ${seconds(t.remoteMs)}, ${plural(result.polls, 'poll')}, confirmed by ${result.confirmedBy})`,
      { progress: EDIT_PROGRESS.completed, step: 'completed' },
    );
  }

  /** One line, then the progress if given: two Redis calls sent without waiting for either. */
  private write(job: Job<EditJobData>, text: string, progress?: EditProgress): void {
    const line = `${new Date().toISOString()} ${redactSecrets(withoutUrlQueries(text))}`;
    this.send(async () => {
      const lines = await job.log(line);
      if (lines > JOURNAL_LIMITS.maxLines) await job.clearLogs(JOURNAL_LIMITS.maxLines);
    });
    if (progress) this.send(() => job.updateProgress(progress));
  }

  private send(write: () => Promise<unknown>): void {
    let pending: Promise<unknown>;
    try {
      pending = write();
    } catch (err) {
      pending = Promise.reject(coerceError(err));
    }
    pending.then(
      () => {
        this.failingNow = false;
      },
      (err: unknown) => {
        this.failures += 1;
        if (this.failingNow) return;
        this.failingNow = true;
        try {
          this.onError(coerceError(err), { failedWrites: this.failures });
        } catch {
          // A handler that throws must not turn a lost log line into an unhandled rejection.
        }
      },
    );
  }
}
