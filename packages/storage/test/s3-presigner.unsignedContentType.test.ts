import { createHash, createHmac, randomBytes } from 'node:crypto';
import { guardAgainstLeaks, startS3rver, uniqueName, type S3rverFixture } from '@darkroom/testing';
import { S3Presigner, StorageRegistry, type S3Ref } from '../src';

guardAgainstLeaks();

// The Photoshop API's PUT may carry any Content-Type or none, so S3 write URLs must sign `host`
// alone. s3rver checks no signatures, so each URL is also verified here the way S3 does it:
// SigV4 query-string auth recomputed from the URL and the headers a request really sends.

const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');
const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Whether S3 would accept `href` for a request with this method and these headers: the canonical
 * request holds only the headers the URL names in X-Amz-SignedHeaders, with the values sent.
 */
function signatureHolds(
  href: string,
  method: string,
  sentHeaders: Record<string, string>,
  secretAccessKey: string,
): boolean {
  const url = new URL(href);
  const query = url.searchParams;
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  const lowerSent = Object.fromEntries(
    Object.entries(sentHeaders).map(([k, v]) => [k.toLowerCase(), v.trim()]),
  );
  if (signedHeaders.some((name) => lowerSent[name] === undefined)) return false;
  const canonicalQuery = [...query.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    method,
    url.pathname,
    canonicalQuery,
    ...signedHeaders.map((name) => `${name}:${lowerSent[name]}`),
    '',
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const [, date, region, service] = (query.get('X-Amz-Credential') ?? '').split('/');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, date ?? ''), region ?? ''), service ?? ''),
  );
  return (
    createHmac('sha256', key).update(stringToSign).digest('hex') === query.get('X-Amz-Signature')
  );
}

describe('S3 write URLs sign no Content-Type', () => {
  let s3: S3rverFixture;
  let bucket: string;
  let presigner: S3Presigner;
  const newRef = (): S3Ref => ({ scheme: 's3', bucket, key: `out/${uniqueName('obj')}.png` });
  const secret = (): string => s3.config.credentials.secretAccessKey;

  beforeAll(async () => {
    s3 = await startS3rver();
    bucket = await s3.createBucket();
    presigner = new S3Presigner(s3.config);
  }, 30_000);

  afterAll(async () => {
    await presigner?.close();
    await s3?.close();
  });

  it('signs host alone even when the caller names the content type', async () => {
    const url = await presigner.presignWrite(newRef(), 600, { contentType: 'image/png' });
    const query = new URL(url.href).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('host');
    const host = new URL(url.href).host;
    // Valid for the PUT whatever Content-Type it carries, or none.
    expect(signatureHolds(url.href, 'PUT', { host }, secret())).toBe(true);
    expect(signatureHolds(url.href, 'PUT', { host, 'Content-Type': 'image/png' }, secret())).toBe(
      true,
    );
    expect(
      signatureHolds(
        url.href,
        'PUT',
        { host, 'Content-Type': 'application/octet-stream' },
        secret(),
      ),
    ).toBe(true);
    // The verifier is not a rubber stamp: another method, key or secret fails it.
    expect(signatureHolds(url.href, 'GET', { host }, secret())).toBe(false);
    expect(signatureHolds(url.href.replace('/out/', '/other/'), 'PUT', { host }, secret())).toBe(
      false,
    );
    expect(signatureHolds(url.href, 'PUT', { host }, `${secret()}x`)).toBe(false);
  });

  it('takes a PUT with another Content-Type or none, and keeps the one sent', async () => {
    const ref = newRef();
    const url = await presigner.presignWrite(ref, 600, { contentType: 'image/png' });
    const bytes = randomBytes(512);
    const typed = await fetch(url.href, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/jpeg' },
      body: bytes,
    });
    await typed.arrayBuffer();
    expect(typed.status).toBe(200);
    const read = await fetch((await presigner.presignRead(ref, 600)).href);
    await read.arrayBuffer();
    expect(read.headers.get('content-type')).toBe('image/jpeg');

    // A Buffer body makes fetch send no Content-Type at all.
    const other = newRef();
    const bare = await presigner.presignWrite(other, 600, { contentType: 'image/png' });
    const untyped = await fetch(bare.href, { method: 'PUT', body: bytes });
    await untyped.arrayBuffer();
    expect(untyped.status).toBe(200);
    expect(await presigner.stat(other)).toMatchObject({ exists: true, size: 512 });
  });

  it('signs host alone in the URL upload() writes through, and still stores the type', async () => {
    const hrefs: string[] = [];
    const registry = new StorageRegistry(
      { s3: { buckets: { [bucket]: s3.config } } },
      {
        fetch: (input, init) => {
          hrefs.push(input instanceof Request ? input.url : String(input));
          return fetch(input, init);
        },
      },
    );
    try {
      const ref = newRef();
      await registry.upload(ref, randomBytes(64), 'image/png');
      const [put] = hrefs;
      expect(put).toBeDefined();
      expect(new URL(put ?? '').searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      const read = await fetch((await registry.presignRead(ref, 600)).href);
      await read.arrayBuffer();
      expect(read.headers.get('content-type')).toBe('image/png');
    } finally {
      await registry.close();
    }
  });
});
