import { PresignRequestError } from './errors/presign-request-error';
import type { StorageScheme } from './storage-ref';

const MiB = 1024 * 1024;

/**
 * The largest object one single PUT can write on each provider. Darkroom hands the Photoshop API
 * one URL per output, so nothing larger can be written at all.
 */
export const SINGLE_PUT_MAX_BYTES: Readonly<Record<StorageScheme, number>> = {
  // "Upload an object in a single operation … up to 5 GB"; bigger needs multipart upload.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html
  s3: 5 * 1024 * MiB,
  // Put Blob writes at most 5,000 MiB in one request for service version 2019-12-12 and later.
  // https://learn.microsoft.com/rest/api/storageservices/put-blob
  azure: 5000 * MiB,
  // A single Dropbox upload request "should not upload more than 150 MB"; bigger files need an
  // upload session. We read MB as 10^6 bytes, the smaller reading, so a size we accept is never
  // refused by Dropbox. https://www.dropbox.com/developers/documentation/http/documentation#files-upload
  dropbox: 150 * 1000 * 1000,
};

/** Longest lifetime of a URL on each provider. */
export const MAX_TTL_SECONDS: Readonly<Record<StorageScheme, number>> = {
  // SigV4 query-string signatures are valid for at most seven days.
  s3: 604_800,
  // Seven days: the most a user-delegation key lives; account-key SAS is held to the same so a
  // leaked URL cannot outlive a week either way.
  azure: 604_800,
  // Temporary links (read and upload) live at most four hours. Longer TTLs are clamped to this
  // rather than refused (the URL's `expiresAt` says when it really ends): Dropbox offers nothing
  // longer, so refusing would only fail every edit with a deadline further out.
  dropbox: 14_400,
};

const PROVIDER_NAMES: Readonly<Record<StorageScheme, string>> = {
  s3: 'S3',
  azure: 'Azure Blob',
  dropbox: 'Dropbox',
};

/** Refuses a TTL that is not a positive whole number of seconds. */
export function checkTtlPositive(ttlSeconds: number): void {
  // Whole seconds: SigV4's X-Amz-Expires and SAS times have no finer grain.
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new PresignRequestError(
      'ttl_not_positive',
      'ttlSeconds',
      `must be a positive whole number of seconds, got ${String(ttlSeconds)}`,
    );
  }
}

/** Refuses a TTL that is not positive or longer than the provider lets a URL live. */
export function checkTtl(scheme: StorageScheme, ttlSeconds: number): void {
  checkTtlPositive(ttlSeconds);
  const max = MAX_TTL_SECONDS[scheme];
  if (ttlSeconds > max) {
    throw new PresignRequestError(
      'ttl_too_long',
      'ttlSeconds',
      `${ttlSeconds} s is longer than ${PROVIDER_NAMES[scheme]} allows (${max} s)`,
    );
  }
}

export function checkWriteSize(scheme: StorageScheme, size: number | undefined): void {
  if (size === undefined) return;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new PresignRequestError(
      'size_invalid',
      'size',
      `must be a whole number of bytes, got ${String(size)}`,
    );
  }
  const max = SINGLE_PUT_MAX_BYTES[scheme];
  if (size > max) {
    throw new PresignRequestError(
      'object_too_large',
      'size',
      `${size} bytes is more than one single PUT to ${PROVIDER_NAMES[scheme]} can carry (${max} bytes); ` +
        'Darkroom writes each output with one PUT and does not split uploads',
    );
  }
}

/**
 * The most object names one listing request returns on each provider; a larger `pageSize` is
 * held to it.
 */
export const LIST_PAGE_MAX: Readonly<Record<StorageScheme, number>> = {
  // ListObjectsV2 `max-keys`: "returns up to 1,000 key names".
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
  s3: 1000,
  // List Blobs `maxresults`: at most 5,000 blobs a page.
  // https://learn.microsoft.com/rest/api/storageservices/list-blobs
  azure: 5000,
  // `files/list_folder` `limit`: UInt32 from 1 to 2,000.
  // https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder
  dropbox: 2000,
};

/**
 * The page size to ask `scheme` for: `pageSize` held to the provider's maximum, or undefined to
 * let the provider choose.
 * @throws {RangeError} when `pageSize` is not a positive whole number
 */
export function listPageSize(
  scheme: StorageScheme,
  pageSize: number | undefined,
): number | undefined {
  if (pageSize === undefined) return undefined;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pageSize must be a positive whole number, got ${String(pageSize)}`);
  }
  return Math.min(pageSize, LIST_PAGE_MAX[scheme]);
}
