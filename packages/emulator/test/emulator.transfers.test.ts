/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('input and output transfers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ limits: false });
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
    h.files.fail('/in/forbidden.png', 403);
    h.files.fail('/in/gone.png', 410);
    h.files.fail('/in/moved.png', 302);
    h.files.fail('/out/readonly.png', 403);
  });
  afterAll(() => h.close());

  async function renditionOf(input: string, output = '/out/any.png') {
    const submitted = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${h.files.url}${input}?X-Amz-Signature=topsecret`, storage: 'external' }],
      outputs: [
        {
          href: `${h.files.url}${output}?X-Amz-Signature=topsecret`,
          storage: 'external',
          type: 'image/png',
        },
      ],
    });
    return (await h.waitDone(statusLink(submitted))).body.outputs[0];
  }

  it.each([
    ['/in/forbidden.png', 'AuthForbidden', 403],
    ['/in/missing.png', 'FileExistsErrors', 404],
    ['/in/gone.png', 'FileLinkInvalidError', 410],
    ['/in/moved.png', 'FileExistsErrors', 404],
  ])('input %s ends the job failed with %s', async (input, type, code) => {
    const output = await renditionOf(input);
    expect(output.status).toBe('failed');
    expect(output.errors).toMatchObject({ type, code });
    // The signature in the href never shows up in the error.
    expect(JSON.stringify(output.errors)).not.toContain('topsecret');
    expect(output.errors.details[0].name).toBe(`${h.files.url}${input}`);
  });

  it('an input that is no image ends the job failed as unreadable', async () => {
    h.files.put('/in/notes.txt', Buffer.from('not an image'));
    const output = await renditionOf('/in/notes.txt');
    expect(output.status).toBe('failed');
    expect(output.errors).toMatchObject({ type: 'InputValidationError', code: 400 });
  });

  it('does not follow redirects', async () => {
    const before = h.files.requests.length;
    await renditionOf('/in/moved.png');
    expect(h.files.requests.slice(before)).toEqual(['GET /in/moved.png']);
  });

  it('uploads the way each storage expects: Azure Put Blob, Dropbox upload link, plain PUT', async () => {
    const before = h.files.requests.length;
    const submitted = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${h.files.url}/in/red.png`, storage: 'external' }],
      outputs: [
        { href: `${h.files.url}/out/blob.png?sv=x&sig=y`, storage: 'azure', type: 'image/png' },
        { href: `${h.files.url}/out/dbx.png`, storage: 'dropbox', type: 'image/png' },
        {
          href: `${h.files.url}/out/s3.jpg?X-Amz-Signature=z`,
          storage: 'external',
          type: 'image/jpeg',
        },
      ],
    });
    await h.waitDone(statusLink(submitted));
    const seen = h.files.requests
      .slice(before)
      .map((r, i) => ({ r, headers: h.files.headers[before + i] }));
    const find = (r: string) => seen.find((s) => s.r === r)?.headers;
    expect(find('PUT /out/blob.png')).toMatchObject({
      'x-ms-blob-type': 'BlockBlob',
      'content-type': 'image/png',
    });
    expect(find('POST /out/dbx.png')).toMatchObject({ 'content-type': 'application/octet-stream' });
    expect(find('PUT /out/s3.jpg')).toMatchObject({ 'content-type': 'image/jpeg' });
    expect(find('PUT /out/s3.jpg')?.['x-ms-blob-type']).toBeUndefined();

    const v2 = await h.post('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/red.png` } },
      outputs: [
        {
          destination: { url: `${h.files.url}/out/v2blob.png`, storageType: 'azure' },
          mediaType: 'image/png',
        },
      ],
    });
    await h.waitDone(statusLink(v2));
    expect(h.files.headers[h.files.requests.lastIndexOf('PUT /out/v2blob.png')]).toMatchObject({
      'x-ms-blob-type': 'BlockBlob',
    });
  });

  it('a failed output upload ends the job failed with an upload error', async () => {
    const output = await renditionOf('/in/red.png', '/out/readonly.png');
    expect(output.status).toBe('failed');
    expect(output.errors).toMatchObject({
      type: 'FileOverwriteError',
      title: 'Unable to upload asset',
    });
    expect(output.errors.details[0].reason).toContain('403');
  });

  it('reports failures in the Sensei, Lightroom and v2 shapes', async () => {
    const sensei = await h.post('/sensei/cutout', {
      input: { href: `${h.files.url}/in/gone.png`, storage: 'external' },
      output: { href: `${h.files.url}/out/c.png`, storage: 'external' },
    });
    const s = (await h.waitDone(statusLink(sensei))).body;
    expect(s).toMatchObject({
      status: 'failed',
      errors: [{ type: 'FileLinkInvalidError', code: 410 }],
    });

    const lr = await h.post('/lrService/autoTone', {
      inputs: { href: `${h.files.url}/in/missing.png`, storage: 'external' },
      outputs: [{ href: `${h.files.url}/out/t.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const l = (await h.waitDone(statusLink(lr))).body;
    expect(l.outputs[0]).toMatchObject({
      status: 'failed',
      details: expect.stringContaining('404'),
    });

    const v2 = await h.post('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/forbidden.png` } },
      outputs: [{ destination: { url: `${h.files.url}/out/v.png` }, mediaType: 'image/png' }],
    });
    const v = (await h.waitDone(statusLink(v2))).body;
    expect(v).toMatchObject({
      status: 'failed',
      errorDetails: [{ errorCode: '403401', message: expect.stringContaining('403') }],
    });
  });
});
