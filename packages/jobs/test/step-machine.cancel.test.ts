import { cancelKey } from '../src/cancellation';
import { pollStepData, STATUS_URL, submitStepData, T0 } from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import {
  createHarness,
  failedReasonOf,
  PREFIX,
  QUEUE,
  rejectionOf,
} from './support/step-machine-harness';

describe('step machine: cancellation', () => {
  const clock = useFakeClock(T0);

  it('fails cancelled at the next step of a submitted job, without polling', async () => {
    const h = createHarness(clock);
    const job = h.job({ id: 'order-1234', data: pollStepData({ polls: 2 }), attempts: 4 });
    h.cancel('order-1234');

    const failedReason = await failedReasonOf(h.run(job));

    expect(failedReason).toBe('cancelled: cancelled on request');
    expect(h.log.argsOf('redis', 'exists')).toEqual([[cancelKey(PREFIX, QUEUE, 'order-1234')]]);
    expect(h.log.names('budget', 'photoshop', 'storage')).toEqual([]);
    // Only the end is saved, so a retry of the cancelled edit starts afresh.
    expect(job.updates).toEqual([{ ...pollStepData({ polls: 2 }), endedAt: T0 }]);
    expect(h.log.argsOf('observer', 'failed')).toEqual([
      ['order-1234', 'cancelled', 'cancelled on request'],
    ]);
  });

  it('fails cancelled before submitting a job that was not submitted yet', async () => {
    const h = createHarness(clock);
    const job = h.job({ id: 'order-1235', data: submitStepData() });
    h.cancel('order-1235');

    expect(await failedReasonOf(h.run(job))).toBe('cancelled: cancelled on request');
    expect(h.log.names('storage', 'budget', 'photoshop')).toEqual([]);
    expect(h.log.names('job')).toEqual(['job.updateData']);
  });

  it("goes on with a job when another job's cancellation was asked for", async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ id: 'order-1236', data: submitStepData() });
    h.cancel('order-9999');

    await rejectionOf(h.run(job));

    expect(h.log.argsOf('redis', 'exists')).toEqual([[cancelKey(PREFIX, QUEUE, 'order-1236')]]);
    expect(job.data.statusUrl).toBe(STATUS_URL);
  });
});
