import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import type { EditJobData, EditJobResult } from '../src/job-data';
import {
  EDIT_PROGRESS,
  JOURNAL_LIMITS,
  JobJournal,
  pollingProgress,
  warnJournalError,
  type EditProgress,
} from '../src/step-machine/job-journal';
import { INPUT_REF, JPEG_REF, REMOTE_JOB_ID, pollStepData } from './support/edit-jobs';

guardAgainstLeaks();

const PREFIX = '{darkroom-journal-test}';
const SIGNED_INPUT =
  'https://darkroom-in.s3.amazonaws.com/posters/summer.psd?X-Amz-Credential=AKIAPLANTED&X-Amz-Signature=planted0sig1';

describe('JobJournal', () => {
  let queue: Queue<EditJobData, EditJobResult>;
  let job: Job<EditJobData, EditJobResult>;
  const errors: { message: string; failedWrites: number }[] = [];
  let journal: JobJournal;

  beforeEach(async () => {
    queue = new Queue(uniqueName('journal'), { connection: { url: redisUrl() }, prefix: PREFIX });
    job = await queue.add('edit', pollStepData({ submittedAt: Date.now() - 4_000 }));
    errors.length = 0;
    journal = new JobJournal((err, info) => errors.push({ message: err.message, ...info }));
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  /** The job's log once it holds `count` lines (lines are written without waiting). */
  const linesOnce = async (count: number): Promise<string[]> =>
    waitFor(
      async () => {
        const { logs } = await queue.getJobLogs(String(job.id));
        return logs.length >= count ? logs : undefined;
      },
      { what: `${count} log lines` },
    );

  const progressOf = async (): Promise<unknown> => (await queue.getJob(String(job.id)))?.progress;

  it('tells each step in one short timestamped line, progress beside it', async () => {
    journal.submitted(job, { remoteJobId: REMOTE_JOB_ID, firstPollMs: 8_500 });
    journal.polled(job, { polls: 1, state: 'running', nextPollMs: 1_600, expectedMs: 8_000 });
    journal.completed(job, {
      outputs: [{ ref: JPEG_REF, size: 2048 }],
      remoteJobId: REMOTE_JOB_ID,
      polls: 2,
      submits: 1,
      confirmedBy: 'status',
      timings: {
        enqueuedAt: 1_000,
        startedAt: 1_500,
        submittedAt: 2_000,
        remoteFinishedAt: 9_000,
        completedAt: 13_400,
        queuedMs: 500,
        remoteMs: 7_000,
        detectionLagMs: 4_400,
      },
    });
    const lines = await linesOnce(3);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    expect(lines[0]).toContain(
      `submit 1 sent: renditionCreate accepted as Adobe job ${REMOTE_JOB_ID}; first poll in 8.5 s`,
    );
    expect(lines[1]).toContain('poll 1: Adobe says running; next poll in 1.6 s');
    expect(lines[2]).toContain(
      'completed: 1 output 12 s after enqueue (Adobe 7.0 s, 2 polls, confirmed by status)',
    );
    const progress = await waitFor(
      async () => {
        const value = (await progressOf()) as EditProgress | number | undefined;
        return typeof value === 'object' && value.step === 'completed' ? value : undefined;
      },
      { what: 'the completed progress' },
    );
    expect(progress).toEqual({ progress: EDIT_PROGRESS.completed, step: 'completed' });
    expect(errors).toEqual([]);
  });

  it('keeps presigned URLs, tokens and query strings out of every line', async () => {
    journal.failed(job, 'client_error', `InputValidationError reading ${SIGNED_INPUT}`);
    journal.retrying(job, {
      reason: 'status_read_failed',
      attempt: 2,
      of: 12,
      waitMs: 2_000,
      detail: 'fetch failed: Authorization: Bearer planted.bearer.token.value',
    });
    const lines = await linesOnce(2);
    expect(lines[0]).toContain(
      'failed: client_error: InputValidationError reading https://darkroom-in.s3.amazonaws.com/posters/summer.psd',
    );
    expect(lines[1]).toContain('retry 2 of 12 (status_read_failed) in 2.0 s: fetch failed');
    const all = lines.join('\n');
    for (const secret of ['?', 'X-Amz', 'AKIAPLANTED', 'planted0sig1', 'planted.bearer']) {
      expect(all).not.toContain(secret);
    }
  });

  it('names what a lost submit left and the files copied from Adobe by reference', async () => {
    journal.submitUnanswered(job, { detail: 'HTTP 504', firstLookMs: 9_000 });
    journal.reconcileLook(job, { look: 1, found: 0, total: 2, nextLookMs: 18_000 });
    journal.reconcileLook(job, { look: 2, found: 2, total: 2 });
    journal.hostedCopies(job, [INPUT_REF.replace('.psd', '.semanticMasks-0.png')]);
    const lines = await linesOnce(4);
    expect(lines[0]).toContain(
      'submit 1 got no clear answer (HTTP 504): looking for its outputs in 9.0 s before any other submit',
    );
    expect(lines[1]).toContain(
      "look 1 for the lost submit's outputs: 0 of 2 written after it; looking again in 18 s",
    );
    expect(lines[2]).toContain(
      '2 of 2 written after it: the submit ran, completing without another',
    );
    expect(lines[3]).toContain(
      'copied 1 file Adobe hosts for the answer: s3://darkroom-in/posters/summer.semanticMasks-0.png',
    );
  });

  it('logs the first polls one by one, then every tenth, progress climbing below 90', async () => {
    const polls = 2 * JOURNAL_LIMITS.pollsEach + 5;
    for (let n = 1; n <= polls; n += 1) {
      journal.polled(job, { polls: n, state: 'running', nextPollMs: 30_000, expectedMs: 8_000 });
    }
    const logged = [
      ...Array.from({ length: JOURNAL_LIMITS.pollsEach }, (_, i) => i + 1),
      JOURNAL_LIMITS.pollsEach * 2,
    ];
    const lines = await linesOnce(logged.length);
    expect(lines.map((line) => /poll (\d+):/.exec(line)?.[1]).map(Number)).toEqual(logged);
    expect(lines[JOURNAL_LIMITS.pollsEach - 1]).toContain(
      `from here on every ${JOURNAL_LIMITS.pollsEvery}th poll is logged`,
    );
    const progress = (await progressOf()) as EditProgress;
    expect(progress.step).toBe('polling');
    expect(progress.progress).toBeGreaterThan(EDIT_PROGRESS.pollingFrom);
    expect(progress.progress).toBeLessThan(EDIT_PROGRESS.pollingTo);
  });

  it('moves progress from 20 toward 90 as time passes against the expected duration', () => {
    expect(pollingProgress(0, 10_000)).toBe(EDIT_PROGRESS.pollingFrom);
    expect(pollingProgress(10_000, 10_000)).toBe(55);
    const later = [20_000, 60_000, 600_000].map((t) => pollingProgress(t, 10_000));
    expect(later).toEqual([...later].sort((a, b) => a - b));
    expect(Math.max(...later)).toBeLessThan(EDIT_PROGRESS.pollingTo);
  });

  it('logs the first few 429s of an edit only', async () => {
    for (let count = 1; count <= JOURNAL_LIMITS.rateLimits + 3; count += 1) {
      journal.rateLimited(job, { count, waitMs: 1_500 });
    }
    const lines = await linesOnce(JOURNAL_LIMITS.rateLimits);
    journal.eventReceived(job, 'succeeded');
    const after = await linesOnce(JOURNAL_LIMITS.rateLimits + 1);
    expect(after.filter((line) => line.includes('429'))).toHaveLength(JOURNAL_LIMITS.rateLimits);
    expect(lines[JOURNAL_LIMITS.rateLimits - 1]).toContain('later 429s are not logged');
    expect(after.at(-1)).toContain("Adobe's job event says succeeded: no status read");
  });

  it('keeps the latest lines once an edit has more than the ceiling', async () => {
    const total = JOURNAL_LIMITS.maxLines + 7;
    for (let attempt = 1; attempt <= total; attempt += 1) {
      journal.retrying(job, {
        reason: 'presign_failed',
        attempt,
        of: total,
        waitMs: 10,
        detail: 'x',
      });
    }
    const logs = await waitFor(
      async () => {
        const read = await queue.getJobLogs(String(job.id));
        const done = read.logs.at(-1)?.includes(`retry ${total} of ${total}`);
        return done && read.logs.length === JOURNAL_LIMITS.maxLines ? read.logs : undefined;
      },
      { what: `the last ${JOURNAL_LIMITS.maxLines} lines` },
    );
    expect(logs[0]).toContain(`retry ${total - JOURNAL_LIMITS.maxLines + 1} of ${total}`);
  });

  it('counts writes that fail and reports the first of each run of failures', async () => {
    const gone = await queue.add('edit', pollStepData());
    await gone.remove();
    journal.eventReceived(gone, 'failed');
    journal.failed(gone, 'remote_failed', 'Adobe job failed');
    journal.submitted(gone, { remoteJobId: REMOTE_JOB_ID, firstPollMs: 1_000 });
    // Two lines and a line with progress: four writes, one run of failures.
    await waitFor(() => journal.failedWrites === 4, { what: 'four failed writes' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.failedWrites).toBe(1);

    journal.eventReceived(job, 'succeeded');
    await linesOnce(1);
    journal.failed(gone, 'remote_failed', 'Adobe job failed');
    await waitFor(() => journal.failedWrites === 5, { what: 'a fifth failed write' });
    expect(errors.map((e) => e.failedWrites)).toEqual([1, 5]);
  });
});

describe('the README on job log lines and progress', () => {
  let section = '';
  beforeAll(async () => {
    const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
    section = /## Job log lines and progress\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  });

  it('gives the progress of each step as the journal writes it', () => {
    const p = EDIT_PROGRESS;
    expect(section).toContain(`${p.submitted} \`submitted\`, ${p.reconciling} \`reconciling\``);
    expect(section).toContain(`from ${p.pollingFrom} toward ${p.pollingTo} \`polling\``);
    expect(section).toContain(
      `\`${p.pollingFrom} + ${p.pollingTo - p.pollingFrom} × t / (t + expected)\``,
    );
    expect(section).toContain(`${p.completed} \`completed\``);
  });

  it('states the bounds the journal keeps', () => {
    const l = JOURNAL_LIMITS;
    expect(section).toContain(`up to the ${l.pollsEach}th, then every ${l.pollsEvery}th`);
    expect(section).toContain(`429s up to the ${l.rateLimits}th`);
    expect(section).toContain(`past ${l.maxLines} lines`);
    expect(section).toContain(`keeps its latest ${l.maxLines}`);
  });

  it('names the code of the one warning failed writes give by default', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      warnJournalError(new Error('Connection is closed.'), { failedWrites: 1 });
      warnJournalError(new Error('Connection is closed.'), { failedWrites: 9 });
      expect(emitWarning).toHaveBeenCalledTimes(1);
      const [message, options] = emitWarning.mock.calls[0] as [string, { code: string }];
      expect(message).toContain('(1 so far): Connection is closed.');
      expect(section).toContain(`code \`${options.code}\``);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
