import { redactSecrets } from '../src';

// Fake credentials, assembled at run time so no credential-shaped literal sits in the source:
// the signature is made-up hex, the key id is AWS's documented example.
const FAKE_SIGNATURE = '5f0e4b1c9a7d3e2f1a0b9c8d7e6f5a4b'.repeat(2);
const FAKE_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');

/** Each sample holds one secret; the secret part must be gone and the context must survive. */
const SAMPLES: { name: string; text: string; secret: string; survives: string }[] = [
  {
    name: 'presigned S3 GET',
    text: `GET https://bucket.s3.amazonaws.com/in/cat.psd?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=${FAKE_SIGNATURE} failed`,
    secret: FAKE_SIGNATURE,
    survives: 'https://bucket.s3.amazonaws.com/in/cat.psd',
  },
  {
    name: 'S3 session token',
    text: 'https://s3.local:4569/b/k?X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKENvalue&X-Amz-Date=1',
    secret: 'FQoGZXIvYXdzEXAMPLETOKENvalue',
    survives: 'https://s3.local:4569/b/k',
  },
  {
    name: 'S3 credential outside a URL',
    text: `signing with X-Amz-Credential=${FAKE_KEY_ID}/20260101 now`,
    secret: FAKE_KEY_ID,
    survives: 'signing with X-Amz-Credential=',
  },
  {
    name: 'Azure SAS',
    text: 'PUT https://acct.blob.core.windows.net/out/cat.png?sv=2024-08-04&se=2026-01-01T00%3A00%3A00Z&sr=b&sp=cw&sig=Zm9vYmFyYmF6cXV4c2VjcmV0c2lnbmF0dXJl%3D returned 403',
    secret: 'Zm9vYmFyYmF6cXV4c2VjcmV0c2lnbmF0dXJl',
    survives: 'https://acct.blob.core.windows.net/out/cat.png',
  },
  {
    name: 'Azure SAS outside a URL',
    text: 'token sv=2024-08-04&sp=r&sig=QWxhZGRpbjpvcGVuIHNlc2FtZQ%3D%3D',
    secret: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ',
    survives: 'sv=2024-08-04',
  },
  {
    name: 'Dropbox temporary download link',
    text: 'fetching https://uc9f1e2d3c4b5a6.dl.dropboxusercontent.com/cd/0/get/CSecRetTokenValue123/file?dl=1#',
    secret: 'CSecRetTokenValue123',
    survives: 'https://uc9f1e2d3c4b5a6.dl.dropboxusercontent.com/',
  },
  {
    name: 'Dropbox temporary upload link',
    text: 'upload to https://content.dropboxapi.com/apitul/1/AbCdEfUploadToken987 timed out',
    secret: 'AbCdEfUploadToken987',
    survives: 'https://content.dropboxapi.com/apitul/1/',
  },
  {
    name: 'Bearer token',
    text: 'headers: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkYXJrcm9vbSJ9.c2lnbmF0dXJl',
    secret: 'eyJhbGciOiJSUzI1NiJ9',
    survives: 'Authorization: Bearer',
  },
  {
    name: 'presigned URL encoded into another URL',
    text: 'redirect https://app.example.com/done?next=https%3A%2F%2Fb.s3.amazonaws.com%2Fk%3FX-Amz-Credential%3DAKIAENCODED%26X-Amz-Signature%3Dencodedsig0123',
    secret: 'encodedsig0123',
    survives: 'https://app.example.com/done',
  },
  {
    name: 'encoded signature pair outside a URL',
    text: 'param: %3FX-Amz-Signature%3Dencodedsig4567%26X-Amz-Date%3D1',
    secret: 'encodedsig4567',
    survives: 'X-Amz-Date%3D1',
  },
  {
    name: 'AWS Authorization header',
    text: 'Authorization: AWS4-HMAC-SHA256 Credential=AKIAHEADER/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3be',
    secret: 'fe5f80f77d5fa3be',
    survives: 'SignedHeaders=host',
  },
  {
    name: 'Azure connection string',
    text: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    secret: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1',
    survives: 'AccountName=devstoreaccount1',
  },
  {
    name: 'Basic credentials',
    text: 'Authorization: Basic dmlld2VyOnNlY3JldC1wYXNz',
    secret: 'dmlld2VyOnNlY3JldC1wYXNz',
    survives: 'Authorization: Basic',
  },
  {
    name: 'access_token pair',
    text: 'POST /ims/token/v3 -> access_token=ya29.SecretAccessValue&expires_in=86399',
    secret: 'ya29.SecretAccessValue',
    survives: 'expires_in=86399',
  },
  {
    name: 'access_token in a URL',
    text: 'https://api.example.com/cb?access_token=abc123secretvalue&state=ok',
    secret: 'abc123secretvalue',
    survives: 'https://api.example.com/cb',
  },
  {
    name: 'secret JSON field',
    text: '{"client_id":"darkroom","client_secret":"p8e-SeCrEtVaLuE","accessToken":"tok\\"en"}',
    secret: 'SeCrEtVaLuE',
    survives: '"client_id":"darkroom"',
  },
  {
    name: 'password in a URL',
    text: 'connecting to redis://default:hunter2hunter2@redis.internal:6379/0',
    secret: 'hunter2hunter2',
    survives: 'redis.internal:6379/0',
  },
];

describe('redactSecrets', () => {
  it.each(SAMPLES)(
    'removes the secret of a $name and keeps the rest',
    ({ text, secret, survives }) => {
      const out = redactSecrets(text);
      expect(out).not.toContain(secret);
      expect(out).toContain(survives);
      expect(out).toContain('[redacted]');
    },
  );

  it('removes every secret from text holding all of them at once', () => {
    const out = redactSecrets(SAMPLES.map((s) => s.text).join(' | '));
    for (const { secret } of SAMPLES) expect(out).not.toContain(secret);
  });

  it('leaves ordinary text, storage references and harmless URLs alone', () => {
    const ordinary = [
      'job 42 for acct-a completed after 3 polls in 12.5 s',
      'input s3://bucket/in/cat.psd, output azure://acct/out/cat.png, dropbox:/Photos/cat.jpg',
      'status https://image.adobe.io/pie/psdService/status/8ec6e2c6-3b2a?page=2',
      'a token bucket refilled 5 tokens; signature verified',
      '{"operation":"autoTone","step":"poll","polls":3}',
      'WWW-Authenticate: Basic realm="Darkroom"; use Basic auth or a Bearer token',
    ];
    for (const text of ordinary) expect(redactSecrets(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const { text } of SAMPLES) {
      const once = redactSecrets(text);
      expect(redactSecrets(once)).toBe(once);
    }
  });
});
