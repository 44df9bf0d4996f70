import {
  HttpError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  type HttpErrorDetails,
} from '@darkroom/photoshop';
import { DelayedError, UnrecoverableError } from 'bullmq';
import {
  ACCOUNT,
  pollStepData,
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
          `photoshop.${step === 'submit' ? 'submit' : 'getStatus'}`,
          'budget.penalize',
          'job.updateData',
          'job.moveToDelayed',
        ]);
        expect(h.log.argsOf('budget', 'penalize')).toEqual([[ACCOUNT, cls, 4_000]]);
        // The step and its checkpoint stay as they were; only the 429 count grows.
        expect(job.updates).toEqual([{ ...data, rateLimited: 2 }]);
        // Retry-After plus up to 10 % jitter (Math.random pinned at 0.5: 5 %).
        expect(job.delays).toEqual([{ timestamp: T0 + 4_200, token: LOCK_TOKEN }]);
        expect(h.log.argsOf('observer', 'rateLimited')).toEqual([[ACCOUNT, cls, 4_000]]);
        expect(h.log.names('observer')).not.toContain('observer.retrying');
        expect(h.log.names('observer')).not.toContain('observer.failed');
      },
    );
  });

  describe('5xx and calls without a reply', () => {
    it.each([
      [
        'submit',
        'HTTP 503',
        new HttpError({ status: 503, method: 'POST', url: SUBMIT_URL }),
        'http_5xx',
      ],
      [
        'poll',
        'HTTP 502',
        new HttpError({ status: 502, method: 'GET', url: STATUS_URL }),
        'http_5xx',
      ],
      ['poll', 'a timeout', new TimeoutError('GET', STATUS_URL, 30_000), 'timeout'],
      ['poll', 'a reset', new NetworkError('GET', STATUS_URL, 'ECONNRESET'), 'connection_failed'],
    ] as const)(
      'at %s: rethrows %s for a BullMQ retry (%s) while attempts remain',
      async (step, _what, error, reason) => {
        const h = createHarness(clock);
        failingCall(h, step, error);
        const data = dataAt(step);
        const job = h.job({ data, attemptsMade: 1, attempts: 4 });

        const err = await rejectionOf(h.run(job));

        // The error itself, neither delayed nor unrecoverable: BullMQ backs off and retries.
        expect(err).toBe(error);
        expect(h.log.argsOf('observer', 'retrying')).toEqual([[job.id, reason, error]]);
        expect(job.updates).toEqual([]);
        expect(job.delays).toEqual([]);
        expect(job.data).toEqual(data);
        expect(h.log.names('budget')).toEqual(['budget.tryTake']);
      },
    );

    it.each(['submit', 'poll'] as const)(
      'at %s: fails retries_exhausted on the last attempt',
      async (step) => {
        const h = createHarness(clock);
        const error = new HttpError({
          status: 500,
          method: step === 'submit' ? 'POST' : 'GET',
          url: step === 'submit' ? SUBMIT_URL : STATUS_URL,
          type: 'InternalServiceError',
        });
        failingCall(h, step, error);
        const job = h.job({ data: dataAt(step), attemptsMade: 3, attempts: 4 });

        const failedReason = await failedReasonOf(h.run(job));

        expect(failedReason).toBe(`retries_exhausted: http_5xx after 4 attempts: ${error.message}`);
        expect(h.log.names('observer')).not.toContain('observer.retrying');
        expect(h.log.argsOf('observer', 'failed')).toEqual([
          [job.id, 'retries_exhausted', `http_5xx after 4 attempts: ${error.message}`],
        ]);
      },
    );

    it('retries a failed poll by polling the saved status URL again, never submitting', async () => {
      const h = createHarness(clock);
      h.photoshop.failStatus(new HttpError({ status: 503, method: 'GET', url: STATUS_URL }));
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const data = pollStepData({ polls: 2 });

      await rejectionOf(h.run(h.job({ data, attemptsMade: 0, attempts: 4 })));
      // BullMQ's retry: the same stored data, one attempt more.
      const retried = h.job({ data, attemptsMade: 1, attempts: 4 });
      expect(await rejectionOf(h.run(retried))).toBeInstanceOf(DelayedError);

      expect(h.log.argsOf('photoshop', 'getStatus').map(([url]) => url)).toEqual([
        STATUS_URL,
        STATUS_URL,
      ]);
      expect(h.log.names('photoshop')).not.toContain('photoshop.submit');
      expect(retried.data.polls).toBe(3);
    });
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
        'client_error: HTTP 404 FileNotFound job not found',
        { status: 404, type: 'FileNotFound', title: 'job not found' },
      ],
      ['poll', 'client_error: HTTP 410', { status: 410 }],
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
        const job = h.job({ data: dataAt(step), attemptsMade: 0, attempts: 4 });

        const err = await rejectionOf(h.run(job));

        expect(err).toBeInstanceOf(UnrecoverableError);
        expect((err as Error).message).toBe(expected);
        expect(h.log.names('budget', 'job')).toEqual(['budget.tryTake']);
        expect(h.log.names('observer')).not.toContain('observer.retrying');
        expect(h.log.names('observer')).not.toContain('observer.rateLimited');
        const [reason, message] = expected.split(/: (.*)/s);
        expect(h.log.argsOf('observer', 'failed')).toEqual([[job.id, reason, message]]);
      },
    );
  });
});
