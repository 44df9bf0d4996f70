import { randomUUID } from 'node:crypto';

/** A name no other test (or test run) uses: queue names, bucket keys, container names. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Lower-case letters and digits only, for names with strict rules (S3 buckets, Azure containers). */
export function uniqueBucketName(prefix = 'test'): string {
  return `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}
