import { DelayedError } from 'bullmq';
import { pollStepData, STATUS_URL, submitStepData, T0 } from './support/edit-jobs';
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
    // Checked first: nothing presigned, no token spent, nothing sent or saved.
    expect(h.log.names('storage', 'budget', 'photoshop', 'job')).toEqual([]);
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
    expect(h.log.names('storage', 'budget', 'photoshop', 'job')).toEqual([]);
  });

  it('fails deadline_exceeded at the next poll of a submitted job, without polling', async () => {
    const h = createHarness(clock);
    // 429s met while polling do not change the reason: the job was submitted.
    const job = h.job({ data: pollStepData({ deadlineAt, polls: 4, rateLimited: 2 }) });

    expect(await failedReasonOf(h.run(job))).toBe(
      `deadline_exceeded: deadline ${deadline} passed after 4 polls`,
    );
    expect(h.log.names('budget', 'photoshop', 'job')).toEqual([]);
  });

  it('still runs a job picked up at the very millisecond of its deadline', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData({ deadlineAt: T0 }) });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data.step).toBe('poll');
  });
});
