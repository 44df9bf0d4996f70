import {
  HttpError,
  NetworkError,
  RateLimitedError,
  SubmitOutcomeUnknownError,
  TimeoutError,
  type HttpErrorDetails,
} from '@darkroom/photoshop';
import { DelayedError, UnrecoverableError } from 'bullmq';
import {
  ACCOUNT,
  pollStepData,
  REMOTE_JOB_ID,
  STATUS_URL,
  submitStepData,
  T0,
  unfinishedStatus,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import {
  createHarness,
  failedReasonOf,
  LOCK_TOKEN,
  rejectionOf,
  type StepMachineHarness,
} from './support/step-machine-harness';

const SUBMIT_URL = 'https://image.adobe.io/pie/psdService/renditionCreate';

type Step = 'submit' | 'poll';

/** A job at `step` whose one API call of this run fails with `error`. */
function failingCall(h: StepMachineHarness, step: Step, error: Error): void {
  if (step === 'submit') h.photoshop.failSubmit(error);
  else h.photoshop.failStatus(error);
}

const dataAt = (step: Step) => (step === 'submit' ? submitStepData() : pollStepData({ polls: 2 }));

describe('step machine: API errors', () => {
  const clock = useFakeClock(T0);

  describe('429', () => {
    it.each([
      ['submit', 'submit'],
      ['poll', 'status'],
    ] as const)(
      'at %s: pauses the %s budget, counts the 429 and waits out Retry-After as a delayed job',
      async (step, cls) => {
        const h = createHarness(clock);
        const limited = new RateLimitedError({
          method: step === 'submit' ? 'POST' : 'GET',
          url: step === 'submit' ? SUBMIT_URL : STATUS_URL,
          retryAfterMs: 4_000,
        });
        failingCall(h, step, limited);
        const data = { ...dataAt(step), rateLimited: 1 };
        // The last attempt: a 429 must not spend it.
        const job = h.job({ data, attemptsMade: 3, attempts: 4 });

        const err = await rejectionOf(h.run(job));

        expect(err).toBeInstanceOf(DelayedError);
        expect(h.log.names('budget', 'photoshop', 'job')).toEqual([
          'budget.tryTake',
          // A submit is recorded in the job before it leaves.
          ...(step === 'submit' ? ['job.updateData'] : []),
          `photoshop.${step === 'submit' ? 'submit' : 'getStatus'}`,
          'budget.penalize',
          'job.updateData',
          'job.moveToDelayed',
        ]);
        expect(h.log.argsOf('budget', 'penalize')).toEqual([[ACCOUNT, cls, 4_000]]);
        // The step and its checkpoint stay as they were; only the 429 count grows, and a POST
        // answered 429 is not counted as a submission (Adobe's gateway refused it).
        expect(job.updates.at(-1)).toEqual({
          ...data,
          // Adobe received the POST (it counts), but a 429 spends none of the round's POSTs.
          ...(step === 'submit' ? { startedAt: T0, submits: 1, roundSubmits: 0 } : {}),
          rateLimited: 2,
        });
        // Retry-After plus up to 10 % jitter (Math.random pinned at 0.5: 5 %).
        expect(job.delays).toEqual([{ timestamp: T0 + 4_200, token: LOCK_TOKEN }]);
        expect(h.log.argsOf('observer', 'rateLimited')).toEqual([[ACCOUNT, cls, 4_000]]);
        expect(h.log.names('observer')).not.toContain('observer.retrying');
        expect(h.log.names('observer')).not.toContain('observer.failed');
      },
    );
  });

  describe('5xx and calls without a reply', () => {
    it('at submit: a 503 may follow acceptance, so the job reconciles before any other POST', async () => {
      const h = createHarness(clock);
      const error = new SubmitOutcomeUnknownError('renditionCreate', SUBMIT_URL, { status: 503 });
      h.photoshop.failSubmit(error);
      const job = h.job({ data: submitStepData(), attemptsMade: 0, attempts: 4 });

      expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

      expect(h.log.argsOf('observer', 'retrying')).toEqual([
        [job.id, 'submit_outcome_unknown', error],
      ]);
      expect(job.data).toMatchObject({
        step: 'reconcile',
        submits: 1,
        roundSubmits: 1,
        submitIntent: { at: T0 },
      });
      // Looked for when the run would most likely be done: the simple class's mean plus one
      // deviation (8 s + 2 s).
      expect(job.delays).toEqual([{ timestamp: T0 + 10_000, token: LOCK_TOKEN }]);
      expect(h.log.names('budget')).toEqual(['budget.tryTake']);
    });

    it.each([
      ['HTTP 502', new HttpError({ status: 502, method: 'GET', url: STATUS_URL })],
      ['a timeout', new TimeoutError('GET', STATUS_URL, 30_000)],
      ['a reset', new NetworkError('GET', STATUS_URL, 'ECONNRESET')],
    ] as const)(
      'at poll: backs off after %s with a budget of status errors, never an attempt',
      async (_what, error) => {
        const h = createHarness(clock);
        h.photoshop.failStatus(error);
        const data = pollStepData({ polls: 2, statusErrors: 2 });
        // The last BullMQ attempt: status errors must not spend it.
        const job = h.job({ data, attemptsMade: 3, attempts: 4 });

        expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

        expect(h.log.argsOf('observer', 'retrying')).toEqual([
          [job.id, 'status_read_failed', error],
        ]);
        expect(job.updates).toEqual([{ ...data, statusErrors: 3 }]);
        // Third error in a row: 1 s × 2² = 4 s, equal jitter (half fixed, half random at 0.5).
        expect(job.delays).toEqual([{ timestamp: T0 + 3_000, token: LOCK_TOKEN }]);
        expect(h.log.names('budget')).toEqual(['budget.tryTake']);
      },
    );

    it('at poll: fails retries_exhausted once status errors in a row pass their budget', async () => {
      const h = createHarness(clock);
      const error = new HttpError({
        status: 500,
        method: 'GET',
        url: STATUS_URL,
        type: 'InternalServiceError',
      });
      h.photoshop.failStatus(error);
      const job = h.job({ data: pollStepData({ statusErrors: 12 }) });

      const failedReason = await failedReasonOf(h.run(job));

      expect(failedReason).toBe(
        'retries_exhausted: reading the status failed 13 times in a row: HTTP 500 InternalServiceError',
      );
      expect(h.log.names('photoshop')).not.toContain('photoshop.submit');
    });

    it('a successful read resets the status errors', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const job = h.job({ data: pollStepData({ polls: 2, statusErrors: 5 }) });

      expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

      expect(job.data.statusErrors).toBeUndefined();
      expect(job.data.polls).toBe(3);
    });

    it('retries a failed poll by polling the saved status URL again, never submitting', async () => {
      const h = createHarness(clock);
      h.photoshop.failStatus(new HttpError({ status: 503, method: 'GET', url: STATUS_URL }));
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const job = h.job({ data: pollStepData({ polls: 2 }) });

      await rejectionOf(h.run(job));
      expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

      expect(h.log.argsOf('photoshop', 'getStatus').map(([url]) => url)).toEqual([
        STATUS_URL,
        STATUS_URL,
      ]);
      expect(h.log.names('photoshop')).not.toContain('photoshop.submit');
      expect(job.data.polls).toBe(3);
    });
  });

  it("at submit: a first 401 sends again at once with a fresh token, spending none of the round's POSTs", async () => {
    const h = createHarness(clock);
    h.photoshop.failSubmit(new HttpError({ status: 401, method: 'POST', url: SUBMIT_URL }));
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data).toMatchObject({ authRefreshed: true, submits: 1, roundSubmits: 0 });
    expect(job.delays).toEqual([{ timestamp: T0, token: LOCK_TOKEN }]);

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data).toMatchObject({ step: 'poll', submits: 2, roundSubmits: 1 });
  });

  describe('other 4xx', () => {
    const details = (d: Omit<HttpErrorDetails, 'method' | 'url'>, step: Step) => ({
      ...d,
      method: step === 'submit' ? 'POST' : 'GET',
      url: step === 'submit' ? SUBMIT_URL : STATUS_URL,
    });

    it.each([
      [
        'submit',
        'client_error: HTTP 400 InputValidationError 400 Invalid input',
        { status: 400, type: 'InputValidationError', code: 400, title: 'Invalid input' },
      ],
      [
        'submit',
        'client_error: HTTP 402 Trial Limit Exceeded',
        { status: 402, type: 'Trial Limit Exceeded' },
      ],
      ['submit', 'client_error: HTTP 403', { status: 403 }],
      [
        'submit',
        'client_error: HTTP 415 Unsupported Media Type',
        { status: 415, title: 'Unsupported Media Type' },
      ],
      [
        'poll',
        `remote_failed: Adobe no longer knows job ${REMOTE_JOB_ID} (HTTP 404 FileNotFound job not found on its status link)`,
        { status: 404, type: 'FileNotFound', title: 'job not found' },
      ],
      [
        'poll',
        `remote_failed: Adobe no longer knows job ${REMOTE_JOB_ID} (HTTP 410 on its status link)`,
        { status: 410 },
      ],
      // The client already refreshed the token once; a second 401 reaches the step machine.
      [
        'submit',
        'auth_failed: HTTP 401 Oauth token is not valid',
        { status: 401, title: 'Oauth token is not valid' },
      ],
      ['poll', 'auth_failed: HTTP 401', { status: 401 }],
    ] as const)(
      'at %s: ends the job at once, on its first attempt, with %s',
      async (step, expected, reply) => {
        const h = createHarness(clock);
        failingCall(h, step, new HttpError(details(reply, step)));
        // A submit's first 401 is sent again with a fresh token; this is the second.
        const data =
          reply.status === 401 && step === 'submit'
            ? submitStepData({ authRefreshed: true })
            : dataAt(step);
        const job = h.job({ data, attemptsMade: 0, attempts: 4 });

        const err = await rejectionOf(h.run(job));

        expect(err).toBeInstanceOf(UnrecoverableError);
        expect((err as Error).message).toBe(expected);
        expect(h.log.names('budget')).toEqual(['budget.tryTake']);
        expect(h.log.names('job')).not.toContain('job.moveToDelayed');
        // The end is saved, so a later retry of the failed job starts a fresh submission.
        expect(job.data.endedAt).toBe(T0);
        // Adobe answered: the POST counts, and nothing is left in flight.
        if (step === 'submit') expect(job.data).toMatchObject({ submits: 1 });
        expect(job.data.submitIntent).toBeUndefined();
        expect(h.log.names('observer')).not.toContain('observer.retrying');
        expect(h.log.names('observer')).not.toContain('observer.rateLimited');
        const [reason, message] = expected.split(/: (.*)/s);
        expect(h.log.argsOf('observer', 'failed')).toEqual([[job.id, reason, message]]);
      },
    );
  });
});
