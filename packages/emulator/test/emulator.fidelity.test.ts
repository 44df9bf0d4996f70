/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePsdBuffer, type Layer } from 'ag-psd';
import sharp from 'sharp';
import { v2ManifestSchema } from '@darkroom/photoshop';
import { guardAgainstLeaks } from '@darkroom/testing';
import { pixel, readPsdLayers, textLayerPsd, twoLayerPsd } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';
import { SAMPLES, v1Validator, v2Validator } from './support/schemas';

guardAgainstLeaks();

function solid(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

/**
 * A 40×40 PSD with what manifests must name in Adobe's words: a pass-through group holding a
 * soft-light layer, a shape layer (a colour fill with a vector mask), a brightness/contrast
 * adjustment layer (no pixels of its own) and a background.
 */
function variedPsd(): Buffer {
  const layer = (extra: Partial<Layer>): Layer => ({
    top: 0,
    left: 0,
    right: 40,
    bottom: 40,
    imageData: solid(40, 40, [200, 200, 200, 255]),
    ...extra,
  });
  return writePsdBuffer(
    {
      width: 40,
      height: 40,
      imageData: solid(40, 40, [200, 200, 200, 255]),
      children: [
        layer({ id: 1, name: 'Background' }),
        {
          id: 2,
          name: 'Group',
          blendMode: 'pass through',
          opened: true,
          children: [
            layer({
              id: 3,
              name: 'Soft',
              blendMode: 'soft light',
              top: 5,
              left: 5,
              right: 25,
              bottom: 25,
              imageData: solid(20, 20, [0, 0, 255, 255]),
            }),
          ],
        },
        layer({
          id: 4,
          name: 'Shape',
          top: 10,
          left: 10,
          right: 30,
          bottom: 30,
          imageData: solid(20, 20, [255, 0, 0, 255]),
          vectorFill: { type: 'color', color: { r: 255, g: 0, b: 0 } },
          vectorMask: {
            paths: [
              {
                open: false,
                operation: 'combine',
                knots: [
                  { linked: true, points: [10, 10, 10, 10, 10, 10] },
                  { linked: true, points: [30, 10, 30, 10, 30, 10] },
                  { linked: true, points: [30, 30, 30, 30, 30, 30] },
                  { linked: true, points: [10, 30, 10, 30, 10, 30] },
                ],
                fillRule: 'even-odd',
              },
            ],
          },
        }),
        {
          id: 5,
          name: 'Brighter',
          adjustment: { type: 'brightness/contrast', brightness: 20, contrast: 0 },
        },
      ],
    },
    { generateThumbnail: false },
  );
}

async function meanDifference(a: Buffer | undefined, b: Buffer | undefined): Promise<number> {
  if (!a || !b) throw new Error('missing image');
  const [x, y] = await Promise.all([a, b].map((img) => sharp(img).ensureAlpha().raw().toBuffer()));
  if (!x || !y || x.length !== y.length) throw new Error('images differ in size');
  let sum = 0;
  for (let i = 0; i < x.length; i += 1) sum += Math.abs((x[i] ?? 0) - (y[i] ?? 0));
  return sum / x.length;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest JSON read field by field
type Json = Record<string, any>;

function flatten(layers: Json[], key = 'children'): Json[] {
  return layers.flatMap((l) => [l, ...flatten((l[key] as Json[] | undefined) ?? [], key)]);
}

describe('fidelity: fields are honoured or refused, manifests speak Adobe’s vocabulary', () => {
  let h: Harness;
  const f = () => h.files.url;
  const out = (name: string, type = 'image/png') => ({
    href: `${f()}/out/${name}`,
    storage: 'external',
    type,
  });

  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/two.psd', twoLayerPsd());
    h.files.put('/in/text.psd', textLayerPsd());
    h.files.put('/in/varied.psd', variedPsd());
    h.files.put('/in/Sunflower.psd', readFileSync(join(SAMPLES, 'Sunflower.psd')));
  });
  afterAll(() => h.close());

  async function done(path: string, body: unknown): Promise<Json> {
    const submitted = await h.post(path, body);
    expect(submitted.status).toBe(202);
    return (await h.waitDone(statusLink(submitted))).body as Json;
  }

  async function succeeded(path: string, body: unknown): Promise<Json> {
    const status = await done(path, body);
    const state = status.status ?? status.outputs?.[0]?.status;
    expect([state, status.outputs?.[0]?.errors ?? status.errorDetails]).toEqual([
      'succeeded',
      undefined,
    ]);
    return status;
  }

  const layerEdit = (layer: Json, name: string) => ({
    inputs: [{ href: `${f()}/in/two.psd`, storage: 'external' }],
    options: { layers: [{ name: 'Blue', edit: {}, ...layer }] },
    outputs: [out(name)],
  });

  it('v1 blendOptions.blendMode multiply changes the composite', async () => {
    await succeeded('/pie/psdService/documentOperations', layerEdit({ visible: true }, 'noop.png'));
    await succeeded(
      '/pie/psdService/documentOperations',
      layerEdit({ blendOptions: { blendMode: 'multiply' } }, 'multiply.png'),
    );
    const multiplied = h.files.get('/out/multiply.png')?.bytes;
    expect(await meanDifference(h.files.get('/out/noop.png')?.bytes, multiplied)).toBeGreaterThan(
      10,
    );
    // Blue multiplied over red is black where they overlap; red stays red elsewhere.
    const { data } = await sharp(multiplied)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 4)];
    expect(at(20, 20)).toEqual([0, 0, 0, 255]);
    expect(at(2, 2)).toEqual([255, 0, 0, 255]);
  });

  it('v2 blendOptions.blendMode (snake_case) changes the composite too', async () => {
    await succeeded('/v2/create-composite', {
      image: { source: { url: `${f()}/in/two.psd` } },
      edits: {
        layers: [
          { name: 'Blue', operation: { type: 'edit' }, blendOptions: { blendMode: 'multiply' } },
        ],
      },
      outputs: [{ destination: { url: `${f()}/out/v2-multiply.png` }, mediaType: 'image/png' }],
    });
    // Blue multiplied over red: black where they overlap, as in the v1 edit.
    const v2 = h.files.get('/out/v2-multiply.png')?.bytes;
    expect(await pixel(v2, 20, 20)).toEqual([0, 0, 0, 255]);
    expect(await meanDifference(h.files.get('/out/multiply.png')?.bytes, v2)).toBe(0);
  });

  it('a blend mode the emulator cannot render fails the job naming the field', async () => {
    const status = await done(
      '/pie/psdService/documentOperations',
      layerEdit({ blendOptions: { blendMode: 'hardMix' } }, 'never.png'),
    );
    expect(status.outputs[0].status).toBe('failed');
    expect(status.outputs[0].errors).toMatchObject({
      type: 'NotImplementedByEmulator',
      details: [{ name: 'options.layers[0].blendOptions.blendMode' }],
    });
    expect(h.files.get('/out/never.png')).toBeUndefined();
  });

  it.each([['content'], ['contents']])('a text edit with text.%s changes the text', async (key) => {
    await succeeded('/pie/psdService/text', {
      inputs: [{ href: `${f()}/in/text.psd`, storage: 'external' }],
      options: { layers: [{ name: 'Title', text: { [key]: `World via ${key}` } }] },
      outputs: [out(`text-${key}.psd`, 'image/vnd.adobe.photoshop')],
    });
    const psd = readPsdLayers(h.files.get(`/out/text-${key}.psd`)?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.find((l) => l.name === 'Title')?.text?.text).toBe(`World via ${key}`);
  });

  it('documentOperations honours text.content as well', async () => {
    await succeeded('/pie/psdService/documentOperations', {
      inputs: [{ href: `${f()}/in/text.psd`, storage: 'external' }],
      options: { layers: [{ name: 'Title', edit: {}, text: { content: 'Edited' } }] },
      outputs: [out('doc-text.psd', 'image/vnd.adobe.photoshop')],
    });
    const psd = readPsdLayers(h.files.get('/out/doc-text.psd')?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.find((l) => l.name === 'Title')?.text?.text).toBe('Edited');
  });

  it('a rendition of one layer is layer-sized unless trimToCanvas asks for the canvas', async () => {
    await succeeded('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${f()}/in/two.psd`, storage: 'external' }],
      outputs: [
        { ...out('blue-default.png'), layers: [{ name: 'Blue' }] },
        { ...out('blue-layer.png'), layers: [{ name: 'Blue' }], trimToCanvas: false },
        { ...out('blue-canvas.png'), layers: [{ name: 'Blue' }], trimToCanvas: true },
      ],
    });
    const size = async (name: string) => {
      const meta = await sharp(h.files.get(`/out/${name}`)?.bytes).metadata();
      return [meta.width, meta.height];
    };
    expect(await size('blue-default.png')).toEqual([20, 20]);
    expect(await size('blue-layer.png')).toEqual([20, 20]);
    expect(await size('blue-canvas.png')).toEqual([40, 40]);
  });

  it('a field the emulator does not do ends the job NotImplementedByEmulator naming it (v1 and v2)', async () => {
    const v1 = await done(
      '/pie/psdService/documentOperations',
      layerEdit(
        { mask: { input: { href: `${f()}/in/two.psd`, storage: 'external' } } },
        'masked.png',
      ),
    );
    expect(v1.outputs[0].errors).toMatchObject({
      type: 'NotImplementedByEmulator',
      code: 501,
      details: [{ name: 'options.layers[0].mask' }],
    });
    const v2 = await done('/v2/generate-manifest', {
      image: { source: { url: `${f()}/in/two.psd` } },
      includeXmp: true,
      outputs: [{ destination: { embedded: 'json' }, mediaType: 'application/json' }],
    });
    expect(v2.status).toBe('failed');
    expect(v2.errorDetails).toEqual([
      { errorCode: '500600', message: expect.stringContaining('includeXmp') },
    ]);
  });

  describe('v1 manifests (documentManifest)', () => {
    const layerObject = () =>
      v1Validator('PITS', 'layers_manifest.schema.json#/definitions/layer_object');

    it.each([['varied.psd'], ['Sunflower.psd']])(
      '%s: the status and every layer satisfy Adobe’s v1 manifest schema',
      async (file) => {
        const status = await succeeded('/pie/psdService/documentManifest', {
          inputs: [{ href: `${f()}/in/${file}`, storage: 'external' }],
        });
        const validate = v1Validator('PITS', 'get_manifest_status.schema.json');
        expect(validate(status) ? [] : validate.errors).toEqual([]);
        // The schema's `children` declares no item schema, so nested layers are checked one by one.
        const layer = layerObject();
        for (const entry of flatten(status.outputs[0].layers as Json[])) {
          const { children: _children, ...own } = entry;
          expect([entry.name, layer(own) ? [] : layer.errors]).toEqual([entry.name, []]);
        }
      },
    );

    it('names blend modes, shape and adjustment layers as Adobe does', async () => {
      const status = await succeeded('/pie/psdService/documentManifest', {
        inputs: [{ href: `${f()}/in/varied.psd`, storage: 'external' }],
      });
      const byName = new Map(flatten(status.outputs[0].layers as Json[]).map((l) => [l.name, l]));
      expect(byName.get('Group')).toMatchObject({
        type: 'layerSection',
        blendOptions: { blendMode: 'normal' },
      });
      expect(byName.get('Soft')).toMatchObject({
        type: 'layer',
        blendOptions: { blendMode: 'softLight' },
      });
      expect(byName.get('Shape')).toMatchObject({
        type: 'fillLayer',
        fill: { solidColor: { rgb: { red: 255, green: 0, blue: 0 } } },
      });
      expect(byName.get('Brighter')).toMatchObject({
        type: 'adjustmentLayer',
        bounds: { top: 0, left: 0, width: 40, height: 40 },
        adjustments: { brightnessContrast: { brightness: 20, contrast: 0 } },
      });
      expect(byName.get('Background')?.type).toBe('backgroundLayer');
    });
  });

  describe('v2 manifests (generate-manifest)', () => {
    /** v2 fields the OpenAPI file defines as components, checked against them. */
    function v2Checks() {
      const spec = JSON.parse(
        readFileSync(join(SAMPLES, '..', 'specs', 'v2', 'photoshopv2-api.json'), 'utf8'),
      ) as Json;
      const addLayer = (spec.components.schemas.AddLayer.allOf as Json[]).find(
        (s) => s.properties?.type,
      );
      return {
        status: v2Validator('JobStatusResponse', (schemas) => {
          const result = schemas.Result;
          if (result) result.properties.outputs = { type: 'array' };
        }),
        bounds: v2Validator('Bounds'),
        blendOptions: v2Validator('BlendOptions'),
        text: v2Validator('Text'),
        types: addLayer?.properties.type.enum as string[],
        protection: addLayer?.properties.protection.items.enum as string[],
      };
    }

    it.each([['varied.psd'], ['Sunflower.psd']])(
      '%s: Adobe’s v2 shape, checked against the v2 OpenAPI components',
      async (file) => {
        const status = await succeeded('/v2/generate-manifest', {
          image: { source: { url: `${f()}/in/${file}` } },
          outputs: [{ destination: { embedded: 'json' }, mediaType: 'application/json' }],
        });
        const check = v2Checks();
        expect(check.status(status) ? [] : check.status.errors).toEqual([]);
        const manifest = status.result.outputs[0].destination.content as Json;
        expect(v2ManifestSchema.safeParse(manifest).success).toBe(true);
        expect(manifest.document).toMatchObject({ title: file, imageMode: 'rgb', depth: 8 });
        expect(check.bounds(manifest.document.bounds) ? [] : check.bounds.errors).toEqual([]);
        for (const layer of flatten(manifest.layers as Json[])) {
          expect(check.types).toContain(layer.type);
          expect(layer).not.toHaveProperty('locked');
          for (const p of layer.protection as string[]) expect(check.protection).toContain(p);
          for (const [name, validate] of [
            ['bounds', check.bounds],
            ['blendOptions', check.blendOptions],
            ['text', check.text],
          ] as const) {
            if (layer[name] === undefined) continue;
            expect([layer.name, name, validate(layer[name]) ? [] : validate.errors]).toEqual([
              layer.name,
              name,
              [],
            ]);
          }
        }
      },
    );

    it('names layers in v2’s snake_case with {left, top, right, bottom} bounds', async () => {
      const status = await succeeded('/v2/generate-manifest', {
        image: { source: { url: `${f()}/in/varied.psd` } },
        outputs: [{ destination: { embedded: 'json' }, mediaType: 'application/json' }],
      });
      const manifest = status.result.outputs[0].destination.content as Json;
      const byName = new Map(flatten(manifest.layers as Json[]).map((l) => [l.name, l]));
      expect(byName.get('Group')).toMatchObject({
        type: 'group_layer',
        blendOptions: { blendMode: 'normal' },
      });
      expect(byName.get('Soft')).toMatchObject({
        type: 'layer',
        bounds: { left: 5, top: 5, right: 25, bottom: 25 },
        blendOptions: { blendMode: 'soft_light' },
        protection: ['none'],
      });
      expect(byName.get('Shape')?.type).toBe('solid_color_layer');
      expect(byName.get('Brighter')).toMatchObject({
        type: 'adjustment_layer',
        bounds: { left: 0, top: 0, right: 40, bottom: 40 },
        adjustments: { type: 'brightness_contrast', brightnessContrast: { brightness: 20 } },
      });
      expect(byName.get('Background')).toMatchObject({
        type: 'background_layer',
        backgroundLayer: true,
      });
    });
  });
});
