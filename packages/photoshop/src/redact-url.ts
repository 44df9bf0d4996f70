/**
 * A URL fit for an error message or a log line: scheme, host, port and path, without the query
 * string (presigned signatures, SAS tokens), fragment or credentials.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split(/[?#]/)[0] ?? '';
  }
}

const URL_IN_TEXT = /\b(https?:\/\/[^\s?#"'<>]+)[?#][^\s"'<>]*/gi;

/**
 * Copy of `value` with the query string and fragment cut from every URL inside its strings.
 * Adobe error bodies sometimes echo the href they could not read; that href is presigned.
 */
export function redactUrlsIn<T>(value: T): T {
  if (typeof value === 'string') return value.replace(URL_IN_TEXT, '$1') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactUrlsIn(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactUrlsIn(v);
    return out as T;
  }
  return value;
}
