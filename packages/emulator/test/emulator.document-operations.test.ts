/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import sharp from 'sharp';
import { pixel, readPsdLayers, textLayerPsd } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('text, documentCreate and depthBlur', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/text.psd', textLayerPsd());
  });
  afterAll(() => h.close());

  async function run(path: string, body: unknown) {
    const submitted = await h.post(path, body);
    expect(submitted.status).toBe(202);
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].errors).toBeUndefined();
    return done.body.outputs[0];
  }

  it('the manifest reports text layers with their content', async () => {
    const output = await run('/pie/psdService/documentManifest', {
      inputs: [{ href: `${h.files.url}/in/text.psd`, storage: 'external' }],
    });
    expect(output.layers[0]).toMatchObject({
      name: 'Title',
      type: 'textLayer',
      text: { content: 'Hello' },
    });
    expect(output.layers[1]).toMatchObject({
      name: 'Background',
      type: 'backgroundLayer',
      index: 0,
    });
  });

  it('text edits change the text data of the PSD', async () => {
    await run('/pie/psdService/text', {
      inputs: [{ href: `${h.files.url}/in/text.psd`, storage: 'external' }],
      options: { layers: [{ name: 'Title', text: { contents: 'Goodbye' } }] },
      outputs: [
        {
          href: `${h.files.url}/out/text.psd`,
          storage: 'external',
          type: 'image/vnd.adobe.photoshop',
        },
      ],
    });
    const psd = readPsdLayers(h.files.get('/out/text.psd')?.bytes ?? Buffer.alloc(0));
    expect(psd.children?.find((l) => l.name === 'Title')?.text?.text).toBe('Goodbye');
  });

  it('documentCreate makes a blank canvas of the asked size and fill', async () => {
    await run('/pie/psdService/documentCreate', {
      options: {
        document: { width: 30, height: 12, resolution: 72, fill: 'transparent', mode: 'rgb' },
      },
      outputs: [{ href: `${h.files.url}/out/new.png`, storage: 'external', type: 'image/png' }],
    });
    const png = h.files.get('/out/new.png')?.bytes;
    expect(await sharp(png).metadata()).toMatchObject({ width: 30, height: 12 });
    expect(await pixel(png, 15, 6)).toEqual([0, 0, 0, 0]);
  });

  it('depthBlur blurs (uniformly: there is no depth map)', async () => {
    await run('/pie/psdService/depthBlur', {
      inputs: [{ href: `${h.files.url}/in/text.psd`, storage: 'external' }],
      options: { blurStrength: 80 },
      outputs: [{ href: `${h.files.url}/out/blur.png`, storage: 'external', type: 'image/png' }],
    });
    // The fixture is a black 16×8 box on white: blurred, its darkest pixel is grey, not black.
    const red = (await sharp(h.files.get('/out/blur.png')?.bytes).stats()).channels[0];
    expect(red?.min).toBeGreaterThan(0);
    expect(red?.min).toBeLessThan(200);
  });
});
