import { guardAgainstLeaks, uniqueName } from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

/** The start of the one line a worker logs when it runs jobs on retired APIs. */
const STARTUP_WARNING = 'DARKROOM_LEGACY_API=allow: jobs on Adobe APIs past their end of life';

describe('jobs on Adobe APIs past their end of life (DARKROOM_LEGACY_API)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  const rendition = () => ({
    operation: 'renditionCreate',
    input: `s3://${stack.inBucket}/${uniqueName('in')}.jpg`,
    outputs: [{ ref: `s3://${stack.outBucket}/${uniqueName('out')}.png`, type: 'image/png' }],
  });

  it('refuse: a worker fails such a job invalid_job before any POST, naming the replacement', async () => {
    const worker = await stack.startWorker({ DARKROOM_LEGACY_API: 'refuse' });
    try {
      const job = rendition();
      const { id } = await stack.edits.enqueue(job);
      const done = await stack.edits.waitFor(id, { timeout: 15_000 });
      expect(done.state).toBe('failed');
      expect(done.failure?.reason).toBe('invalid_job');
      expect(done.failure?.message).toBe(
        'renditionCreate is on an Adobe API retired on 2026-07-31; use v2.createComposite, v2.executeActions, v2.generateManifest, v2.createArtboard (DARKROOM_LEGACY_API=allow runs it during a grace period)',
      );
      const location = job.outputs[0]!.ref.replace('s3://', `${stack.s3.endpoint}/`);
      expect(stack.emulator.stats().submitsReceivedByLocation[location]).toBeUndefined();
      expect(stack.logs.lines.some((l) => l.includes(STARTUP_WARNING))).toBe(false);
    } finally {
      await worker.close();
    }
  });

  it('allow: the worker says so once at start-up, with each end of life, and runs the job', async () => {
    const before = stack.logs.lines.length;
    await stack.startWorker({ DARKROOM_LEGACY_API: 'allow' });
    const warnings = stack.logs.lines.slice(before).filter((l) => l.includes(STARTUP_WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('/sensei ended 2025-10-15');
    const job = rendition();
    await stack.put(job.input, await stack.jpeg(), 'image/jpeg');
    const { id } = await stack.edits.enqueue(job);
    expect((await stack.edits.waitFor(id, { timeout: 30_000 })).state).toBe('completed');
  });
});
