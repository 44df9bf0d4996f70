import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, closeOnce } from '@darkroom/core';
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

export interface S3rverOptions {
  /**
   * A folder to keep the objects in (created when missing), kept after `close()` so a later run
   * finds them. @defaultValue a temporary folder that `close()` removes
   */
  directory?: string;
}

/**
 * Starts s3rver in-process on a free loopback port, silent, storing objects in a folder (a
 * temporary one by default). s3rver checks presigned URLs for expiry but not their signatures.
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverFixture> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'darkroom-s3rver-')));
  if (!ownDirectory) await mkdir(directory, { recursive: true });
  const removeDirectory = async (): Promise<void> => {
    if (ownDirectory) await rm(directory, { recursive: true, force: true });
  };
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
    await removeDirectory();
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
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
    close: closeOnce(() => closeAll([() => server.close(), removeDirectory])),
  };
}
