import { TokenUnavailableError } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import { cancelKey } from '../src/cancellation';
import {
  ACCOUNT,
  pollStepData,
  REMOTE_JOB_ID,
  STATUS_URL,
  submitStepData,
  T0,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import {
  createHarness,
  failedReasonOf,
  LOCK_TOKEN,
  PREFIX,
  QUEUE,
  rejectionOf,
} from './support/step-machine-harness';

/**
 * A failed edit moved back to waiting (`darkroom retry`, the API, or Bull Board's Retry, which
 * touches nothing but the job's state) is a fresh, counted submission: never a poll of the run
 * that failed.
 */
describe('step machine: a retried failed edit', () => {
  const clock = useFakeClock(T0);

  it('submits afresh, keeping the failed run id and the lifetime count of POSTs', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: `${STATUS_URL}-2`, jobId: 'second-run' });
    const ended = pollStepData({ polls: 3, roundSubmits: 1, endedAt: T0 - 60_000 });
    const job = h.job({ id: 'order-77', data: ended });
    h.cancel('order-77');

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.names('photoshop')).toEqual(['photoshop.submit']);
    expect(h.log.argsOf('redis', 'del')).toEqual([[cancelKey(PREFIX, QUEUE, 'order-77')]]);
    expect(job.data).toMatchObject({
      step: 'poll',
      statusUrl: `${STATUS_URL}-2`,
      remoteJobId: 'second-run',
      earlierRemoteJobIds: [REMOTE_JOB_ID],
      retries: 1,
      submits: 2,
      roundSubmits: 1,
      polls: 0,
    });
    expect(job.data.endedAt).toBeUndefined();
  });

  it('gives the new round the time the first had, when the old deadline has passed', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    // Enqueued two hours ago with a one-hour deadline.
    const data = submitStepData({
      enqueuedAt: T0 - 7_200_000,
      deadlineAt: T0 - 3_600_000,
      endedAt: T0 - 3_600_000,
    });
    const job = h.job({ data });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data.deadlineAt).toBe(T0 + 3_600_000);
  });
});

describe('step machine: no IMS token', () => {
  const clock = useFakeClock(T0);

  it('tries again after IMS asks, without counting a POST or slowing the API budget', async () => {
    const h = createHarness(clock);
    const busy = new TokenUnavailableError(true, {
      cause: new Error('429'),
      retryAfterMs: 6_000,
      detail: 'IMS answered 429',
    });
    h.photoshop.failSubmit(busy);
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.names('budget')).toEqual(['budget.tryTake']);
    expect(job.data).toMatchObject({ submits: 0, setupErrors: 1 });
    expect(job.delays).toEqual([{ timestamp: T0 + 6_000, token: LOCK_TOKEN }]);
  });

  it('fails auth_failed when IMS refuses the credentials', async () => {
    const h = createHarness(clock);
    h.photoshop.failSubmit(
      new TokenUnavailableError(false, { cause: new Error('400'), detail: 'invalid_client' }),
    );
    const job = h.job({ data: submitStepData() });

    expect(await failedReasonOf(h.run(job))).toBe('auth_failed: no IMS token: invalid_client');
    expect(job.data.submits).toBe(0);
    expect(h.log.argsOf('observer', 'failed')[0]?.[0]).toBe(job.id);
    expect(ACCOUNT).toBe(job.data.account);
  });
});
