import { joinStorageRef, splitStorageRef } from '@darkroom/photoshop';
import { StorageRefError, type StorageRefField } from './errors/storage-ref-error';
import { accountNameProblem, bucketNameProblem, containerNameProblem } from './name-rules';
import {
  AZURE_MAX_BLOB_CHARS,
  checkObjectName,
  formatRef,
  S3_MAX_KEY_BYTES,
  type StorageRef,
} from './storage-ref';

/**
 * A folder in a bucket, a container or Dropbox: a reference whose object name names a folder.
 * That name is empty for an S3 bucket's or an Azure container's root, `/` for Dropbox's root,
 * and ends with `/` otherwise (`s3://scratch/runs/42/`, `dropbox:/Darkroom/runs/42/`).
 * `StorageRegistry.list` and `removeUnder` take one; `folder` tells it apart from an object's
 * reference in types.
 */
export type StoragePrefix<R extends StorageRef = StorageRef> = R & { readonly folder: true };

function fail(rule: StorageRefError['rule'], field: StorageRefField, detail: string): never {
  throw new StorageRefError(rule, field, detail);
}

/**
 * The folder an object name stands for: `''` stays the root, `runs/42` and `runs/42/` are both
 * `runs/42/`. The name without its last `/` follows the rules of an object name.
 */
function folderName(name: string, field: StorageRefField): string {
  if (name === '') return '';
  const bare = name.endsWith('/') ? name.slice(0, -1) : name;
  if (bare === '' || bare.endsWith('/')) {
    fail('empty_segment', field, 'must not hold an empty segment ("//" or a leading "/")');
  }
  checkObjectName(bare, field);
  return `${bare}/`;
}

/**
 * Parses a folder's reference: `s3://bucket/`, `s3://bucket/runs/42/`,
 * `azure://account/container/runs/42/`, `dropbox:/` or `dropbox:/runs/42/`. A folder may be
 * written without its trailing `/` (`s3://bucket/runs/42` is `s3://bucket/runs/42/`, never
 * `runs/420/` too). Bucket, account and container names, and every segment of the folder, follow
 * the rules {@link parseRef} applies.
 * @throws {StorageRefError} naming the broken rule
 */
export function parsePrefix(text: string): StoragePrefix {
  if (typeof text !== 'string') {
    fail('not_a_string', 'ref', `expected a string, got ${typeof text}`);
  }
  const split = splitStorageRef(text);
  if (!split.ok) return fail(split.error.rule, split.error.field, split.error.detail);
  const ref = split.ref;
  switch (ref.scheme) {
    case 's3': {
      const problem = bucketNameProblem(ref.bucket);
      if (problem) fail('invalid_bucket_name', 'bucket', problem);
      const key = folderName(ref.key, 'key');
      if (Buffer.byteLength(key, 'utf8') > S3_MAX_KEY_BYTES) {
        fail('key_too_long', 'key', `is longer than the ${S3_MAX_KEY_BYTES} bytes S3 allows`);
      }
      return { ...ref, key, folder: true };
    }
    case 'azure': {
      const accountProblem = accountNameProblem(ref.account);
      if (accountProblem) fail('invalid_account_name', 'account', accountProblem);
      const containerProblem = containerNameProblem(ref.container);
      if (containerProblem) fail('invalid_container_name', 'container', containerProblem);
      const blob = folderName(ref.blob, 'blob');
      if ([...blob].length > AZURE_MAX_BLOB_CHARS) {
        fail(
          'blob_name_too_long',
          'blob',
          `is longer than the ${AZURE_MAX_BLOB_CHARS} characters Azure allows`,
        );
      }
      return { ...ref, blob, folder: true };
    }
    case 'dropbox': {
      if (!ref.path.startsWith('/')) fail('relative_path', 'path', 'must start with "/"');
      return { ...ref, path: `/${folderName(ref.path.slice(1), 'path')}`, folder: true };
    }
  }
}

/** The text of a folder's reference, ending with `/`: `s3://bucket/`, `dropbox:/runs/42/`. */
export function formatPrefix(prefix: StoragePrefix): string {
  return joinStorageRef(prefix);
}

/** Accepts a folder's reference as text or parsed, and checks it as {@link parsePrefix} does. */
export function toPrefix(prefix: string | StoragePrefix): StoragePrefix {
  return parsePrefix(typeof prefix === 'string' ? prefix : formatPrefix(prefix));
}

/** Whether the folder is a whole bucket, a whole container or the whole Dropbox. */
export function isRootPrefix(prefix: StoragePrefix): boolean {
  switch (prefix.scheme) {
    case 's3':
      return prefix.key === '';
    case 'azure':
      return prefix.blob === '';
    case 'dropbox':
      return prefix.path === '/';
  }
}

/**
 * The reference of an object a listing returned, or undefined when no reference can hold its
 * name (an S3 folder marker ending in `/`, a name with `//`, a `.` segment or a control
 * character): such objects are left out of listings, since `remove` could not name them either.
 */
export function listedRef(ref: StorageRef): string | undefined {
  try {
    return formatRef(ref);
  } catch (err) {
    if (err instanceof StorageRefError) return undefined;
    throw err;
  }
}
