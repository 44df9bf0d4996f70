import {
  PresignRequestError,
  StorageConfigError,
  StorageError,
  StorageRefError,
  StorageRegistry,
  storageConfigSchema,
  type StorageConfig,
} from '../src';

// Presigning for S3 and Azure is local signing, so routing is visible without any server: the
// endpoint each URL points at shows which config entry served it.
const SECRET = 'very-secret-value-0123456789';
const ACCOUNT_KEY = Buffer.from('an account key that must stay hidden').toString('base64');

const config: StorageConfig = {
  s3: {
    default: {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIADEFAULT', secretAccessKey: SECRET },
    },
    buckets: {
      'minio-photos': {
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        credentials: { accessKeyId: 'minio', secretAccessKey: SECRET },
      },
    },
  },
  azure: { accounts: { acct01: { accountKey: ACCOUNT_KEY } } },
};

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('StorageRegistry routing', () => {
  let registry: StorageRegistry;

  beforeEach(() => {
    registry = new StorageRegistry(config);
  });

  afterEach(async () => {
    await registry.close();
  });

  it('routes a configured bucket to its own endpoint and any other bucket to the default', async () => {
    const minio = new URL((await registry.presignRead('s3://minio-photos/a.png', 60)).href);
    expect(minio.origin).toBe('http://127.0.0.1:9000');
    expect(minio.pathname).toBe('/minio-photos/a.png');
    expect(minio.searchParams.get('X-Amz-Credential')).toMatch(/^minio\//);

    const other = new URL((await registry.presignRead('s3://archive/a.png', 60)).href);
    expect(other.hostname).toBe('archive.s3.eu-west-1.amazonaws.com');
    expect(other.searchParams.get('X-Amz-Credential')).toMatch(/^AKIADEFAULT\/\d{8}\/eu-west-1\//);

    // Dotted names would break the wildcard TLS certificate of virtual-hosted URLs.
    const dotted = new URL((await registry.presignRead('s3://my.dotted.bucket/x y.png', 60)).href);
    expect(`${dotted.origin}${dotted.pathname}`).toBe(
      'https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/x%20y.png',
    );
  });

  it('routes Azure by account and says storage "azure"; S3 says "external"', async () => {
    const url = await registry.presignWrite(
      { scheme: 'azure', account: 'acct01', container: 'renders', blob: 'o.png' },
      60,
    );
    expect(url.storage).toBe('azure');
    expect(new URL(url.href).origin).toBe('https://acct01.blob.core.windows.net');
    expect((await registry.presignWrite('s3://archive/o.png', 60)).storage).toBe('external');
  });

  it('names an unknown Azure account and never shows a key', () => {
    const err = caught(() => registry.presignerFor('azure://other01/renders/x.png'));
    expect(err).toBeInstanceOf(StorageConfigError);
    expect(err).toMatchObject({ rule: 'unknown_account', path: 'azure.accounts.other01' });
    expect((err as Error).message).toContain('other01');
    expect((err as Error).message).not.toContain(ACCOUNT_KEY);
  });

  it('names an unknown bucket when there is no default', async () => {
    const strict = new StorageRegistry({ s3: { buckets: { known: { region: 'us-east-1' } } } });
    try {
      const promise = strict.presignRead('s3://unknown-bucket/x', 60);
      await expect(promise).rejects.toBeInstanceOf(StorageConfigError);
      await expect(promise).rejects.toMatchObject({
        rule: 'unknown_bucket',
        path: 's3.buckets.unknown-bucket',
      });
      await expect(promise).rejects.toThrow(/unknown-bucket/);
    } finally {
      await strict.close();
    }
  });

  it('says which provider is not configured at all', async () => {
    const empty = new StorageRegistry({});
    try {
      await expect(empty.stat('dropbox:/x.png')).rejects.toMatchObject({
        rule: 'dropbox_not_configured',
      });
      await expect(empty.stat('s3://photos/x.png')).rejects.toMatchObject({
        rule: 's3_not_configured',
      });
      await expect(empty.stat('azure://acct01/renders/x')).rejects.toMatchObject({
        rule: 'azure_not_configured',
      });
    } finally {
      await empty.close();
    }
  });

  it('refuses a bad reference before touching any config', async () => {
    await expect(registry.presignRead('s3://minio-photos/../x', 60)).rejects.toBeInstanceOf(
      StorageRefError,
    );
    await expect(registry.presignRead('gs://bucket/x', 60)).rejects.toMatchObject({
      rule: 'unknown_scheme',
    });
  });

  it('refuses TTLs that are not whole positive seconds, and sizes that are not byte counts', async () => {
    for (const ttl of [0, -5, 1.5, Number.NaN]) {
      await expect(registry.presignRead('s3://archive/x', ttl)).rejects.toMatchObject({
        rule: 'ttl_not_positive',
      });
    }
    await expect(registry.presignRead('s3://archive/x', 604_800)).resolves.toBeDefined();
    const tooLong = registry.presignRead('s3://archive/x', 604_801);
    await expect(tooLong).rejects.toBeInstanceOf(PresignRequestError);
    await expect(tooLong).rejects.toThrow(/604800/);
    await expect(registry.presignWrite('s3://archive/x', 60, { size: -1 })).rejects.toMatchObject({
      rule: 'size_invalid',
    });
  });

  it('closes once, and refuses work afterwards', async () => {
    await registry.presignRead('s3://archive/x', 60);
    const first = registry.close();
    expect(registry.close()).toBe(first);
    await first;
    expect(() => registry.presignerFor('s3://archive/x')).toThrow(StorageError);
  });
});

describe('StorageRegistry config', () => {
  it('parses a whole config from JSON, filling defaults', () => {
    const json = JSON.stringify({
      s3: { default: { endpoint: 'http://127.0.0.1:9000' } },
      dropbox: { appKey: 'k', appSecret: 's', refreshToken: 'r' },
    });
    const parsed = storageConfigSchema.parse(JSON.parse(json));
    expect(parsed.s3?.default).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: false,
    });
    expect(parsed.dropbox?.apiBaseUrl).toBe('https://api.dropboxapi.com');
    expect(parsed.dropbox?.tokenUrl).toBe('https://api.dropboxapi.com/oauth2/token');
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'an unknown key',
      { s3: { default: { region: 'x', secretAccessKey: SECRET } } },
      's3.default',
      /secretAccessKey/,
    ],
    [
      'a secret of the wrong type',
      { s3: { default: { credentials: { accessKeyId: 'a', secretAccessKey: 12345 } } } },
      's3.default.credentials.secretAccessKey',
      /string/,
    ],
    [
      'an Azure account with both a key and a credential',
      { azure: { accounts: { acct01: { accountKey: SECRET, credential: 'default' } } } },
      'azure.accounts.acct01',
      /auth_required/,
    ],
    [
      'plain HTTP to a real Azure endpoint',
      {
        azure: {
          accounts: { acct01: { accountKey: SECRET, endpoint: 'http://acct01.example.com' } },
        },
      },
      'azure.accounts.acct01.endpoint',
      /https_required/,
    ],
    [
      'a bucket name S3 would refuse',
      { s3: { buckets: { Bad_Bucket: { region: 'x' } } } },
      's3.buckets.Bad_Bucket',
      /invalid_bucket_name/,
    ],
    [
      'a Dropbox config without its refresh token',
      { dropbox: { appKey: 'k', appSecret: SECRET } },
      'dropbox.refreshToken',
      /refreshToken/,
    ],
  ])('refuses %s, naming the path and never the secret', (_what, bad, path, detail) => {
    const err = caught(() => new StorageRegistry(bad as StorageConfig));
    expect(err).toBeInstanceOf(StorageConfigError);
    expect(err).toMatchObject({ rule: 'invalid_config', path });
    expect((err as Error).message).toMatch(detail);
    expect((err as Error).message).not.toContain(SECRET);
  });
});
