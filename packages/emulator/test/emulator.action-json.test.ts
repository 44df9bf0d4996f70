/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import sharp from 'sharp';
import { pixel, twoLayerPsd } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('actionJSON and v2 execute-actions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/two.psd', twoLayerPsd());
  });
  afterAll(() => h.close());

  const steps = [
    { _obj: 'invert' },
    { _obj: 'imageSize', width: { _unit: 'percentUnit', _value: 50 }, constrainProportions: true },
    { _obj: 'flip', axis: { _enum: 'orientation', _value: 'horizontal' } },
  ];

  it('plays the batchPlay steps it knows on the flattened image', async () => {
    const submitted = await h.post('/pie/psdService/actionJSON', {
      inputs: [{ href: `${h.files.url}/in/two.psd`, storage: 'external' }],
      options: { actionJSON: steps },
      outputs: [
        { href: `${h.files.url}/out/inverted.png`, storage: 'external', type: 'image/png' },
      ],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0].status).toBe('succeeded');
    const png = h.files.get('/out/inverted.png')?.bytes;
    expect(await sharp(png).metadata()).toMatchObject({ width: 20, height: 20 });
    // Red inverts to cyan, the blue square to yellow.
    expect(await pixel(png, 1, 1)).toEqual([0, 255, 255, 255]);
    expect(await pixel(png, 10, 10)).toEqual([255, 255, 0, 255]);
  });

  it('fails, naming the step, on a step it does not know', async () => {
    const submitted = await h.post('/pie/psdService/actionJSON', {
      inputs: [{ href: `${h.files.url}/in/two.psd`, storage: 'external' }],
      options: {
        actionJSON: [{ _obj: 'invert' }, { _obj: 'make', _target: [{ _ref: 'contentLayer' }] }],
      },
      outputs: [{ href: `${h.files.url}/out/never.png`, storage: 'external', type: 'image/png' }],
    });
    const done = await h.waitDone(statusLink(submitted));
    expect(done.body.outputs[0]).toMatchObject({
      status: 'failed',
      errors: { type: 'NotImplementedByEmulator', details: [{ name: 'options.actionJSON[1]' }] },
    });
    expect(h.files.get('/out/never.png')).toBeUndefined();
  });

  it('v2 execute-actions plays inline actionJSON and refuses .atn files', async () => {
    const inline = await h.post('/v2/execute-actions', {
      image: { source: { url: `${h.files.url}/in/two.psd` } },
      options: {
        actions: [{ source: { content: JSON.stringify(steps), contentType: 'application/json' } }],
      },
      outputs: [
        { destination: { url: `${h.files.url}/out/v2-actions.png` }, mediaType: 'image/png' },
      ],
    });
    const done = await h.waitDone(String(inline.body.statusUrl));
    expect(done.body.status).toBe('succeeded');
    expect(await pixel(h.files.get('/out/v2-actions.png')?.bytes, 10, 10)).toEqual([
      255, 255, 0, 255,
    ]);

    const atn = await h.post('/v2/execute-actions', {
      image: { source: { url: `${h.files.url}/in/two.psd` } },
      options: { actions: [{ source: { url: `${h.files.url}/in/effects.atn` } }] },
      outputs: [{ destination: { url: `${h.files.url}/out/atn.png` }, mediaType: 'image/png' }],
    });
    const refused = await h.waitDone(String(atn.body.statusUrl));
    expect(refused.body).toMatchObject({
      status: 'failed',
      errorDetails: [{ errorCode: '500600' }],
    });
  });
});
