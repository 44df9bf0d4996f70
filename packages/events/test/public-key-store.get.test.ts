import { guardAgainstLeaks } from '@darkroom/testing';
import { KeyPathError, KeyUnavailableError, PublicKeyStore } from '../src';
import { signingKey, startKeyServer } from './support/adobe-keys';
import { startServer, type TestServer } from './support/http-server';

const key1 = signingKey('/prod/keys/pub-key-one.pem');
const key2 = signingKey('/prod/keys/pub-key-two.pem');

guardAgainstLeaks();

describe('PublicKeyStore.get', () => {
  let keyServer: TestServer;
  beforeEach(async () => {
    keyServer = await startKeyServer([key1, key2]);
  });
  afterEach(() => keyServer.close());

  it('fetches origin + path once and serves it from the cache until the ttl passes', async () => {
    let now = 1_000;
    const store = new PublicKeyStore({ origin: keyServer.origin, ttlMs: 60_000, now: () => now });
    const first = await store.get(key1.path);
    expect(first.asymmetricKeyType).toBe('rsa');
    expect(await store.get(key1.path)).toBe(first);
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path]);

    await store.get(key2.path);
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path, key2.path]);

    now += 60_000;
    await store.get(key1.path);
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path, key2.path, key1.path]);
  });

  it('shares one fetch between concurrent gets of a path', async () => {
    const store = new PublicKeyStore({ origin: keyServer.origin });
    const keys = await Promise.all([
      store.get(key1.path),
      store.get(key1.path),
      store.get(key1.path),
    ]);
    expect(new Set(keys).size).toBe(1);
    expect(keyServer.seen).toHaveLength(1);
  });

  it('refuses a bad path before any request leaves', async () => {
    const store = new PublicKeyStore({ origin: keyServer.origin });
    for (const path of ['//evil.example/k.pem', 'http://evil.example/k.pem', '/../k.pem']) {
      await expect(store.get(path)).rejects.toBeInstanceOf(KeyPathError);
    }
    expect(keyServer.seen).toHaveLength(0);
  });

  it('does not cache a failed fetch: the next get asks again', async () => {
    let fail = true;
    const flaky = await startServer((req, res) => {
      if (fail) res.writeHead(503).end();
      else res.writeHead(200).end(key1.pem);
    });
    try {
      const store = new PublicKeyStore({ origin: flaky.origin });
      const error = await store.get(key1.path).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(KeyUnavailableError);
      expect((error as Error).message).toContain('status 503');
      fail = false;
      await expect(store.get(key1.path)).resolves.toMatchObject({ asymmetricKeyType: 'rsa' });
      expect(flaky.seen).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it('refuses a document that is not an RSA public key, or one over maxBytes', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200).end(req.url === '/big.pem' ? 'x'.repeat(5000) : 'not a key');
    });
    try {
      const store = new PublicKeyStore({ origin: server.origin, maxBytes: 1000 });
      await expect(store.get('/junk.pem')).rejects.toThrow(/not a PEM public key/);
      await expect(store.get('/big.pem')).rejects.toThrow(/body over 1000 bytes/);
    } finally {
      await server.close();
    }
  });

  it('does not follow a redirect away from the origin', async () => {
    const redirecting = await startServer((_req, res) => {
      res.writeHead(302, { location: `${keyServer.origin}${key1.path}` }).end();
    });
    try {
      const store = new PublicKeyStore({ origin: redirecting.origin });
      await expect(store.get(key1.path)).rejects.toThrow(/status 302/);
      expect(keyServer.seen).toHaveLength(0);
    } finally {
      await redirecting.close();
    }
  });

  it('gives up on a key server that does not answer within timeoutMs', async () => {
    const silent = await startServer(() => undefined);
    try {
      const store = new PublicKeyStore({ origin: silent.origin, timeoutMs: 200 });
      await expect(store.get(key1.path)).rejects.toThrow(/no complete answer within 200 ms/);
    } finally {
      await silent.close();
    }
  });

  it('takes only a bare http(s) origin', () => {
    expect(() => new PublicKeyStore({ origin: 'https://keys.example/prefix' })).toThrow(/"origin"/);
    expect(() => new PublicKeyStore({ origin: 'ftp://keys.example' })).toThrow(/"origin"/);
    expect(new PublicKeyStore().origin).toBe('https://static.adobeioevents.com');
  });
});
