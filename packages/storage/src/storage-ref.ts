import { z } from 'zod';
import {
  joinStorageRef,
  splitStorageRef,
  type AzureRef,
  type DropboxRef,
  type S3Ref,
  type StorageRef,
  type StorageScheme,
} from '@darkroom/photoshop';
import { StorageRefError, type StorageRefField } from './errors/storage-ref-error';
import {
  accountNameProblem,
  bucketNameProblem,
  containerNameProblem,
  CONTROL_CHARACTER,
} from './name-rules';

// The grammar (schemes and parts) is the Photoshop package's; this module adds what each
// provider accepts as a name, so a reference that parses here can be presigned.
export type { AzureRef, DropboxRef, S3Ref, StorageRef, StorageScheme };

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const S3_MAX_KEY_BYTES = 1024;
/** Azure blob names are at most 1,024 characters and 254 path segments. */
export const AZURE_MAX_BLOB_CHARS = 1024;
export const AZURE_MAX_BLOB_SEGMENTS = 254;

function fail(rule: StorageRefError['rule'], field: StorageRefField, detail: string): never {
  throw new StorageRefError(rule, field, detail);
}

/**
 * Rules every object name shares: no control characters, no `.` or `..` segments (a service or a
 * proxy may resolve them and land somewhere else), no empty segments, no trailing slash (that
 * names a folder, not an object).
 */
export function checkObjectName(name: string, field: StorageRefField): void {
  if (name === '') fail('empty_key', field, 'must not be empty');
  const control = CONTROL_CHARACTER.exec(name);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    fail('control_character', field, `holds the control character U+${code}`);
  }
  const segments = name.split('/');
  segments.forEach((segment, i) => {
    if (segment === '.' || segment === '..') {
      fail('dot_segment', field, `must not hold a "${segment}" segment`);
    }
    if (segment === '') {
      if (i === segments.length - 1) fail('trailing_slash', field, 'must not end with "/"');
      fail('empty_segment', field, 'must not hold an empty segment ("//" or a leading "/")');
    }
  });
}

function checkS3(bucket: string, key: string): void {
  const problem = bucketNameProblem(bucket);
  if (problem) fail('invalid_bucket_name', 'bucket', problem);
  checkObjectName(key, 'key');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > S3_MAX_KEY_BYTES) {
    fail(
      'key_too_long',
      'key',
      `is ${bytes} bytes of UTF-8; S3 allows at most ${S3_MAX_KEY_BYTES}`,
    );
  }
}

function checkAzure(account: string, container: string, blob: string): void {
  const accountProblem = accountNameProblem(account);
  if (accountProblem) fail('invalid_account_name', 'account', accountProblem);
  const containerProblem = containerNameProblem(container);
  if (containerProblem) fail('invalid_container_name', 'container', containerProblem);
  checkObjectName(blob, 'blob');
  const chars = [...blob].length;
  if (chars > AZURE_MAX_BLOB_CHARS) {
    fail(
      'blob_name_too_long',
      'blob',
      `is ${chars} characters; Azure allows at most ${AZURE_MAX_BLOB_CHARS}`,
    );
  }
  const segments = blob.split('/').length;
  if (segments > AZURE_MAX_BLOB_SEGMENTS) {
    fail(
      'too_many_segments',
      'blob',
      `has ${segments} path segments; Azure allows at most ${AZURE_MAX_BLOB_SEGMENTS}`,
    );
  }
}

function checkDropbox(path: string): void {
  if (!path.startsWith('/')) fail('relative_path', 'path', 'must start with "/"');
  if (path === '/') fail('empty_key', 'path', 'must name a file, not the root folder');
  checkObjectName(path.slice(1), 'path');
}

/**
 * Parses a storage reference: `s3://bucket/key`, `azure://account/container/blob/path` or
 * `dropbox:/path`. Throws {@link StorageRefError} naming the broken rule. The text is taken as is:
 * no percent-decoding, no case folding, so `formatRef(parseRef(s)) === s` for every valid `s`.
 */
export function parseRef(text: string): StorageRef {
  if (typeof text !== 'string')
    fail('not_a_string', 'ref', `expected a string, got ${typeof text}`);
  const split = splitStorageRef(text);
  if (!split.ok) return fail(split.error.rule, split.error.field, split.error.detail);
  checkNames(split.ref);
  return split.ref;
}

/** Formats a reference after checking it against the same rules as {@link parseRef}. */
export function formatRef(ref: StorageRef): string {
  checkNames(ref);
  return joinStorageRef(ref);
}

/** Checks a reference against its provider's naming rules; throws {@link StorageRefError}. */
function checkNames(ref: StorageRef): void {
  switch (ref.scheme) {
    case 's3':
      checkS3(ref.bucket, ref.key);
      break;
    case 'azure':
      checkAzure(ref.account, ref.container, ref.blob);
      break;
    case 'dropbox':
      checkDropbox(ref.path);
      break;
    default: {
      const unknown: { scheme?: unknown } = ref;
      fail('unknown_scheme', 'scheme', `unknown scheme ${String(unknown.scheme)}`);
    }
  }
}

/** Accepts a string or a parsed reference; the registry and presigners take either. */
export function toRef(ref: string | StorageRef): StorageRef {
  if (typeof ref === 'string') return parseRef(ref);
  formatRef(ref);
  return ref;
}

/**
 * A string that is a storage reference the registry can presign: the grammar of
 * `storageRefSchema` in `@darkroom/photoshop` plus every provider's naming rules, for job schemas.
 * The issue message names the rule (`… breaks rule dot_segment: …`) and `params.rule` carries it
 * for machines.
 */
export const presignableRefSchema = z.string().superRefine((value, ctx) => {
  try {
    parseRef(value);
  } catch (err) {
    if (!(err instanceof StorageRefError)) throw err;
    ctx.addIssue({
      code: 'custom',
      message: err.message,
      params: { rule: err.rule, field: err.field },
    });
  }
});
