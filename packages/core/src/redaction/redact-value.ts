import { REDACTED } from './redacted';
import { redactSecrets } from './redact-secrets';
import { isSecretName, isUrlName } from './secret-names';
import { stripUrlQuery } from './url-without-query';

/**
 * A deep copy of `value` fit to show (a job's data in the dashboard, say): secret-named fields
 * replaced by {@link REDACTED}, URL-named fields without their query string, every string passed
 * through {@link redactSecrets}. `Error`s become `{ name, message }`; a cycle becomes
 * `'[circular]'`.
 *
 * @param key the name `value` is held under, when it has one: a secret name hides it whole.
 */
export function redactValue(value: unknown, key?: string): unknown {
  return redactNode(value, key, new Set<object>());
}

function redactNode(value: unknown, key: string | undefined, ancestors: Set<object>): unknown {
  if (key !== undefined && isSecretName(key) && value !== null && value !== undefined) {
    return REDACTED;
  }
  if (typeof value === 'string') {
    return redactSecrets(key !== undefined && isUrlName(key) ? stripUrlQuery(value) : value);
  }
  if (value === null || typeof value !== 'object') return value;
  // Only a cycle is cut; an object referenced twice side by side is copied twice.
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactNode(item, undefined, ancestors));
    if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactNode(v, k, ancestors);
    return out;
  } finally {
    ancestors.delete(value);
  }
}
