import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueBucketName } from './names';

/** The slice of s3rver 3.7.1 this fixture uses; the package ships no types. */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  store: { putBucket(name: string): Promise<unknown> };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
const S3rver = require('s3rver') as S3rverConstructor;

/** s3rver's one built-in account; it checks that the access key exists, not SigV4 signatures. */
export const S3RVER_ACCESS_KEY_ID = 'S3RVER';
export const S3RVER_SECRET_ACCESS_KEY = 'S3RVER';

export interface S3rverFixture {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  region: string;
  /** An S3 target for @darkroom/storage's config (`s3.default` or `s3.buckets.<name>`). */
  config: {
    region: string;
    endpoint: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Creates a bucket (a fresh unique name by default) and returns its name. */
  createBucket(name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts s3rver in-process on a free loopback port, silent, storing objects in a temporary
 * folder that `close()` removes. s3rver checks presigned URLs for expiry but not their signatures.
 */
export async function startS3rver(): Promise<S3rverFixture> {
  const directory = await mkdtemp(join(tmpdir(), 'darkroom-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Requests arrive as http://127.0.0.1:<port>/<bucket>/<key>; never guess a bucket from Host.
    vhostBuckets: false,
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    region,
    config: {
      region,
      endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: S3RVER_ACCESS_KEY_ID,
        secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
      },
    },
    createBucket: async (name = uniqueBucketName('bucket')) => {
      await server.store.putBucket(name);
      return name;
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await server.close();
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      })()),
  };
}
