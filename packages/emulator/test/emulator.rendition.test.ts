/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardAgainstLeaks } from '@darkroom/testing';
import { initializeCanvas, readPsd } from 'ag-psd';
import sharp from 'sharp';
import { type Harness, startHarness, statusLink } from './support/harness';
import { SAMPLES, v1Validator } from './support/schemas';

guardAgainstLeaks();

const sunflower = readFileSync(join(SAMPLES, 'Sunflower.psd'));
// ag-psd's own reading of the file is the reference the emulator's results are checked against.
initializeCanvas(
  () => {
    throw new Error('no canvas in tests');
  },
  ((width: number, height: number) => ({
    width,
    height,
    data: new Uint8ClampedArray(width * height * 4),
  })) as never,
);
const reference = readPsd(sunflower, { useImageData: true, skipThumbnail: true });

describe('renditionCreate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/Sunflower.psd', sunflower);
  });
  afterAll(() => h.close());

  it('renders a Photoshop-made PSD to JPEG at a width, PNG at full size and PSD', async () => {
    const f = h.files.url;
    const submitted = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${f}/in/Sunflower.psd?X-Amz-Signature=secret`, storage: 'external' }],
      outputs: [
        {
          href: `${f}/out/small.jpg?X-Amz-Signature=secret`,
          storage: 'external',
          type: 'image/jpeg',
          width: 120,
          quality: 5,
        },
        { href: `${f}/out/full.png`, storage: 'external', type: 'image/png', compression: 'small' },
        { href: `${f}/out/copy.psd`, storage: 'external', type: 'vnd.adobe.photoshop' },
      ],
    });
    expect(submitted.status).toBe(202);
    const link = statusLink(submitted);
    expect(link).toMatch(new RegExp(`^${h.emulator.url}/pie/psdService/status/[0-9a-f-]{36}$`));

    const done = await h.waitDone(link);
    expect(done.body.outputs[0].status).toBe('succeeded');
    const validate = v1Validator('PITS', 'get_status.schema.json');
    expect(validate(done.body) ? [] : validate.errors).toEqual([]);
    expect(done.body.outputs[0]._links.renditions).toHaveLength(3);

    const jpeg = h.files.get('/out/small.jpg');
    expect(jpeg?.contentType).toBe('image/jpeg');
    const jpegMeta = await sharp(jpeg?.bytes).metadata();
    expect(jpegMeta.format).toBe('jpeg');
    expect(jpegMeta.width).toBe(120);
    expect(jpegMeta.height).toBe(Math.round((reference.height * 120) / reference.width));

    const png = await sharp(h.files.get('/out/full.png')?.bytes).metadata();
    expect(png.format).toBe('png');
    expect([png.width, png.height]).toEqual([reference.width, reference.height]);

    const psd = readPsd(h.files.get('/out/copy.psd')?.bytes ?? Buffer.alloc(0), {
      skipLayerImageData: true,
      useImageData: true,
    });
    expect([psd.width, psd.height]).toEqual([reference.width, reference.height]);
    expect(psd.children?.map((l) => l.name)).toEqual(reference.children?.map((l) => l.name));
    // Content-Type is the type as the request spelled it: what a presigned URL may have signed.
    expect(h.files.get('/out/copy.psd')?.contentType).toBe('vnd.adobe.photoshop');
  });

  it('moves files the way Adobe does: one GET per input, one PUT per output', async () => {
    const f = h.files.url;
    const before = h.files.requests.length;
    const submitted = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${f}/in/Sunflower.psd`, storage: 'external' }],
      outputs: [
        { href: `${f}/out/one.png`, storage: 'external', type: 'image/png', width: 50 },
        { href: `${f}/out/two.tiff`, storage: 'external', type: 'image/tiff', maxWidth: 60 },
      ],
    });
    await h.waitDone(statusLink(submitted));
    expect(h.files.requests.slice(before).sort()).toEqual(
      ['GET /in/Sunflower.psd', 'PUT /out/one.png', 'PUT /out/two.tiff'].sort(),
    );
    const png = await sharp(h.files.get('/out/one.png')?.bytes).metadata();
    expect([png.format, png.width, png.height]).toEqual([
      'png',
      50,
      Math.round((reference.height * 50) / reference.width),
    ]);
    const tiff = await sharp(h.files.get('/out/two.tiff')?.bytes).metadata();
    expect([tiff.format, tiff.width]).toEqual(['tiff', 60]);
  });

  it('edits a Photoshop-made PSD and writes a PSD that reads back with the edit', async () => {
    const f = h.files.url;
    h.files.put(
      '/in/patch.png',
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00ff00' } })
        .png()
        .toBuffer(),
    );
    const submitted = await h.post('/pie/psdService/documentOperations', {
      inputs: [{ href: `${f}/in/Sunflower.psd`, storage: 'external' }],
      options: {
        layers: [
          { name: 'Layer 1', locked: true, edit: {} },
          {
            add: { insertTop: true },
            name: 'Patch',
            input: { href: `${f}/in/patch.png`, storage: 'external' },
            bounds: { top: 10, left: 10, width: 40, height: 40 },
          },
        ],
      },
      outputs: [
        { href: `${f}/out/edited.psd`, storage: 'external', type: 'image/vnd.adobe.photoshop' },
        { href: `${f}/out/edited.png`, storage: 'external', type: 'image/png' },
      ],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].status).toBe('succeeded');
    const psd = readPsd(h.files.get('/out/edited.psd')?.bytes ?? Buffer.alloc(0), {
      useImageData: true,
    });
    expect(psd.children?.map((l) => l.name)).toEqual(['Layer 1', 'Patch']);
    expect(psd.children?.[0]?.protected).toMatchObject({ composite: true, position: true });
    const { data, info } = await sharp(h.files.get('/out/edited.png')?.bytes)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [
      ...data.subarray(
        (y * info.width + x) * info.channels,
        (y * info.width + x) * info.channels + 3,
      ),
    ];
    expect(at(30, 30)).toEqual([0, 255, 0]);
    // Outside the patch the sunflower is what the file's own composite shows.
    const composite = reference.imageData?.data ?? new Uint8ClampedArray();
    const o = (300 * reference.width + 200) * 4;
    expect(at(200, 300)).toEqual([composite[o], composite[o + 1], composite[o + 2]]);
  });

  it('reads the manifest: document and layer tree as ag-psd reads them', async () => {
    const submitted = await h.post('/pie/psdService/documentManifest', {
      inputs: [{ href: `${h.files.url}/in/Sunflower.psd`, storage: 'external' }],
    });
    const done = await h.waitDone(statusLink(submitted));
    const validate = v1Validator('PITS', 'get_manifest_status.schema.json');
    expect(validate(done.body) ? [] : validate.errors).toEqual([]);
    const output = done.body.outputs[0];
    expect(output.status).toBe('succeeded');
    expect(output.document).toEqual({
      name: 'Sunflower.psd',
      width: reference.width,
      height: reference.height,
      imageMode: 'rgb',
      bitDepth: reference.bitsPerChannel,
    });
    const names = (output.layers as Array<{ name: string }>).map((l) => l.name);
    expect(names).toEqual((reference.children ?? []).map((l) => l.name).reverse());
    const first = reference.children?.[0];
    expect(output.layers[0]).toMatchObject({
      id: first?.id,
      type: 'layer',
      visible: !first?.hidden,
      bounds: {
        top: first?.top,
        left: first?.left,
        width: (first?.right ?? 0) - (first?.left ?? 0),
        height: (first?.bottom ?? 0) - (first?.top ?? 0),
      },
    });
  });
});
