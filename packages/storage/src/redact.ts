/** A URL fit for an error message: origin and path, never the query string that holds a signature. */
export function urlWithoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unparseable url)';
  }
}
