import sharp from 'sharp';
import { EditQueue, type EditJobStatus } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { startPipeline, type Pipeline } from './support/pipeline';

guardAgainstLeaks();

/** A valid 26-byte PSD file header (RGB, 8 bits, 3 channels), as Photoshop writes it. */
function psdHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(26);
  header.write('8BPS', 0, 'latin1');
  header.writeUInt16BE(1, 4); // version 1 (PSD, not PSB); six reserved zero bytes follow
  header.writeUInt16BE(3, 12);
  header.writeUInt32BE(height, 14);
  header.writeUInt32BE(width, 18);
  header.writeUInt16BE(8, 22);
  header.writeUInt16BE(3, 24); // colour mode RGB
  return header;
}

describe('poison jobs beside normal ones', () => {
  let pipeline: Pipeline;
  let edits: EditQueue;
  let worker: DarkroomWorker;

  beforeAll(async () => {
    pipeline = await startPipeline();
    const queueName = uniqueName('poison');
    edits = new EditQueue({ connection: redisUrl(), queueName, backoffMs: 50 });
    worker = await createWorker(
      parseWorkerConfig({
        ...pipeline.workerEnv(),
        REDIS_URL: redisUrl(),
        DARKROOM_QUEUE: queueName,
        WORKER_CONCURRENCY: '20',
        LOG_LEVEL: 'silent',
      }),
    );
  });
  afterAll(async () => {
    await worker.close();
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
    await pipeline.close();
  });

  const rendition = (input: string) => ({
    operation: 'renditionCreate',
    input,
    outputs: [
      { ref: `s3://${pipeline.outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg', width: 64 },
    ],
  });
  const latencies = (done: EditJobStatus[]): number[] =>
    done.map((d) => (d.finishedAt ?? Date.now()) - d.enqueuedAt).sort((a, b) => a - b);
  const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? 0;
  const runNormal = async (n: number): Promise<EditJobStatus[]> => {
    const ids = await edits.enqueueMany(Array.from({ length: n }, () => rendition(pipeline.input)));
    return Promise.all(ids.map(({ id }) => edits.waitFor(id, { timeout: 60_000 })));
  };

  it('fails corrupt, empty and oversized inputs with a reason, and normal jobs keep their pace', async () => {
    const baseline = await runNormal(20);
    expect(baseline.every((d) => d.state === 'completed')).toBe(true);

    // A file that starts as a PSD and then holds garbage where its sections should be.
    const corrupt = Buffer.concat([psdHeader(512, 512), Buffer.alloc(4096, 0xa5)]);
    const wide = await sharp({
      create: { width: 40_000, height: 400, channels: 3, background: { r: 255, g: 0, b: 0 } },
    })
      .png()
      .toBuffer();
    const dir = uniqueName('poison');
    const bucket = pipeline.input.split('/')[2]!;
    const inputs = {
      corruptPsd: `s3://${bucket}/${dir}/corrupt.psd`,
      emptyFile: `s3://${bucket}/${dir}/empty.jpg`,
      widePng: `s3://${bucket}/${dir}/wide.png`,
    };
    await pipeline.put(inputs.corruptPsd, corrupt, 'image/vnd.adobe.photoshop');
    await pipeline.put(inputs.emptyFile, Buffer.alloc(0), 'image/jpeg');
    await pipeline.put(inputs.widePng, wide, 'image/png');

    const poison = await edits.enqueueMany(
      Object.values(inputs).flatMap((input) => [rendition(input), rendition(input)]),
    );
    const poisonDone = Promise.all(poison.map(({ id }) => edits.waitFor(id, { timeout: 90_000 })));
    const beside = await runNormal(20);
    expect(beside.every((d) => d.state === 'completed')).toBe(true);
    // Generous: a poison job may cost some CPU, but never holds the others up by seconds.
    expect(median(latencies(beside))).toBeLessThan(median(latencies(baseline)) * 5 + 3_000);

    const ended = await poisonDone;
    const byInput = (input: string) =>
      ended.filter((_, i) => Object.values(inputs)[Math.floor(i / 2)] === input);
    for (const d of [...byInput(inputs.corruptPsd), ...byInput(inputs.emptyFile)]) {
      expect(d.state).toBe('failed');
      expect(d.failure?.reason).toBe('remote_failed');
      expect(d.failure?.message.length).toBeGreaterThan(0);
      // A bad input is not retried: it would fail the same way every time.
      expect(d.attemptsMade).toBeLessThanOrEqual(1);
    }
    for (const d of byInput(inputs.widePng)) {
      expect(['completed', 'failed']).toContain(d.state);
      if (d.state === 'failed') expect(d.failure?.reason).not.toBe('unknown');
    }
  }, 120_000);
});
