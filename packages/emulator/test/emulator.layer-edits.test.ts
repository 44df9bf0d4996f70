/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { pixel, readPsdLayers, solidPng, twoLayerPsd } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('layer edits (documentOperations, smartObject, layer renditions)', () => {
  let h: Harness;
  const input = () => [{ href: `${h.files.url}/in/two.psd`, storage: 'external' }];
  const out = (name: string, type = 'image/png') => ({
    href: `${h.files.url}/out/${name}`,
    storage: 'external',
    type,
  });

  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/two.psd', twoLayerPsd());
    h.files.put('/in/green.png', await solidPng(8, 8, [0, 255, 0]));
  });
  afterAll(() => h.close());

  async function run(path: string, body: unknown): Promise<void> {
    const submitted = await h.post(path, body);
    expect(submitted.status).toBe(202);
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].errors).toBeUndefined();
    expect(done.body.outputs[0].status).toBe('succeeded');
  }

  it('hiding a layer shows in the re-rendered composite and in the written PSD', async () => {
    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: { layers: [{ name: 'Blue', visible: false, edit: {} }] },
      outputs: [out('hidden.png'), out('hidden.psd', 'image/vnd.adobe.photoshop')],
    });
    expect(await pixel(h.files.get('/out/hidden.png')?.bytes, 20, 20)).toEqual([255, 0, 0, 255]);
    const psd = readPsdLayers(h.files.get('/out/hidden.psd')?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.find((l) => l.name === 'Blue')?.hidden).toBe(true);
  });

  it('adds a pixel layer from an input image at the given bounds', async () => {
    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: {
        layers: [
          {
            add: { insertTop: true },
            name: 'Green',
            type: 'layer',
            input: { href: `${h.files.url}/in/green.png`, storage: 'external' },
            bounds: { top: 0, left: 0, width: 12, height: 12 },
          },
        ],
      },
      outputs: [out('added.png'), out('added.psd', 'image/vnd.adobe.photoshop')],
    });
    expect(await pixel(h.files.get('/out/added.png')?.bytes, 5, 5)).toEqual([0, 255, 0, 255]);
    expect(await pixel(h.files.get('/out/added.png')?.bytes, 20, 20)).toEqual([0, 0, 255, 255]);
    const psd = readPsdLayers(h.files.get('/out/added.psd')?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.map((l) => l.name)).toEqual(['Red', 'Blue', 'Green']);
    const green = psd.children?.[2];
    expect([green?.left, green?.top, green?.right, green?.bottom]).toEqual([0, 0, 12, 12]);
  });

  it('renames, moves and deletes layers', async () => {
    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: {
        layers: [
          { id: 2, name: 'Ocean', edit: {} },
          { id: 2, move: { insertBelow: { id: 1 } } },
        ],
      },
      outputs: [out('moved.png'), out('moved.psd', 'image/vnd.adobe.photoshop')],
    });
    // Blue went below the full-canvas Red layer, so the composite is all red.
    expect(await pixel(h.files.get('/out/moved.png')?.bytes, 20, 20)).toEqual([255, 0, 0, 255]);
    expect(
      readPsdLayers(h.files.get('/out/moved.psd')?.bytes ?? Buffer.alloc(0)).children?.map(
        (l) => l.name,
      ),
    ).toEqual(['Ocean', 'Red']);

    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: { layers: [{ name: 'Red', delete: {} }] },
      outputs: [out('deleted.png')],
    });
    expect(await pixel(h.files.get('/out/deleted.png')?.bytes, 2, 2)).toEqual([0, 0, 0, 0]);
    expect(await pixel(h.files.get('/out/deleted.png')?.bytes, 20, 20)).toEqual([0, 0, 255, 255]);
  });

  it('replaces a smart object scaled to the layer bounds', async () => {
    await run('/pie/psdService/smartObject', {
      inputs: input(),
      options: {
        layers: [
          { name: 'Blue', input: { href: `${h.files.url}/in/green.png`, storage: 'external' } },
        ],
      },
      outputs: [out('so.png')],
    });
    const png = h.files.get('/out/so.png')?.bytes;
    expect(await pixel(png, 10, 10)).toEqual([0, 255, 0, 255]);
    expect(await pixel(png, 29, 29)).toEqual([0, 255, 0, 255]);
    expect(await pixel(png, 30, 30)).toEqual([255, 0, 0, 255]);
  });

  it('adds adjustment layers that change what lies below them', async () => {
    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: {
        layers: [
          {
            add: { insertAbove: { id: 1 } },
            name: 'Brighter',
            type: 'adjustmentLayer',
            adjustments: { brightnessContrast: { brightness: 150, contrast: 0 } },
          },
          {
            add: { insertTop: true },
            name: 'Grey',
            type: 'adjustmentLayer',
            adjustments: {
              hueSaturation: {
                channels: [{ channel: 'master', hue: 0, saturation: -100, lightness: 0 }],
              },
            },
            blendOptions: { opacity: 100 },
          },
        ],
      },
      outputs: [out('adjusted.png'), out('adjusted.psd', 'image/vnd.adobe.photoshop')],
    });
    const png = h.files.get('/out/adjusted.png')?.bytes;
    // Red brightened by 0.3 (G and B 0 → 77), then desaturated to its HSL lightness: (255+77)/2.
    const [r, g, b] = await pixel(png, 2, 2);
    expect(Math.abs((r ?? 0) - 166)).toBeLessThanOrEqual(1);
    expect([r, g]).toEqual([b, b]);
    const psd = readPsdLayers(h.files.get('/out/adjusted.psd')?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.map((l) => [l.name, l.adjustment?.type])).toEqual([
      ['Red', undefined],
      ['Brighter', 'brightness/contrast'],
      ['Blue', undefined],
      ['Grey', 'hue/saturation'],
    ]);
  });

  it('renders colour balance and refuses adjustment kinds it cannot render', async () => {
    await run('/pie/psdService/documentOperations', {
      inputs: input(),
      options: {
        layers: [
          {
            add: { insertTop: true },
            type: 'adjustmentLayer',
            adjustments: {
              colorBalance: { preserveLuminosity: false, midtoneLevels: [-100, 0, 0] },
            },
          },
        ],
      },
      outputs: [out('balance.png')],
    });
    // Midtones pushed towards cyan: pure red loses some red, gains nothing else.
    const [r, g, b] = await pixel(h.files.get('/out/balance.png')?.bytes, 2, 2);
    expect(r).toBeGreaterThan(200);
    expect(r).toBeLessThan(250);
    expect([g, b]).toEqual([0, 0]);

    const submitted = await h.post('/pie/psdService/documentOperations', {
      inputs: input(),
      options: {
        layers: [
          {
            add: { insertTop: true },
            type: 'adjustmentLayer',
            adjustments: { hueSaturation: { channels: [{ channel: 'reds', hue: 40 }] } },
          },
        ],
      },
      outputs: [out('reds.png')],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0]).toMatchObject({
      status: 'failed',
      errors: { type: 'NotImplementedByEmulator' },
    });
  });

  it('re-renders blend modes and pixel masks of the PSD', async () => {
    h.files.put('/in/screen.psd', twoLayerPsd({ blueMode: 'screen', blueMaskLeftHalf: true }));
    await run('/pie/psdService/documentOperations', {
      inputs: [{ href: `${h.files.url}/in/screen.psd`, storage: 'external' }],
      options: { layers: [{ name: 'Red', visible: true, edit: {} }] },
      outputs: [out('screen.png')],
    });
    const png = h.files.get('/out/screen.png')?.bytes;
    expect(await pixel(png, 12, 20)).toEqual([255, 0, 255, 255]);
    expect(await pixel(png, 25, 20)).toEqual([255, 0, 0, 255]);
  });

  it('documentManifest thumbnails: each pixel layer served by the emulator', async () => {
    const submitted = await h.post('/pie/psdService/documentManifest', {
      inputs: input(),
      options: { thumbnails: { type: 'image/png' } },
    });
    const done = await h.waitDone(statusLink(submitted));
    const layers = done.body.outputs[0].layers as Array<{ name: string; thumbnail?: string }>;
    const blue = layers.find((l) => l.name === 'Blue')?.thumbnail ?? '';
    expect(blue).toMatch(new RegExp(`^${h.emulator.url}/hosted/`));
    const png = Buffer.from(await (await fetch(blue)).arrayBuffer());
    expect(await pixel(png, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(layers.every((l) => typeof l.thumbnail === 'string')).toBe(true);
  });

  it('renders only the named layers', async () => {
    await run('/pie/psdService/renditionCreate', {
      inputs: input(),
      outputs: [{ ...out('only-blue.png'), layers: [{ name: 'Blue' }], trimToCanvas: true }],
    });
    const png = h.files.get('/out/only-blue.png')?.bytes;
    expect(await pixel(png, 2, 2)).toEqual([0, 0, 0, 0]);
    expect(await pixel(png, 20, 20)).toEqual([0, 0, 255, 255]);
  });

  it('fails the job, naming the edit, when a layer does not exist', async () => {
    const submitted = await h.post('/pie/psdService/documentOperations', {
      inputs: input(),
      options: { layers: [{ name: 'Nope', visible: false, edit: {} }] },
      outputs: [out('never.png')],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].status).toBe('failed');
    expect(done.body.outputs[0].errors.details[0]).toEqual({
      name: 'options.layers[0]',
      reason: 'no layer with name "Nope"',
    });
    expect(h.files.get('/out/never.png')).toBeUndefined();
  });
});
