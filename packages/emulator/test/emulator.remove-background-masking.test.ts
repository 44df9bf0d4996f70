/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   replies are JSON documents that these tests read field by field */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardAgainstLeaks } from '@darkroom/testing';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import sharp from 'sharp';
import { pixel } from './support/fixtures';
import { type Harness, type Reply, startHarness, statusLink } from './support/harness';
import { SAMPLES, SPECS, v2Validator } from './support/schemas';

guardAgainstLeaks();

/** JSON.parse after escaping the raw control characters the FFS file has inside strings. */
function parseLenient(text: string): unknown {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString && !escaped && ch.charCodeAt(0) < 0x20) {
      out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
      continue;
    }
    if (inString && !escaped && ch === '"') inString = false;
    else if (!inString && ch === '"') inString = true;
    escaped = inString && !escaped && ch === '\\';
    out += ch;
  }
  return JSON.parse(out);
}

const validators = new Map<string, ValidateFunction>();

/** A component of specs/v1/ffs-photoshop_api.json, where the masking endpoints are defined. */
function ffsValidator(component: string): ValidateFunction {
  const cached = validators.get(component);
  if (cached) return cached;
  const text = readFileSync(join(SPECS, 'v1', 'ffs-photoshop_api.json'), 'utf8');
  const spec = parseLenient(text) as { components: unknown };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'ffs.json', components: spec.components }, 'ffs.json');
  const validate = ajv.getSchema(`ffs.json#/components/schemas/${component}`);
  if (!validate) throw new Error(`no component ${component}`);
  validators.set(component, validate);
  return validate;
}

function expectValid(component: string, doc: unknown): void {
  const validate = ffsValidator(component);
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
}

/** A `size`×`size` PNG of `bg` with a `fg` square from `from` to `to` (exclusive). */
async function squarePng(
  size: number,
  bg: [number, number, number],
  fg: [number, number, number, number?],
  from: number,
  to: number,
): Promise<Buffer> {
  const data = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside = x >= from && x < to && y >= from && y < to;
      const [r, g, b, a = 255] = inside ? fg : [...bg, 255];
      data.set([r, g, b, a], (y * size + x) * 4);
    }
  }
  return sharp(data, { raw: { width: size, height: size, channels: 4 } })
    .png()
    .toBuffer();
}

const WHITE: [number, number, number, number] = [255, 255, 255, 255];

describe('remove-background (v2) and the masking endpoints (/v1/…)', () => {
  let h: Harness;
  const f = () => h.files.url;
  const source = (name: string) => ({ source: { url: `${f()}/in/${name}` } });
  const fetchBytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
  const run = async (path: string, body: unknown): Promise<Reply> => {
    const submitted = await h.post(path, body);
    expect(submitted.status).toBe(202);
    return h.waitDone(statusLink(submitted));
  };

  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/input.jpg', readFileSync(join(SAMPLES, 'input.jpg')));
    // A red square (20–44) on dark blue; the rough mask is two pixels too big on every side.
    h.files.put('/in/square.png', await squarePng(64, [10, 20, 120], [220, 30, 30], 20, 44));
    h.files.put('/in/rough.png', await squarePng(64, [0, 0, 0], WHITE, 18, 46));
    // A white object (24–40) on blue to remove, and a mask that covers it.
    h.files.put('/in/object.png', await squarePng(64, [20, 60, 200], WHITE, 24, 40));
    h.files.put('/in/object-mask.png', await squarePng(64, [0, 0, 0], WHITE, 22, 42));
    h.files.put('/in/all.png', await squarePng(64, [255, 255, 255], WHITE, 0, 64));
  });
  afterAll(() => h.close());

  describe('POST /v2/remove-background', () => {
    it('cutout: an RGBA PNG at the destination, subject opaque, background transparent', async () => {
      const submitted = await h.post('/v2/remove-background', {
        image: source('input.jpg'),
        mode: 'cutout',
        output: { mediaType: 'image/png', destination: { url: `${f()}/out/cut.png` } },
      });
      expect(submitted.status).toBe(202);
      expect(submitted.body).toEqual({ jobId: expect.any(String), statusUrl: expect.any(String) });
      expect(submitted.body.statusUrl).toContain(`/v2/status/${submitted.body.jobId}`);
      const done = await h.waitDone(statusLink(submitted));
      // The OpenAPI file types result.outputs as an object; the status guide uses an array.
      const validate = v2Validator('JobStatusResponse', (schemas) => {
        const result = schemas.Result;
        if (result) result.properties.outputs = { type: 'array' };
      });
      expect(validate(done.body) ? [] : validate.errors).toEqual([]);
      expect(done.body).toMatchObject({
        status: 'succeeded',
        result: {
          outputs: [{ destination: { url: `${f()}/out/cut.png` }, mediaType: 'image/png' }],
        },
      });
      const png = h.files.get('/out/cut.png')?.bytes;
      const meta = await sharp(png).metadata();
      const input = await sharp(readFileSync(join(SAMPLES, 'input.jpg'))).metadata();
      expect([meta.format, meta.channels, meta.width, meta.height]).toEqual([
        'png',
        4,
        input.width,
        input.height,
      ]);
      expect((await pixel(png, 0, 0))[3]).toBe(0);
      expect((await pixel(png, 240, 170))[3]).toBe(255);
    });

    it('mask: a greyscale mask, white subject on black; trim crops it to the subject', async () => {
      const full = await run('/v2/remove-background', {
        image: source('input.jpg'),
        mode: 'mask',
        output: { mediaType: 'image/png', destination: { url: `${f()}/out/mask.png` } },
      });
      expect(full.body.status).toBe('succeeded');
      const mask = h.files.get('/out/mask.png')?.bytes;
      expect(await pixel(mask, 0, 0)).toEqual([0, 0, 0, 255]);
      expect(await pixel(mask, 240, 170)).toEqual([255, 255, 255, 255]);

      await run('/v2/remove-background', {
        image: source('input.jpg'),
        mode: 'mask',
        trim: true,
        output: { mediaType: 'image/png', destination: { url: `${f()}/out/mask-trim.png` } },
      });
      const whole = await sharp(mask).metadata();
      const trimmed = await sharp(h.files.get('/out/mask-trim.png')?.bytes).metadata();
      expect(trimmed.width).toBeLessThan(whole.width ?? 0);
      expect(trimmed.height).toBeLessThan(whole.height ?? 0);
    });

    it('backgroundColor fills behind the subject; JPEG output; no destination: Adobe-style hosted file', async () => {
      const done = await run('/v2/remove-background', {
        image: source('input.jpg'),
        backgroundColor: { red: 0, green: 200, blue: 0, alpha: 1 },
        colorDecontamination: 1,
        output: { mediaType: 'image/jpeg' },
      });
      expect(done.body.status).toBe('succeeded');
      const [out] = done.body.result.outputs;
      expect(out.mediaType).toBe('image/jpeg');
      const jpeg = await fetchBytes(out.destination.url);
      expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
      const [r, g, b] = await pixel(jpeg, 2, 2);
      expect(g).toBeGreaterThan(180);
      expect(Math.max(r ?? 255, b ?? 255)).toBeLessThan(40);
    });

    it.each([
      [{ lighting: 'soft' }, 'lighting'],
      [{ output: { mediaType: 'image/png', width: 10 } }, 'output.width'],
      [{ mode: 'mask', backgroundColor: { red: 1 } }, 'backgroundColor'],
      [{ mode: 'mask', colorDecontamination: 1 }, 'colorDecontamination'],
    ])('refuses %j naming %s', async (extra, field) => {
      const done = await run('/v2/remove-background', { image: source('input.jpg'), ...extra });
      expect(done.body.status).toBe('failed');
      expect(done.body.errorDetails[0].message).toContain(field);
      expect(done.body.errorDetails[0].message).toMatch(/Not implemented by the Darkroom emulator/);
    });

    it('rejects a body Adobe rejects with 400 naming the field', async () => {
      const reply = await h.post('/v2/remove-background', {
        image: source('input.jpg'),
        mode: 'psd',
      });
      expect(reply.status).toBe(400);
      expect(JSON.stringify(reply.body)).toContain('mode');
    });
  });

  describe('masking', () => {
    it('mask-objects: a subject mask and a background mask, hosted PNGs, in the documented shape', async () => {
      const submitted = await h.post('/v1/mask-objects', { image: source('input.jpg') });
      expect(submitted.status).toBe(202);
      expectValid('JobLinkResponse', submitted.body);
      expect(submitted.body.statusUrl).toContain(`/v1/status/${submitted.body.jobId}`);
      const done = await h.waitDone(statusLink(submitted));
      expectValid('MaskObjectsJobApiResponse', done.body);
      expectValid('JobStatusSucceeded', done.body);
      const [subject] = done.body.semanticMasks;
      const [background] = done.body.backgroundMasks;
      expect(subject).toMatchObject({ label: 'subject', mediaType: 'image/png' });
      const box = subject.boundingBox;
      expect(box.x).toBeLessThanOrEqual(240);
      expect(box.x + box.width).toBeGreaterThan(240);
      const mask = await fetchBytes(subject.destination.url);
      expect(await pixel(mask, 240, 170)).toEqual([255, 255, 255, 255]);
      expect(await pixel(mask, 0, 0)).toEqual([0, 0, 0, 255]);
      const inverse = await fetchBytes(background.destination.url);
      expect(await pixel(inverse, 240, 170)).toEqual([0, 0, 0, 255]);
      expect(await pixel(inverse, 0, 0)).toEqual([255, 255, 255, 255]);
    });

    it('refine-mask: the too-big rough mask is pulled in to the red square by colour', async () => {
      const done = await run('/v1/refine-mask', {
        image: source('square.png'),
        mask: source('rough.png'),
      });
      expectValid('RefineMaskJobApiResponse', done.body);
      expect(done.body.image).toBeUndefined();
      const refined = await fetchBytes(done.body.mask.destination.url);
      // Selected by the rough mask, but the colour of the background: dropped.
      expect((await pixel(refined, 18, 32))[0]).toBeLessThan(64);
      expect((await pixel(refined, 32, 18))[0]).toBeLessThan(64);
      // Inside the square, and well outside: as before.
      expect((await pixel(refined, 32, 32))[0]).toBe(255);
      expect((await pixel(refined, 21, 32))[0]).toBeGreaterThan(192);
      expect((await pixel(refined, 3, 3))[0]).toBe(0);
      expect(done.body.mask.boundingBox.x).toBeGreaterThanOrEqual(19);
    });

    it('refine-mask with colorDecontamination: the image on transparency, as `image`', async () => {
      const done = await run('/v1/refine-mask', {
        image: source('square.png'),
        mask: source('rough.png'),
        colorDecontamination: true,
      });
      expectValid('RefineMaskJobApiResponse', done.body);
      expect(done.body.mask).toBeUndefined();
      const image = await fetchBytes(done.body.image.destination.url);
      expect(await pixel(image, 32, 32)).toEqual([220, 30, 30, 255]);
      expect((await pixel(image, 3, 3))[3]).toBe(0);
    });

    it('fill-masked-areas: the white object is replaced by the blue around it', async () => {
      const done = await run('/v1/fill-masked-areas', {
        image: source('object.png'),
        masks: [source('object-mask.png')],
      });
      expectValid('FillMaskedAreasJobApiResponse', done.body);
      const filled = await fetchBytes(done.body.image.destination.url);
      const [r, g, b] = await pixel(filled, 32, 32);
      expect([r, g, b]).toEqual([20, 60, 200]);
      expect(await pixel(filled, 3, 3)).toEqual([20, 60, 200, 255]);
    });

    it('fill-masked-areas fails when the masks leave nothing to fill from', async () => {
      const done = await run('/v1/fill-masked-areas', {
        image: source('object.png'),
        masks: [source('all.png')],
      });
      expectValid('JobStatusFailed', done.body);
      expect(done.body).toMatchObject({ status: 'failed', error_code: 'InputValidationError' });
      expect(done.body.message).toContain('masks');
    });

    it('mask-body-parts is refused: the job fails NotImplementedByEmulator, in the documented shape', async () => {
      const done = await run('/v1/mask-body-parts', {
        image: source('input.jpg'),
        mask: source('rough.png'),
        useGranularLabels: true,
      });
      expectValid('JobStatusFailed', done.body);
      expect(done.body).toMatchObject({ status: 'failed', error_code: 'NotImplementedByEmulator' });
      expect(done.body.message).toContain('body-part segmentation');
    });

    it('an unknown field fails the job naming it', async () => {
      const done = await run('/v1/mask-objects', { image: source('input.jpg'), detail: 'high' });
      expect(done.body).toMatchObject({ status: 'failed', error_code: 'NotImplementedByEmulator' });
      expect(done.body.message).toContain('detail');
    });

    it('a masking job is not found on another family’s status path, nor a v2 job on /v1/status', async () => {
      const masking = await h.post('/v1/mask-objects', { image: source('input.jpg') });
      const v2 = await h.post('/v2/remove-background', { image: source('input.jpg') });
      expect((await h.get(`/v2/status/${masking.body.jobId}`)).status).toBe(404);
      expect((await h.get(`/v1/status/${v2.body.jobId}`)).status).toBe(404);
      await h.waitDone(statusLink(masking));
      await h.waitDone(statusLink(v2));
    });
  });
});

describe('masking status before the job runs, and the rate classes', () => {
  it('a fresh job reads not_started', async () => {
    const h = await startHarness({ timeFactor: 1 });
    try {
      h.files.put('/in/input.jpg', readFileSync(join(SAMPLES, 'input.jpg')));
      const submitted = await h.post('/v1/mask-objects', {
        image: { source: { url: `${h.files.url}/in/input.jpg` } },
      });
      const first = await h.get(statusLink(submitted));
      expect(first.body).toEqual({ jobId: submitted.body.jobId, status: 'not_started' });
      expectValid('JobStatusNotStarted', first.body);
    } finally {
      await h.close();
    }
  });

  it('masking submits spend submit-mask; remove-background polls spend status-cutout', async () => {
    const h = await startHarness({
      limits: {
        'submit-mask': [{ limit: 1, windowMs: 60_000 }],
        'status-cutout': [{ limit: 1, windowMs: 60_000 }],
      },
    });
    try {
      h.files.put('/in/input.jpg', readFileSync(join(SAMPLES, 'input.jpg')));
      const body = { image: { source: { url: `${h.files.url}/in/input.jpg` } } };
      expect((await h.post('/v1/refine-mask', { ...body, mask: body.image })).status).toBe(202);
      expect((await h.post('/v1/mask-objects', body)).status).toBe(429);
      const rb = await h.post('/v2/remove-background', body);
      expect(rb.status).toBe(202);
      expect((await h.get(statusLink(rb))).status).toBe(200);
      expect((await h.get(statusLink(rb))).status).toBe(429);
    } finally {
      await h.close();
    }
  });
});
