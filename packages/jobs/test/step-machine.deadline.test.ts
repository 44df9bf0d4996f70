import { DelayedError } from 'bullmq';
import {
  pollStepData,
  REMOTE_JOB_ID,
  STATUS_URL,
  submitStepData,
  T0,
  unfinishedStatus,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, failedReasonOf, rejectionOf } from './support/step-machine-harness';

describe('step machine: deadline', () => {
  const clock = useFakeClock(T0);
  const deadlineAt = T0 - 1;
  const deadline = new Date(deadlineAt).toISOString();

  it('fails deadline_exceeded before submitting a job whose deadline passed', async () => {
    const h = createHarness(clock);
    const job = h.job({ data: submitStepData({ deadlineAt }), attempts: 4 });

    const failedReason = await failedReasonOf(h.run(job));

    expect(failedReason).toBe(`deadline_exceeded: deadline ${deadline} passed before submission`);
    // Checked first: nothing presigned, no token spent, nothing sent; only the end is saved.
    expect(h.log.names('storage', 'budget', 'photoshop')).toEqual([]);
    expect(job.updates).toEqual([{ ...submitStepData({ deadlineAt }), endedAt: T0 }]);
    expect(h.log.argsOf('observer', 'failed')).toEqual([
      [job.id, 'deadline_exceeded', `deadline ${deadline} passed before submission`],
    ]);
  });

  it('fails rate_limited_too_long when 429s kept the job from ever being submitted', async () => {
    const h = createHarness(clock);
    const job = h.job({ data: submitStepData({ deadlineAt, rateLimited: 3 }) });

    expect(await failedReasonOf(h.run(job))).toBe(
      `rate_limited_too_long: deadline ${deadline} passed before submission`,
    );
    expect(h.log.names('storage', 'budget', 'photoshop')).toEqual([]);
  });

  it('does not submit with less time left than the operation is expected to take', async () => {
    const h = createHarness(clock);
    // The simple class is expected to take 8 s; 5 s are left.
    const job = h.job({ data: submitStepData({ deadlineAt: T0 + 5_000 }) });

    expect(await failedReasonOf(h.run(job))).toBe(
      'deadline_exceeded: not submitted: 5 s left before the deadline, renditionCreate takes about 8 s',
    );
    expect(h.log.names('storage', 'budget', 'photoshop')).toEqual([]);
  });

  it('polls a submitted job past its deadline: Adobe writes the outputs anyway', async () => {
    const h = createHarness(clock);
    h.photoshop.replyStatus(unfinishedStatus('running'));
    // 429s met while polling do not change anything: the job was submitted.
    const job = h.job({ data: pollStepData({ deadlineAt, polls: 4, rateLimited: 2 }) });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(h.log.argsOf('photoshop', 'getStatus').map(([url]) => url)).toEqual([STATUS_URL]);
    expect(job.data.polls).toBe(5);
  });

  it('ends a submitted job still unfinished a day after its submit', async () => {
    const h = createHarness(clock);
    const job = h.job({ data: pollStepData({ deadlineAt, submittedAt: T0 - 86_400_001 }) });

    expect(await failedReasonOf(h.run(job))).toBe(
      `deadline_exceeded: Adobe job ${REMOTE_JOB_ID} still unfinished 1440 min after its submit`,
    );
    expect(h.log.names('photoshop')).toEqual([]);
  });

  it('still runs a job picked up with just enough time for its expected run', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData({ deadlineAt: T0 + 8_000 }) });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data.step).toBe('poll');
  });
});
