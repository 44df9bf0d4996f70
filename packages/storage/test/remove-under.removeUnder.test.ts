import { freePort } from '@darkroom/testing';
import {
  PrefixRefusedError,
  removeUnder,
  StorageBackendError,
  StorageRefError,
  StorageRegistry,
} from '../src';

describe('removeUnder refuses what could empty a whole store', () => {
  let registry: StorageRegistry;

  beforeAll(async () => {
    // Every provider at a loopback port nothing listens on: a call that reached the network
    // would fail with a StorageBackendError, so a PrefixRefusedError shows that none was made.
    const NOWHERE = `http://127.0.0.1:${await freePort()}`;
    registry = new StorageRegistry({
      s3: {
        default: {
          endpoint: NOWHERE,
          forcePathStyle: true,
          credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
        },
      },
      azure: { accounts: { acct01: { accountKey: 'a2V5', endpoint: `${NOWHERE}/acct01` } } },
      dropbox: {
        appKey: 'key',
        appSecret: 'secret',
        refreshToken: 'refresh',
        apiBaseUrl: NOWHERE,
        tokenUrl: `${NOWHERE}/oauth2/token`,
      },
    });
  });

  afterAll(async () => {
    await registry.close();
  });

  it.each([
    ['s3://scratch/', 's3://scratch/'],
    ['azure://acct01/scratch/', 'azure://acct01/scratch/'],
    ['dropbox:/', 'dropbox:/'],
  ])('refuses the root %s before any request', async (prefix, named) => {
    const refused = removeUnder(registry, prefix);
    await expect(refused).rejects.toBeInstanceOf(PrefixRefusedError);
    await expect(refused).rejects.toMatchObject({ rule: 'root_folder', prefix: named });
    await expect(refused).rejects.toThrow(/delete everything/);
  });

  it.each([
    ['s3://scratch/runs/42', 's3://scratch/runs/42/'],
    ['azure://acct01/scratch/runs/42', 'azure://acct01/scratch/runs/42/'],
    ['dropbox:/runs/42', 'dropbox:/runs/42/'],
    // Without a "/", a root is not even written as a folder.
    ['s3://scratch', 's3://scratch/'],
    ['azure://acct01/scratch', 'azure://acct01/scratch/'],
  ])('refuses %s, a folder without its trailing "/"', async (prefix, named) => {
    const refused = removeUnder(registry, prefix);
    await expect(refused).rejects.toBeInstanceOf(PrefixRefusedError);
    await expect(refused).rejects.toMatchObject({ rule: 'no_trailing_slash', prefix: named });
    await expect(refused).rejects.toThrow(named);
  });

  it.each([
    ['dropbox:', 'relative_path'],
    ['azure://acct01/', 'invalid_container_name'],
    ['s3://scratch/runs//', 'empty_segment'],
    ['s3://scratch/runs/../', 'dot_segment'],
    ['https://scratch.s3.amazonaws.com/runs/', 'unknown_scheme'],
  ])('refuses %s, which is no folder, by the rule it breaks', async (prefix, rule) => {
    const refused = removeUnder(registry, prefix);
    await expect(refused).rejects.toBeInstanceOf(StorageRefError);
    await expect(refused).rejects.toMatchObject({ rule });
  });

  it('goes to the storage for a folder below a root, and reports what it answered', async () => {
    // The same registry, an acceptable folder: now the request is made, and fails to connect.
    const reached = removeUnder(registry, 'dropbox:/runs/42/');
    await expect(reached).rejects.toBeInstanceOf(StorageBackendError);
    await expect(reached).rejects.toMatchObject({ transient: true });
  });

  it('refuses a concurrency that is not a positive whole number', async () => {
    await expect(removeUnder(registry, 's3://scratch/runs/', { concurrency: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
