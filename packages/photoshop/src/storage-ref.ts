import { z } from 'zod';

/**
 * Storage references: how a Darkroom job names a file, instead of a URL.
 *
 * ```
 * s3://<bucket>/<key>
 * azure://<account>/<container>/<blob>
 * dropbox:<path>                      (the path starts with "/")
 * ```
 *
 * This module is the grammar: which schemes exist and how a reference splits into its parts.
 * What each provider accepts as a bucket, account, container or object name is checked by
 * `@darkroom/storage`, which parses references on top of this grammar before presigning them.
 */
export const storageSchemes = ['s3', 'azure', 'dropbox'] as const;
export type StorageScheme = (typeof storageSchemes)[number];

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

/** Why a text does not follow the grammar at all; the names match `StorageRefError`'s. */
export interface StorageRefSyntaxError {
  readonly rule: 'unknown_scheme' | 'malformed_ref';
  readonly field: 'scheme' | 'ref';
  readonly detail: string;
}

export type SplitStorageRefResult =
  { ok: true; ref: StorageRef } | { ok: false; error: StorageRefSyntaxError };

/**
 * Splits a reference into its parts. The text is taken as is (no percent-decoding, no case
 * folding, schemes are lowercase) and parts may come back empty: `s3://photos` is a bucket
 * without a key. Only a lone UTF-16 surrogate, a missing or unknown scheme, or `s3:`/`azure:`
 * without `//`, fail here.
 */
export function splitStorageRef(text: string): SplitStorageRefResult {
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    return syntaxError(
      'malformed_ref',
      'ref',
      `a storage reference must be well-formed Unicode: lone UTF-16 surrogate at index ${lone.index}`,
    );
  }
  const colon = text.indexOf(':');
  const scheme = colon === -1 ? '' : text.slice(0, colon);
  if (!isStorageScheme(scheme)) {
    const shown = colon === -1 ? 'none' : JSON.stringify(scheme.slice(0, 20));
    return syntaxError(
      'unknown_scheme',
      'scheme',
      `expected one of ${storageSchemes.map((s) => `${s}:`).join(', ')} (got ${shown})`,
    );
  }
  const rest = text.slice(colon + 1);
  if (scheme === 'dropbox') return { ok: true, ref: { scheme, path: rest } };

  if (!rest.startsWith('//')) {
    return syntaxError('malformed_ref', 'ref', `${scheme} references start with "${scheme}://"`);
  }
  const [first, afterFirst] = cut(rest.slice(2));
  if (scheme === 's3') return { ok: true, ref: { scheme, bucket: first, key: afterFirst } };
  const [container, blob] = cut(afterFirst);
  return { ok: true, ref: { scheme, account: first, container, blob } };
}

/**
 * The text of a reference from its parts: the inverse of {@link splitStorageRef} for every
 * reference that has all its separators (`s3://photos` splits, but joins as `s3://photos/`).
 */
export function joinStorageRef(ref: StorageRef): string {
  switch (ref.scheme) {
    case 's3':
      return `s3://${ref.bucket}/${ref.key}`;
    case 'azure':
      return `azure://${ref.account}/${ref.container}/${ref.blob}`;
    case 'dropbox':
      return `dropbox:${ref.path}`;
  }
}

function isStorageScheme(value: string): value is StorageScheme {
  return (storageSchemes as readonly string[]).includes(value);
}

/** `a/b/c` → `['a', 'b/c']`; `a` → `['a', '']`. */
function cut(text: string): [string, string] {
  const slash = text.indexOf('/');
  return slash === -1 ? [text, ''] : [text.slice(0, slash), text.slice(slash + 1)];
}

function syntaxError(
  rule: StorageRefSyntaxError['rule'],
  field: StorageRefSyntaxError['field'],
  detail: string,
): SplitStorageRefResult {
  return { ok: false, error: { rule, field, detail } };
}

// Half of a UTF-16 pair on its own is no character: it cannot be encoded as UTF-8 for a URL, and
// would be stored, logged and presigned as something else than the caller wrote.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Line breaks would split a reference across log lines; whitespace in a bucket, account or
// container name, or in front of an object name, is a pasting mistake rather than a name.
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const WHITESPACE = /\s/;

const isName = (part: string) => part !== '' && !WHITESPACE.test(part);
const isObjectName = (part: string) => part !== '' && !WHITESPACE.test(part.charAt(0));

/** Whether `text` follows the grammar with every part present. */
function isWellFormed(text: string): boolean {
  if (LINE_BREAK.test(text)) return false;
  const split = splitStorageRef(text);
  if (!split.ok) return false;
  const { ref } = split;
  switch (ref.scheme) {
    case 's3':
      return isName(ref.bucket) && isObjectName(ref.key);
    case 'azure':
      return isName(ref.account) && isName(ref.container) && isObjectName(ref.blob);
    case 'dropbox':
      return ref.path.startsWith('/') && isObjectName(ref.path.slice(1));
  }
}

const EXPECTED =
  'expected a storage reference (s3://bucket/key, azure://account/container/blob, dropbox:/path)';

/**
 * A string that follows the storage-reference grammar with every part present. Jobs carry these,
 * never URLs; the worker presigns them just before submitting. A text that does not fit fails
 * with zod's `invalid_format` code.
 */
export const storageRefSchema = z.string().superRefine((value, ctx) => {
  if (LONE_SURROGATE.test(value)) {
    ctx.addIssue({
      code: 'invalid_format',
      format: 'storage_ref',
      input: value,
      message: `${EXPECTED}; it must be well-formed Unicode (no lone UTF-16 surrogate)`,
    });
  } else if (!isWellFormed(value)) {
    ctx.addIssue({
      code: 'invalid_format',
      format: 'storage_ref',
      input: value,
      message: EXPECTED,
    });
  }
});
