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
