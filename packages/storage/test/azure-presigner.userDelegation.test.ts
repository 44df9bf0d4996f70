import { randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  guardAgainstLeaks,
  startAzurite,
  uniqueName,
  type AzuriteFixture,
} from '@darkroom/testing';
import { StorageRegistry, type AzureRef } from '../src';

guardAgainstLeaks();

/**
 * An Entra access token as Azurite's `--oauth basic` checks it: issuer, audience and lifetime.
 * The signature is not checked there, so the token is not signed.
 */
function entraToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const tenant = randomUUID();
  return [
    part({ alg: 'RS256', typ: 'JWT' }),
    part({
      aud: 'https://storage.azure.com',
      iss: `https://sts.windows.net/${tenant}/`,
      iat: now - 60,
      nbf: now - 60,
      exp: now + 3600,
      oid: randomUUID(),
      tid: tenant,
    }),
    Buffer.from('not signed').toString('base64url'),
  ].join('.');
}

/** node:https, because fetch cannot be told to trust Azurite's self-signed certificate. */
function send(
  url: string,
  ca: string,
  method: 'GET' | 'PUT',
  body?: Buffer,
): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        agent: false,
        headers: body ? { 'x-ms-blob-type': 'BlockBlob', 'Content-Length': body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Azure user-delegation SAS against Azurite with OAuth', () => {
  let azurite: AzuriteFixture;
  let container: string;
  let registry: StorageRegistry;
  let tokenRequests = 0;
  let ca: string;

  beforeAll(async () => {
    azurite = await startAzurite({ oauth: true });
    ca = azurite.ca ?? '';
    container = await azurite.createContainer();
    const credential: TokenCredential = {
      getToken: (): Promise<AccessToken> => {
        tokenRequests += 1;
        return Promise.resolve({ token: entraToken(), expiresOnTimestamp: Date.now() + 3600_000 });
      },
    };
    // The SDK's HTTPS calls go through the global agent when keep-alive is off; trusting the
    // test certificate there is the one way to reach Azurite over TLS without a custom client.
    https.globalAgent.options.ca = ca;
    registry = new StorageRegistry(
      {
        azure: {
          accounts: {
            [azurite.accountName]: { credential: 'default', endpoint: azurite.endpoint },
          },
        },
      },
      {
        azureCredential: credential,
        azurePipelineOptions: { keepAliveOptions: { enable: false } },
      },
    );
  }, 60_000);

  afterAll(async () => {
    delete https.globalAgent.options.ca;
    https.globalAgent.destroy();
    await registry?.close();
    await azurite?.close();
  });

  const newRef = (): AzureRef => ({
    scheme: 'azure',
    account: azurite.accountName,
    container,
    blob: `delegated/${uniqueName('obj')}.png`,
  });

  it('signs with a user-delegation key; Azurite accepts the write and the read', async () => {
    const ref = newRef();
    const bytes = randomBytes(10_000);
    const write = await registry.presignWrite(ref, 600);
    const query = new URL(write.href).searchParams;
    expect(query.get('sp')).toBe('cw');
    expect(query.get('skoid')).toBeTruthy();
    expect(query.get('sktid')).toBeTruthy();
    const put = await send(write.href, ca, 'PUT', bytes);
    expect(put.status).toBe(201);

    const read = await registry.presignRead(ref, 600);
    expect(new URL(read.href).searchParams.get('sp')).toBe('r');
    const got = await send(read.href, ca, 'GET');
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(await registry.stat(ref)).toMatchObject({ exists: true, size: 10_000 });
    expect(tokenRequests).toBeGreaterThan(0);
  });

  it('reuses one delegation key for many URLs', async () => {
    const first = new URL((await registry.presignRead(newRef(), 600)).href).searchParams;
    const urls = await Promise.all(
      Array.from(
        { length: 5 },
        async () => new URL((await registry.presignWrite(newRef(), 600)).href),
      ),
    );
    for (const url of urls) {
      expect(url.searchParams.get('skt')).toBe(first.get('skt'));
      expect(url.searchParams.get('ske')).toBe(first.get('ske'));
    }
  });

  it('keeps delegated read URLs read-only and refuses a tampered signature', async () => {
    const ref = newRef();
    await send((await registry.presignWrite(ref, 600)).href, ca, 'PUT', randomBytes(10));
    const read = await registry.presignRead(ref, 600);
    expect((await send(read.href, ca, 'PUT', randomBytes(5))).status).toBe(403);
    const tampered = new URL(read.href);
    tampered.searchParams.set('sp', 'rcw');
    expect((await send(tampered.toString(), ca, 'PUT', randomBytes(5))).status).toBe(403);
    expect(await registry.stat(ref)).toMatchObject({ exists: true, size: 10 });
  });
});
