import { closeAll } from '@darkroom/core';
import { StorageRegistry, type StorageConfig } from '@darkroom/storage';
import { startS3rver, type S3rverFixture } from '../s3rver';
import type { StackOptions } from './stack-options';

/** The stack's storage: s3rver and its buckets (or the caller's S3), plus other providers. */
export interface StartedStorage {
  s3?: S3rverFixture;
  buckets: string[];
  storageConfig: StorageConfig;
  storage: StorageRegistry;
  close(): Promise<void>;
}

/** Creates the buckets one by one, so `buckets` keeps the order the caller asked for. */
async function createBuckets(
  s3: S3rverFixture,
  wanted: number | readonly string[] = 2,
): Promise<string[]> {
  const buckets: string[] = [];
  if (typeof wanted === 'number') {
    for (let i = 0; i < wanted; i += 1) buckets.push(await s3.createBucket());
  } else {
    for (const name of wanted) buckets.push(await s3.createBucket(name));
  }
  return buckets;
}

/** Starts s3rver (unless the caller's configuration replaces it) and the storage registry. */
export async function startStackStorage(
  options: Pick<StackOptions, 'storage' | 'buckets' | 'providers'>,
): Promise<StartedStorage> {
  const storage = options.storage ?? { s3rver: {} };
  if ('config' in storage) {
    const storageConfig = { ...storage.config, ...options.providers };
    const registry = new StorageRegistry(storageConfig);
    return { buckets: [], storageConfig, storage: registry, close: () => registry.close() };
  }
  const s3 = await startS3rver(storage.s3rver);
  try {
    const buckets = await createBuckets(s3, options.buckets);
    const storageConfig: StorageConfig = { s3: { default: s3.config }, ...options.providers };
    const registry = new StorageRegistry(storageConfig);
    const close = (): Promise<void> => closeAll([() => registry.close(), () => s3.close()]);
    return { s3, buckets, storageConfig, storage: registry, close };
  } catch (err) {
    await s3.close();
    throw err;
  }
}
