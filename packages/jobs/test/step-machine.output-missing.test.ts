import {
  JPEG_REF,
  jpegOutput,
  PNG_REF,
  pngOutput,
  pollStepData,
  renditionRequest,
  succeededStatus,
  T0,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, failedReasonOf } from './support/step-machine-harness';

describe('step machine: outputs checked after success', () => {
  const clock = useFakeClock(T0);

  const twoOutputJob = (h: ReturnType<typeof createHarness>) =>
    h.job({
      data: pollStepData({ polls: 1, request: renditionRequest([jpegOutput, pngOutput]) }),
      attempts: 4,
    });

  it('fails output_missing when an output Adobe reported written is not in storage', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, Buffer.alloc(1_024));
    h.photoshop.replyStatus(succeededStatus({ created: T0 - 9_000, modified: T0 - 1_000 }));
    const job = twoOutputJob(h);

    const failedReason = await failedReasonOf(h.run(job));

    expect(failedReason).toBe(`output_missing: ${PNG_REF} is missing after Adobe reported success`);
    // Every output was checked, and the poll was still counted.
    expect(h.log.argsOf('storage', 'stat')).toEqual([[JPEG_REF], [PNG_REF]]);
    expect(job.data.polls).toBe(2);
    expect(job.delays).toEqual([]);
    expect(h.log.argsOf('observer', 'completed')).toEqual([]);
    expect(h.log.argsOf('observer', 'failed')).toEqual([
      [job.id, 'output_missing', `${PNG_REF} is missing after Adobe reported success`],
    ]);
  });

  it('fails output_missing when an output exists but is empty', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, Buffer.alloc(0));
    h.storage.put(PNG_REF, Buffer.alloc(2_048));
    h.photoshop.replyStatus(succeededStatus());
    const job = twoOutputJob(h);

    expect(await failedReasonOf(h.run(job))).toBe(
      `output_missing: ${JPEG_REF} is empty after Adobe reported success`,
    );
    expect(h.log.argsOf('observer', 'completed')).toEqual([]);
  });
});
