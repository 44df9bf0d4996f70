/** An http(s) URL inside text, split before its query string or fragment. */
const URL_WITH_QUERY = /\b(https?:\/\/[^\s?#"'<>]+)[?#][^\s"'<>]*/gi;

/**
 * A deep copy of `value` in which every http(s) URL inside a string has lost its query string and
 * fragment; everything else is copied as it is.
 *
 * Meant for error bodies from Adobe, which sometimes echo the presigned href they could not read:
 * cutting the whole query, signed or not, keeps the error's shape and tells which object failed.
 */
export function withoutUrlQueries<T>(value: T): T {
  if (typeof value === 'string') return value.replace(URL_WITH_QUERY, '$1') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutUrlQueries(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutUrlQueries(v);
    return out as T;
  }
  return value;
}
