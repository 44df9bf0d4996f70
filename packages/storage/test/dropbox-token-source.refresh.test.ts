import { guardAgainstLeaks, startDropboxDouble, type DropboxDouble } from '@darkroom/testing';
import { DropboxTokenSource, StorageBackendError, StorageRegistry } from '../src';

guardAgainstLeaks();

describe('DropboxTokenSource', () => {
  let double: DropboxDouble;

  beforeAll(async () => {
    // Ten-minute tokens, so the refresh margin (five minutes, or half the lifetime) shows.
    double = await startDropboxDouble({ accessTokenTtlSeconds: 600 });
  });

  afterAll(async () => {
    await double?.close();
  });

  it('keeps a token until shortly before it expires, then refreshes before Dropbox refuses it', async () => {
    let offsetMs = 0;
    const registry = new StorageRegistry(
      { dropbox: double.config },
      { clock: () => new Date(Date.now() + offsetMs) },
    );
    try {
      const before = double.counts();
      await registry.stat('dropbox:/a.png');
      offsetMs = 200_000;
      await registry.stat('dropbox:/a.png');
      expect(double.counts().token - before.token).toBe(1);
      offsetMs = 301_000;
      await registry.stat('dropbox:/a.png');
      const after = double.counts();
      expect(after.token - before.token).toBe(2);
      expect(after.unauthorized - before.unauthorized).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('shares one refresh among concurrent callers and hands them the same token', async () => {
    const tokens = new DropboxTokenSource(double.config);
    const before = double.counts().token;
    const got = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(got).size).toBe(1);
    expect(double.counts().token - before).toBe(1);
  });

  it('lets the next caller retry after a failed refresh', async () => {
    const tokens = new DropboxTokenSource({ ...double.config, refreshToken: 'revoked' });
    await expect(tokens.token()).rejects.toMatchObject({ status: 400, code: 'invalid_grant' });
    await expect(tokens.token()).rejects.toBeInstanceOf(StorageBackendError);
    const good = new DropboxTokenSource(double.config);
    await expect(good.token()).resolves.toMatch(/^sl\./);
  });

  it('reports an unreachable token endpoint without the URL query or secrets', async () => {
    const tokens = new DropboxTokenSource(
      { ...double.config, tokenUrl: 'http://127.0.0.1:9/oauth2/token' },
      { timeoutMs: 2000 },
    );
    const err = (await tokens.token().catch((e: unknown) => e)) as StorageBackendError;
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err.message).toMatch(/^dropbox oauth2\/token failed/);
    expect(err.message).not.toContain(double.appSecret);
  });
});
