/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import sharp from 'sharp';
import { pixel, solidPng, twoLayerPsd } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';
import { v2Validator } from './support/schemas';

guardAgainstLeaks();

describe('v2 operations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/two.psd', twoLayerPsd());
    h.files.put('/in/green.png', await solidPng(6, 4, [0, 255, 0]));
  });
  afterAll(() => h.close());

  async function submit(path: string, body: unknown) {
    const reply = await h.post(path, body);
    expect(reply.status).toBe(202);
    const validate = v2Validator('JobAcceptedResponse');
    expect(validate(reply.body) ? [] : validate.errors).toEqual([]);
    const done = await h.waitDone(String(reply.body.statusUrl));
    expect(done.body.errorDetails).toBeUndefined();
    expect(done.body.status).toBe('succeeded');
    return done.body as { result: { outputs: Array<{ destination: { content?: unknown } }> } };
  }

  it('create-composite applies layer edits and writes each output', async () => {
    await submit('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/two.psd` } },
      edits: {
        layers: [
          { name: 'Blue', operation: { type: 'edit' }, isVisible: false },
          {
            name: 'Patch',
            operation: { type: 'add', placement: { type: 'top' } },
            image: { source: { url: `${h.files.url}/in/green.png` } },
            transform: { offset: { horizontal: 30, vertical: 30 } },
          },
        ],
      },
      outputs: [
        {
          destination: { url: `${h.files.url}/out/v2.png` },
          mediaType: 'image/png',
          compression: 'maximum',
        },
        {
          destination: { url: `${h.files.url}/out/v2-small.jpg` },
          mediaType: 'image/jpeg',
          width: 20,
        },
      ],
    });
    const png = h.files.get('/out/v2.png')?.bytes;
    expect(await pixel(png, 20, 20)).toEqual([255, 0, 0, 255]);
    expect(await pixel(png, 32, 31)).toEqual([0, 255, 0, 255]);
    expect((await sharp(h.files.get('/out/v2-small.jpg')?.bytes).metadata()).width).toBe(20);
  });

  it('honours layers with cropMode and a height-only resize', async () => {
    await submit('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/two.psd` } },
      outputs: [
        {
          destination: { url: `${h.files.url}/out/blue-only.png` },
          mediaType: 'image/png',
          layers: [{ name: 'Blue' }],
          cropMode: 'layer_bounds',
        },
        {
          destination: { url: `${h.files.url}/out/tall.jpg` },
          mediaType: 'image/jpeg',
          height: 10,
        },
      ],
    });
    const blue = h.files.get('/out/blue-only.png')?.bytes;
    expect(await sharp(blue).metadata()).toMatchObject({ width: 20, height: 20 });
    expect(await pixel(blue, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(await sharp(h.files.get('/out/tall.jpg')?.bytes).metadata()).toMatchObject({
      width: 10,
      height: 10,
    });
  });

  it('create-composite can start from a blank document', async () => {
    await submit('/v2/create-composite', {
      image: { width: 16, height: 9, fill: 'white' },
      outputs: [{ destination: { url: `${h.files.url}/out/blank.png` }, mediaType: 'image/png' }],
    });
    const png = h.files.get('/out/blank.png')?.bytes;
    expect(await sharp(png).metadata()).toMatchObject({ width: 16, height: 9 });
    expect(await pixel(png, 8, 4)).toEqual([255, 255, 255, 255]);
  });

  it('generate-manifest returns the manifest embedded as JSON or PUT to a URL', async () => {
    const done = await submit('/v2/generate-manifest', {
      image: { source: { url: `${h.files.url}/in/two.psd` } },
      outputs: [
        { destination: { embedded: 'json' }, mediaType: 'application/json' },
        { destination: { url: `${h.files.url}/out/manifest.json` }, mediaType: 'application/json' },
      ],
    });
    const embedded = done.result.outputs[0]?.destination.content as {
      document: unknown;
      layers: Array<{ name: string }>;
    };
    expect(embedded.document).toMatchObject({ bounds: { left: 0, top: 0, right: 40, bottom: 40 } });
    expect(embedded.layers.map((l) => l.name)).toEqual(['Blue', 'Red']);
    const stored = JSON.parse(h.files.get('/out/manifest.json')?.bytes.toString() ?? '{}');
    expect(stored).toEqual(embedded);
    expect(h.files.get('/out/manifest.json')?.contentType).toBe('application/json');
  });

  it('hosted destinations are served by the emulator for their validity period', async () => {
    const done = await submit('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/green.png` } },
      outputs: [{ destination: { validityPeriod: 600 }, mediaType: 'image/png' }],
    });
    const output = done.result.outputs[0] as unknown as {
      url: string;
      destination: { validityPeriod: number };
    };
    expect(output.url).toMatch(new RegExp(`^${h.emulator.url}/hosted/`));
    expect(output.destination.validityPeriod).toBe(600);
    const served = await fetch(output.url);
    expect(served.status).toBe(200);
    expect(await pixel(Buffer.from(await served.arrayBuffer()), 1, 1)).toEqual([0, 255, 0, 255]);
    expect((await fetch(`${h.emulator.url}/hosted/unknown-token`)).status).toBe(404);
  });

  it('create-artboard places the images side by side', async () => {
    await submit('/v2/create-artboard', {
      images: [
        { source: { url: `${h.files.url}/in/two.psd` } },
        { source: { url: `${h.files.url}/in/green.png` } },
      ],
      artboardSpacing: 10,
      outputs: [{ destination: { url: `${h.files.url}/out/boards.png` }, mediaType: 'image/png' }],
    });
    const png = h.files.get('/out/boards.png')?.bytes;
    expect(await sharp(png).metadata()).toMatchObject({ width: 40 + 10 + 6, height: 40 });
    expect(await pixel(png, 52, 2)).toEqual([0, 255, 0, 255]);
  });
});
