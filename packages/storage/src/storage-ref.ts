import { z } from 'zod';
import { StorageRefError, type StorageRefField } from './errors/storage-ref-error';
import {
  accountNameProblem,
  bucketNameProblem,
  containerNameProblem,
  CONTROL_CHARACTER,
} from './name-rules';

/** `s3://bucket/key`: an object in an S3-compatible bucket. */
export interface S3Ref {
  scheme: 's3';
  bucket: string;
  key: string;
}

/** `azure://account/container/blob/path`: a block blob in Azure Blob Storage. */
export interface AzureRef {
  scheme: 'azure';
  account: string;
  container: string;
  blob: string;
}

/** `dropbox:/path`: a file in the configured Dropbox account (or app folder). */
export interface DropboxRef {
  scheme: 'dropbox';
  path: string;
}

export type StorageRef = S3Ref | AzureRef | DropboxRef;
export type StorageScheme = StorageRef['scheme'];

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const S3_MAX_KEY_BYTES = 1024;
/** Azure blob names are at most 1,024 characters and 254 path segments. */
export const AZURE_MAX_BLOB_CHARS = 1024;
export const AZURE_MAX_BLOB_SEGMENTS = 254;

const SCHEMES = ['s3', 'azure', 'dropbox'] as const;

function fail(rule: StorageRefError['rule'], field: StorageRefField, detail: string): never {
  throw new StorageRefError(rule, field, detail);
}

/**
 * Rules every object name shares: no control characters, no `.` or `..` segments (a service or a
 * proxy may resolve them and land somewhere else), no empty segments, no trailing slash (that
 * names a folder, not an object).
 */
function checkObjectName(name: string, field: StorageRefField): void {
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
  const colon = text.indexOf(':');
  const scheme = colon === -1 ? '' : text.slice(0, colon);
  if (!(SCHEMES as readonly string[]).includes(scheme)) {
    const shown = colon === -1 ? 'none' : JSON.stringify(scheme.slice(0, 20));
    fail('unknown_scheme', 'scheme', `expected one of s3:, azure:, dropbox: (got ${shown})`);
  }
  const rest = text.slice(colon + 1);

  if (scheme === 'dropbox') {
    checkDropbox(rest);
    return { scheme: 'dropbox', path: rest };
  }

  if (!rest.startsWith('//')) {
    fail('malformed_ref', 'ref', `${scheme} references start with "${scheme}://"`);
  }
  const body = rest.slice(2);

  if (scheme === 's3') {
    const slash = body.indexOf('/');
    const bucket = slash === -1 ? body : body.slice(0, slash);
    const key = slash === -1 ? '' : body.slice(slash + 1);
    checkS3(bucket, key);
    return { scheme: 's3', bucket, key };
  }

  const first = body.indexOf('/');
  const account = first === -1 ? body : body.slice(0, first);
  const afterAccount = first === -1 ? '' : body.slice(first + 1);
  const second = afterAccount.indexOf('/');
  const container = second === -1 ? afterAccount : afterAccount.slice(0, second);
  const blob = second === -1 ? '' : afterAccount.slice(second + 1);
  checkAzure(account, container, blob);
  return { scheme: 'azure', account, container, blob };
}

/** Formats a reference after checking it against the same rules as {@link parseRef}. */
export function formatRef(ref: StorageRef): string {
  switch (ref.scheme) {
    case 's3':
      checkS3(ref.bucket, ref.key);
      return `s3://${ref.bucket}/${ref.key}`;
    case 'azure':
      checkAzure(ref.account, ref.container, ref.blob);
      return `azure://${ref.account}/${ref.container}/${ref.blob}`;
    case 'dropbox':
      checkDropbox(ref.path);
      return `dropbox:${ref.path}`;
    default: {
      const unknown: { scheme?: unknown } = ref;
      return fail('unknown_scheme', 'scheme', `unknown scheme ${String(unknown.scheme)}`);
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
 * A string that is a valid storage reference, for job schemas. The issue message names the rule
 * (`… breaks rule dot_segment: …`) and `params.rule` carries it for machines.
 */
export const storageRefSchema = z.string().superRefine((value, ctx) => {
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
