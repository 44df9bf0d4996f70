/**
 * The target of the `rel="next"` link in a `Link` header (RFC 8288), resolved against `base`, or
 * undefined when there is none or it does not parse.
 */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return undefined;
  for (const match of text.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const [, target = '', params = ''] = match;
    const rel = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(params)?.[1] ?? '';
    if (!rel.toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      return new URL(target, base);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
