import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@darkroom/core';
import type { NormalizedStatus } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import { INPUT_REF, pollStepData, T0 } from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, failedReasonOf, rejectionOf } from './support/step-machine-harness';

const JSON_REF = 's3://darkroom-out/masks/shoe.json';
const MASK_REF = 's3://darkroom-out/masks/shoe.mask.png';

describe('step machine: results Adobe hosts are copied into the user storage', () => {
  const clock = useFakeClock(T0);
  let server: Server;
  let base = '';
  /** What the file host answers next, in order; 200 with a PNG once the list is empty. */
  const answers: number[] = [];
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const code = answers.shift() ?? 200;
      res.writeHead(code, { 'content-type': 'image/png' }).end(code === 200 ? 'PNGDATA' : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(server));

  const refined = (): NormalizedStatus => {
    const url = `${base}/mask.png?sig=s3cr3t`;
    return {
      state: 'succeeded',
      outputs: [{ href: url, type: 'image/png' }],
      raw: { status: 'succeeded', mask: { destination: { url }, mediaType: 'image/png' } },
    };
  };
  const maskJob = (h: ReturnType<typeof createHarness>) =>
    h.job({
      data: pollStepData({
        polls: 1,
        request: { operation: 'refineMask', input: INPUT_REF, outputs: [{ ref: JSON_REF }] },
      }),
      attempts: 4,
    });

  it('writes the mask beside the JSON, the JSON naming it by ref, and lists both in the result', async () => {
    const h = createHarness(clock);
    h.photoshop.replyStatus(refined());
    const result = await h.run(maskJob(h));
    expect(result.outputs).toEqual([
      { ref: JSON_REF, size: h.storage.objects.get(JSON_REF)?.length },
      { ref: MASK_REF, size: 7 },
    ]);
    const written = h.storage.objects.get(JSON_REF)?.toString() ?? '';
    expect(JSON.parse(written)).toEqual({
      status: 'succeeded',
      mask: { destination: { ref: MASK_REF }, mediaType: 'image/png' },
    });
    expect(written).not.toContain('s3cr3t');
  });

  it('a 503 from the file host hands the job back to read the status again; a 404 fails it', async () => {
    const h = createHarness(clock);
    h.photoshop.replyStatus(refined());
    answers.push(503);
    const job = maskJob(h);
    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(job.data.step).toBe('poll');
    expect(job.data.statusErrors).toBe(1);
    expect(h.log.argsOf('observer', 'retrying').map((a) => a[1])).toEqual(['hosted_copy_failed']);

    h.photoshop.replyStatus(refined());
    answers.push(404);
    expect(await failedReasonOf(h.run(job))).toMatch(
      /^output_missing: Adobe's hosted result: http:\/\/127\.0\.0\.1:\d+\/mask\.png answered 404$/,
    );
  });
});
