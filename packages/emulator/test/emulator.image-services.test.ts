/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   replies are JSON documents that these tests read field by field */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardAgainstLeaks } from '@darkroom/testing';
import sharp from 'sharp';
import { pixel } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';
import { SAMPLES, v1Validator, v2Validator } from './support/schemas';

guardAgainstLeaks();

async function stats(bytes: Buffer | undefined) {
  return sharp(bytes).stats();
}

describe('cut-out, mask, Lightroom and crop operations on real photos', () => {
  let h: Harness;
  const f = () => h.files.url;

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['Example.jpg', 'input.jpg', 'heroImage.png']) {
      h.files.put(`/in/${name}`, readFileSync(join(SAMPLES, name)));
    }
  });
  afterAll(() => h.close());

  it('cutout writes an RGBA PNG whose border is transparent and subject opaque', async () => {
    const submitted = await h.post('/sensei/cutout', {
      input: { href: `${f()}/in/input.jpg`, storage: 'external' },
      output: { href: `${f()}/out/cut.png`, storage: 'external', mask: { format: 'binary' } },
    });
    expect(submitted.body._links.self.href).toContain('/sensei/status/');
    const done = await h.waitDone(statusLink(submitted));
    const validate = v1Validator('ic', 'get_status.schema.json');
    expect(validate(done.body) ? [] : validate.errors).toEqual([]);
    expect(done.body).toMatchObject({ jobID: done.body.jobId, status: 'succeeded' });

    const png = h.files.get('/out/cut.png')?.bytes;
    const meta = await sharp(png).metadata();
    const source = await sharp(readFileSync(join(SAMPLES, 'input.jpg'))).metadata();
    expect([meta.format, meta.channels, meta.width, meta.height]).toEqual([
      'png',
      4,
      source.width,
      source.height,
    ]);
    expect((await pixel(png, 0, 0))[3]).toBe(0);
    // The red apple in the middle of the photo stays.
    expect((await pixel(png, 240, 170))[3]).toBe(255);
    const alpha = (await stats(png)).channels[3];
    // Some of the image is kept and some removed: a real cut, not a copy.
    expect(alpha?.max).toBe(255);
    expect(alpha?.min).toBe(0);
  });

  it('cutout of a flat colour (heroImage) finds no subject; of a busy photo (Example) still cuts', async () => {
    for (const [name, flat] of [
      ['heroImage.png', true],
      ['Example.jpg', false],
    ] as const) {
      const submitted = await h.post('/sensei/cutout', {
        input: { href: `${f()}/in/${name}`, storage: 'external' },
        output: { href: `${f()}/out/cut-${name}.png`, storage: 'external' },
      });
      expect((await h.waitDone(statusLink(submitted))).body.status).toBe('succeeded');
      const png = h.files.get(`/out/cut-${name}.png`)?.bytes;
      const source = await sharp(readFileSync(join(SAMPLES, name))).metadata();
      const meta = await sharp(png).metadata();
      expect([meta.channels, meta.width, meta.height]).toEqual([4, source.width, source.height]);
      const alpha = (await stats(png)).channels[3];
      if (flat) expect(alpha?.max).toBe(0);
      else expect([alpha?.min, alpha?.max]).toEqual([0, 255]);
    }
  });

  it('mask writes a greyscale PNG: white subject on black', async () => {
    const submitted = await h.post('/sensei/mask', {
      input: { href: `${f()}/in/input.jpg`, storage: 'external' },
      output: { href: `${f()}/out/mask.png`, storage: 'external' },
    });
    await h.waitDone(statusLink(submitted));
    const png = h.files.get('/out/mask.png')?.bytes;
    const s = await stats(png);
    expect(s.isOpaque).toBe(true);
    const [r, g, b] = s.channels;
    expect(r?.mean).toBeCloseTo(g?.mean ?? -1, 5);
    expect(g?.mean).toBeCloseTo(b?.mean ?? -1, 5);
    expect([r?.min, r?.max]).toEqual([0, 255]);
    expect(await pixel(png, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(await pixel(png, 240, 170)).toEqual([255, 255, 255, 255]);
  });

  it('autoTone stretches the levels of a photo', async () => {
    const submitted = await h.post('/lrService/autoTone', {
      inputs: { href: `${f()}/in/input.jpg`, storage: 'external' },
      outputs: [{ href: `${f()}/out/tone.png`, storage: 'external', type: 'image/png' }],
    });
    expect(submitted.body._links.self.href).toContain('/lrService/status/');
    const done = await h.waitDone(statusLink(submitted));
    const validate = v1Validator('acr', 'get_status.schema.json');
    expect(validate(done.body) ? [] : validate.errors).toEqual([]);
    expect(done.body.outputs[0]._links.self.href).toBe(`${f()}/out/tone.png`);

    const before = await stats(readFileSync(join(SAMPLES, 'input.jpg')));
    const after = await stats(h.files.get('/out/tone.png')?.bytes);
    for (let c = 0; c < 3; c += 1) {
      const spreadBefore = (before.channels[c]?.max ?? 0) - (before.channels[c]?.min ?? 0);
      const spreadAfter = (after.channels[c]?.max ?? 0) - (after.channels[c]?.min ?? 0);
      expect(spreadAfter).toBeGreaterThanOrEqual(spreadBefore);
    }
    expect(after.channels[0]?.stdev).toBeGreaterThan(before.channels[0]?.stdev ?? Infinity);
  });

  it('edit applies exposure and saturation, and refuses settings it cannot approximate', async () => {
    const submitted = await h.post('/lrService/edit', {
      inputs: { source: { href: `${f()}/in/Example.jpg`, storage: 'external' } },
      options: { Exposure: 1, Saturation: -100 },
      outputs: [
        { href: `${f()}/out/edit.jpg`, storage: 'external', type: 'image/jpeg', quality: 12 },
        { href: `${f()}/out/edit.xmp`, storage: 'external', type: 'application/rdf+xml' },
      ],
    });
    await h.waitDone(statusLink(submitted));
    // The sidecar carries the same settings as Camera Raw attributes.
    const sidecar = h.files.get('/out/edit.xmp');
    expect(sidecar?.contentType).toBe('application/rdf+xml');
    expect(sidecar?.bytes.toString()).toContain('crs:Exposure2012="+1.00"');
    expect(sidecar?.bytes.toString()).toContain('crs:Saturation="-100"');
    const before = await stats(readFileSync(join(SAMPLES, 'Example.jpg')));
    const after = await stats(h.files.get('/out/edit.jpg')?.bytes);
    expect(after.channels[1]?.mean).toBeGreaterThan(before.channels[1]?.mean ?? Infinity);
    // Saturation −100 leaves grey: channels nearly equal.
    expect(Math.abs((after.channels[0]?.mean ?? 0) - (after.channels[2]?.mean ?? 0))).toBeLessThan(
      3,
    );

    const refused = await h.post('/lrService/edit', {
      inputs: { source: { href: `${f()}/in/Example.jpg`, storage: 'external' } },
      options: { Dehaze: 40 },
      outputs: [{ href: `${f()}/out/dehaze.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const failed = await h.waitDone(statusLink(refused));
    expect(failed.body.outputs[0].status).toBe('failed');
    expect(failed.body.outputs[0].details).toContain('Dehaze');
    expect(h.files.get('/out/dehaze.jpg')).toBeUndefined();
  });

  it('xmp and presets apply the Camera Raw settings they can approximate, and refuse the rest', async () => {
    const packet = (attrs: string) =>
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" crs:Version="15.0" crs:ProcessVersion="11.0" crs:WhiteBalance="As Shot" ${attrs}/></rdf:RDF></x:xmpmeta>`;
    const xmp = await h.post('/lrService/xmp', {
      inputs: { source: { href: `${f()}/in/Example.jpg`, storage: 'external' } },
      options: {
        xmp: packet('crs:Exposure2012="+1.00" crs:Saturation="-100" crs:Highlights2012="0"'),
      },
      outputs: [{ href: `${f()}/out/xmp.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const done = await h.waitDone(statusLink(xmp));
    expect(done.body.outputs[0].status).toBe('succeeded');
    const before = await stats(readFileSync(join(SAMPLES, 'Example.jpg')));
    const after = await stats(h.files.get('/out/xmp.jpg')?.bytes);
    expect(after.channels[1]?.mean).toBeGreaterThan(before.channels[1]?.mean ?? Infinity);
    expect(Math.abs((after.channels[0]?.mean ?? 0) - (after.channels[2]?.mean ?? 0))).toBeLessThan(
      3,
    );

    h.files.put('/presets/warm.xmp', Buffer.from(packet('crs:Vibrance="+40"')));
    h.files.put('/presets/moody.xmp', Buffer.from(packet('crs:Shadows2012="-30"')));
    const presets = async (names: string[], out: string) => {
      const reply = await h.post('/lrService/presets', {
        inputs: {
          source: { href: `${f()}/in/Example.jpg`, storage: 'external' },
          presets: names.map((n) => ({ href: `${f()}/presets/${n}`, storage: 'external' })),
        },
        outputs: [{ href: `${f()}/out/${out}`, storage: 'external', type: 'image/png' }],
      });
      return (await h.waitDone(statusLink(reply))).body.outputs[0];
    };
    expect((await presets(['warm.xmp'], 'warm.png')).status).toBe('succeeded');
    const refused = await presets(['warm.xmp', 'moody.xmp'], 'moody.png');
    expect(refused.status).toBe('failed');
    expect(refused.details).toContain('Shadows2012');
    expect(h.files.get('/out/moody.png')).toBeUndefined();
  });

  it('autoStraighten levels a tilted horizon and crops the blank corners', async () => {
    const bars =
      '<svg width="400" height="300"><rect x="20" y="100" width="360" height="12" fill="black"/>' +
      '<rect x="20" y="200" width="360" height="12" fill="black"/></svg>';
    const level = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#ffffff' },
    })
      .composite([{ input: Buffer.from(bars), top: 0, left: 0 }])
      .png()
      .toBuffer();
    h.files.put(
      '/in/tilted.png',
      await sharp(level).rotate(6, { background: '#ffffff' }).png().toBuffer(),
    );
    const submitted = await h.post('/lrService/autoStraighten', {
      inputs: { href: `${f()}/in/tilted.png`, storage: 'external' },
      options: { uprightMode: 'level' },
      outputs: [{ href: `${f()}/out/straight.png`, storage: 'external', type: 'image/png' }],
    });
    expect((await h.waitDone(statusLink(submitted))).body.outputs[0].status).toBe('succeeded');
    const { data, info } = await sharp(h.files.get('/out/straight.png')?.bytes)
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The upper bar's vertical centre, measured near the left and the right edge.
    const barY = (x: number): number => {
      let sum = 0;
      let n = 0;
      for (let y = 0; y < info.height / 2; y += 1) {
        if ((data[y * info.width + x] ?? 255) < 128) {
          sum += y;
          n += 1;
        }
      }
      return sum / n;
    };
    expect(Math.abs(barY(60) - barY(info.width - 60))).toBeLessThanOrEqual(2);
    // No blank (transparent) corners were left.
    expect((await pixel(h.files.get('/out/straight.png')?.bytes, 0, 0))[3]).toBe(255);
  });

  it('productCrop trims to the subject plus padding', async () => {
    const submitted = await h.post('/pie/psdService/productCrop', {
      inputs: [{ href: `${f()}/in/input.jpg`, storage: 'external' }],
      options: { unit: 'Pixels', width: 4, height: 4 },
      outputs: [{ href: `${f()}/out/crop.png`, storage: 'external', type: 'image/png' }],
    });
    await h.waitDone(statusLink(submitted));
    const source = await sharp(readFileSync(join(SAMPLES, 'input.jpg'))).metadata();
    const cropped = await sharp(h.files.get('/out/crop.png')?.bytes).metadata();
    expect(cropped.width).toBeLessThan(source.width ?? 0);
    expect(cropped.height).toBeLessThanOrEqual(source.height ?? 0);
  });

  it('v2 auto-crop reports boxes and serves the cropped images; v2 edit and status follow the v2 shapes', async () => {
    const crop = await h.post('/v1/auto-crop', {
      image: { source: { url: `${f()}/in/input.jpg` } },
      mode: 'smartCrop',
      aspectRatio: ['1:1', '16:9'],
    });
    expect(crop.status).toBe(202);
    expect(crop.body.statusUrl).toBe(`${h.emulator.url}/v2/status/${crop.body.jobId}`);
    const done = await h.waitDone(crop.body.statusUrl);
    expect(done.body.status).toBe('succeeded');
    const validateCrop = v2Validator('AutoCropOutput');
    expect(validateCrop(done.body.result) ? [] : validateCrop.errors).toEqual([]);
    const crops = done.body.result.crops as Array<{
      boundingBoxes: Array<{ width: number; height: number; url: string }>;
    }>;
    const [square, wide] = crops.map((c) => c.boundingBoxes[0]);
    if (!square || !wide) throw new Error('two crops expected');
    expect(square.width).toBe(square.height);
    expect(Math.round((wide.width / wide.height) * 9)).toBe(16);
    // The cropped image is served at its url, without a token: the URL is the credential.
    const image = await fetch(square.url);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([square.width, square.height]);

    const edit = await h.post('/v2/edit', {
      image: { source: { url: `${f()}/in/input.jpg` } },
      edits: { autoTone: true, light: { contrast: 20 } },
      outputs: [
        {
          destination: { url: `${f()}/out/v2-edit.jpg` },
          mediaType: 'image/jpeg',
          quality: 'high',
        },
      ],
    });
    const finished = await h.waitDone(edit.body.statusUrl);
    // The OpenAPI file types result.outputs as an object; Adobe's status guide (and Darkroom's
    // client) use an array, which the emulator sends.
    const validate = v2Validator('JobStatusResponse', (schemas) => {
      const result = schemas.Result;
      if (result) result.properties.outputs = { type: 'array' };
    });
    expect(validate(finished.body) ? [] : validate.errors).toEqual([]);
    expect(finished.body.result.outputs).toEqual([
      {
        destination: { url: `${f()}/out/v2-edit.jpg` },
        url: `${f()}/out/v2-edit.jpg`,
        mediaType: 'image/jpeg',
      },
    ]);
    expect((await sharp(h.files.get('/out/v2-edit.jpg')?.bytes).metadata()).format).toBe('jpeg');
  });

  it('operations it does not implement end failed with a reason, never with a copied input', async () => {
    const submitted = await h.post('/pie/psdService/photoshopActions', {
      inputs: [{ href: `${f()}/in/Example.jpg`, storage: 'external' }],
      options: { actions: [{ href: `${f()}/in/actions.atn`, storage: 'external' }] },
      outputs: [{ href: `${f()}/out/action.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].status).toBe('failed');
    expect(done.body.outputs[0].errors.type).toBe('NotImplementedByEmulator');
    expect(h.files.get('/out/action.jpg')).toBeUndefined();
  });
});
