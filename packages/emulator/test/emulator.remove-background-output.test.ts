/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

/** remove-background writes its one `output` through the path every other output takes. */
describe('remove-background output faults and modes', () => {
  let h: Harness;
  const body = (name: string) => ({
    image: { source: { url: `${h.files.url}/in/red.png` } },
    output: {
      mediaType: 'image/png',
      destination: { url: `${h.files.url}/out/${name}.png?sig=x` },
    },
  });
  const run = async (name: string) => {
    const submitted = await h.post('/v2/remove-background', body(name));
    expect(submitted.status).toBe(202);
    return h.waitDone(statusLink(submitted));
  };

  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  });
  afterEach(() => h.emulator.setFaults({}));
  afterAll(() => h.close());

  it('storage.uploadContentType applies: none sends no Content-Type', async () => {
    h.emulator.setFaults({ storage: { uploadContentType: 'none' } });
    const done = await run('bare');
    expect(done.body.status).toBe('succeeded');
    const index = h.files.requests.lastIndexOf('PUT /out/bare.png');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(h.files.headers[index]).not.toHaveProperty('content-type');
    expect(h.files.get('/out/bare.png')?.bytes.length).toBeGreaterThan(0);
  });

  it('uploadFailureRate applies: the job fails naming the output, without its query', async () => {
    h.emulator.setFaults({ uploadFailureRate: 1 });
    const done = await run('failed');
    expect(done.body.status).toBe('failed');
    expect(JSON.stringify(done.body.errorDetails)).toContain(`${h.files.url}/out/failed.png`);
    expect(JSON.stringify(done.body)).not.toContain('sig=x');
    expect(h.files.requests).not.toContain('PUT /out/failed.png');
  });

  it('its output location is counted like other outputs', async () => {
    await run('counted');
    expect(h.emulator.stats().submitsByLocation[`${h.files.url}/out/counted.png`]).toBe(1);
  });
});

describe('remove-background in placeholder processing', () => {
  it('uploads a placeholder to its output, as other operations do', async () => {
    const h = await startHarness({ processing: 'placeholder' });
    try {
      const submitted = await h.post('/v2/remove-background', {
        image: { source: { url: `${h.files.url}/in/absent.png` } },
        output: { mediaType: 'image/png', destination: { url: `${h.files.url}/out/p.png` } },
      });
      const done = await h.waitDone(statusLink(submitted));
      expect(done.body.status).toBe('succeeded');
      expect(done.body.result.outputs[0].destination).toEqual({ url: `${h.files.url}/out/p.png` });
      expect(h.files.get('/out/p.png')?.bytes.length).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });
});
