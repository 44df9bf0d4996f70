import type { AttributeValue, Attributes } from '@opentelemetry/api';
import {
  isSecretName,
  isUrlName,
  redactSecrets,
  urlOriginAndPath,
  withoutQuery,
} from '@darkroom/core';

/** A scheme and `//`: a value that is (or starts like) a URL. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** What can be shown of a URL: origin and path, with Dropbox link tokens and passwords masked. */
const UNPARSEABLE_URL = '[unparseable url]';

function cleanString(key: string, value: string): string {
  if (URL_LIKE.test(value)) return redactSecrets(urlOriginAndPath(value, UNPARSEABLE_URL));
  return redactSecrets(isUrlName(key) ? withoutQuery(value) : value);
}

function cleanScalar(key: string, value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string') return cleanString(key, value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** OpenTelemetry keys are dotted (`http.request.header.authorization`): each part is checked. */
function isSecretKey(key: string): boolean {
  return isSecretName(key) || key.split('.').some((part) => isSecretName(part));
}

function cleanArray(key: string, values: readonly unknown[]): AttributeValue | undefined {
  const cleaned = values.map((v) => cleanScalar(key, v)).filter((v) => v !== undefined);
  const kinds = new Set(cleaned.map((v) => typeof v));
  // Attribute arrays are homogeneous; a mixed one is not worth guessing at.
  if (kinds.size > 1) return undefined;
  return cleaned as AttributeValue;
}

/**
 * Span attributes fit to export: a key named like a secret (`token`, `client_secret`,
 * `http.request.header.authorization`, `sig`…) is dropped with its value; a value that looks like
 * a URL keeps its origin and path only; a value under a URL-named key (`statusUrl`, `href`)
 * loses any query; every string passes through `redactSecrets` (`Bearer …`, `sig=…`,
 * `access_token=…`). `undefined`, `null`, objects and non-finite numbers are dropped.
 */
export function spanAttributes(attrs: Readonly<Record<string, unknown>>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || isSecretKey(key)) continue;
    const cleaned = Array.isArray(value)
      ? cleanArray(key, value as readonly unknown[])
      : cleanScalar(key, value);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}
