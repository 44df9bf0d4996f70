import { KeyPathError, type KeyPathRule } from '../errors';

const MAX_KEY_PATH_LENGTH = 512;

/**
 * Which rule `path` breaks, or undefined when it is a plain absolute path to a `.pem` file. Only
 * such a path is appended to the key origin, so a request for a key always goes to that origin:
 * no scheme, no `//` (which a URL parser would read as another host), no `..`, no query, and
 * nothing but letters, digits, `-`, `_`, `.` and `/`.
 */
export function keyPathViolation(path: unknown): KeyPathRule | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'not_a_string';
  if (path.length > MAX_KEY_PATH_LENGTH) return 'too_long';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'no_scheme';
  if (/[?#]/.test(path)) return 'no_query_or_fragment';
  if (!path.startsWith('/')) return 'must_start_with_slash';
  if (path.includes('//')) return 'no_empty_segments';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'no_dot_segments';
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(path)) return 'plain_characters_only';
  if (!path.endsWith('.pem') || path.endsWith('/.pem')) return 'must_end_with_pem';
  return undefined;
}

/** Throws {@link KeyPathError} naming the rule when `path` is not a plain `.pem` path. */
export function assertKeyPath(path: unknown): asserts path is string {
  const rule = keyPathViolation(path);
  if (rule !== undefined) throw new KeyPathError(rule);
}
