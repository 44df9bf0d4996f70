/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { type UploadContentType } from '../src';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

function rendition(h: Harness, name: string, storage = 'external') {
  return {
    inputs: [{ href: `${h.files.url}/in/red.png`, storage: 'external' }],
    outputs: [{ href: `${h.files.url}/out/${name}.png?sig=x`, storage, type: 'image/png' }],
  };
}

/** The headers of the last request the storage double saw for `METHOD path`. */
function headersOf(h: Harness, request: string) {
  const index = h.files.requests.lastIndexOf(request);
  return index < 0 ? undefined : h.files.headers[index];
}

describe('the Content-Type of output uploads', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  });
  afterEach(() => h.emulator.setFaults({}));
  afterAll(() => h.close());

  async function uploadWith(name: string, mode?: UploadContentType, storage?: string) {
    h.emulator.setFaults(mode ? { storage: { uploadContentType: mode } } : {});
    const done = await h.waitDone(
      statusLink(await h.post('/pie/psdService/renditionCreate', rendition(h, name, storage))),
    );
    expect(done.body.outputs[0].status).toBe('succeeded');
    return headersOf(h, `PUT /out/${name}.png`);
  }

  it('is the output’s type by default and with output-type', async () => {
    expect((await uploadWith('default'))?.['content-type']).toBe('image/png');
    expect((await uploadWith('typed', 'output-type'))?.['content-type']).toBe('image/png');
  });

  it('is absent with none, also on Azure, which still gets its blob type', async () => {
    const plain = await uploadWith('bare', 'none');
    expect(plain).toBeDefined();
    expect(plain).not.toHaveProperty('content-type');
    const azure = await uploadWith('bare-azure', 'none', 'azure');
    expect(azure).not.toHaveProperty('content-type');
    expect(azure?.['x-ms-blob-type']).toBe('BlockBlob');
    expect(h.files.get('/out/bare.png')?.bytes.length).toBeGreaterThan(0);
  });

  it('is application/octet-stream when asked', async () => {
    const headers = await uploadWith('octets', 'application/octet-stream');
    expect(headers?.['content-type']).toBe('application/octet-stream');
  });

  it('is validated: an unknown mode is refused naming the field', async () => {
    const bad = await fetch(`${h.emulator.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storage: { uploadContentType: 'text/plain' } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_faults',
      issues: [{ path: 'storage.uploadContentType' }],
    });
    expect(() => h.emulator.setFaults({ storage: { urlExpiresAfterMs: -1 } })).toThrow(
      /urlExpiresAfterMs/,
    );
  });
});

describe('presigned URLs that expire early', () => {
  it('fail an input download attempted after the expiry with the 403 failure, sending no request', async () => {
    // The work starts 300 ms after acceptance; the URLs expire after 100 ms.
    const h = await startHarness({
      timeFactor: 1,
      durations: { simple: { minMs: 300, maxMs: 300 }, pendingShare: 1 },
      faults: { storage: { urlExpiresAfterMs: 100 } },
    });
    try {
      h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
      const done = await h.waitDone(
        statusLink(await h.post('/pie/psdService/renditionCreate', rendition(h, 'late'))),
      );
      expect(done.body.outputs[0]).toMatchObject({
        status: 'failed',
        errors: {
          type: 'AuthForbidden',
          code: 403,
          details: [
            { name: `${h.files.url}/in/red.png`, reason: expect.stringContaining('expired') },
          ],
        },
      });
      expect(h.files.requests).toEqual([]);
      expect(h.emulator.stats().clients['darkroom-dev']?.faults.urlExpired).toBe(1);

      // URLs that outlive the work are not touched.
      h.emulator.setFaults({ storage: { urlExpiresAfterMs: 60_000 } });
      const fine = await h.waitDone(
        statusLink(await h.post('/pie/psdService/renditionCreate', rendition(h, 'fine'))),
      );
      expect(fine.body.outputs[0].status).toBe('succeeded');
      expect(h.files.get('/out/fine.png')).toBeDefined();
    } finally {
      await h.close();
    }
  });

  it('fail an output upload with the upload failure, v1 and v2', async () => {
    const h = await startHarness({ faults: { storage: { urlExpiresAfterMs: 0 } } });
    try {
      const v1 = await h.waitDone(
        statusLink(
          await h.post('/pie/psdService/documentCreate', {
            options: {
              document: { width: 8, height: 8, resolution: 72, fill: 'white', mode: 'rgb' },
            },
            outputs: [
              { href: `${h.files.url}/out/doc.png`, storage: 'external', type: 'image/png' },
            ],
          }),
        ),
      );
      expect(v1.body.outputs[0]).toMatchObject({
        status: 'failed',
        errors: {
          type: 'FileOverwriteError',
          details: [{ reason: expect.stringContaining('HTTP 403') }],
        },
      });
      const v2 = await h.waitDone(
        statusLink(
          await h.post('/v2/create-composite', {
            image: { width: 6, height: 6 },
            outputs: [
              { destination: { url: `${h.files.url}/out/v2.png` }, mediaType: 'image/png' },
            ],
          }),
        ),
      );
      expect(v2.body).toMatchObject({ status: 'failed', errorDetails: [{ errorCode: '422404' }] });
      expect(h.files.requests).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('strike only the share of jobs urlExpiryRate draws, reproducibly', async () => {
    const h = await startHarness({
      processing: 'placeholder',
      faults: { seed: 5, storage: { urlExpiresAfterMs: 0, urlExpiryRate: 0.5 } },
    });
    try {
      async function outcomes(): Promise<string[]> {
        h.emulator.setFaults({ seed: 5, storage: { urlExpiresAfterMs: 0, urlExpiryRate: 0.5 } });
        const out = [];
        for (let n = 0; n < 10; n += 1) {
          const link = statusLink(
            await h.post('/pie/psdService/renditionCreate', rendition(h, `r${n}`)),
          );
          out.push(String((await h.waitDone(link)).body.outputs[0].status));
        }
        return out;
      }
      const first = await outcomes();
      expect(new Set(first)).toEqual(new Set(['succeeded', 'failed']));
      expect(await outcomes()).toEqual(first);
    } finally {
      await h.close();
    }
  });
});
