/** Keys of an Adobe result document whose values are links: presigned GETs or API hrefs. */
const LINK_KEYS = new Set(['_links', 'thumbnail']);

/**
 * A deep copy of a result document without its links: at any depth, an object property whose
 * value is a string starting with `http://` or `https://` is dropped, and so are `_links` and
 * `thumbnail` whatever they hold. A string directly inside an array is copied as it is.
 *
 * Adobe's status replies and manifests echo the presigned hrefs of a job and add presigned
 * thumbnail GETs. Darkroom stores that document beside the job's outputs, where it outlives every
 * signature in it; keeping the URLs would hand storage readers working credentials. Dropping them
 * (rather than cutting their queries) is the rule because the document is kept for its data.
 */
export function withoutUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUrls);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (typeof inner === 'string' && /^https?:\/\//i.test(inner)) continue;
      if (LINK_KEYS.has(key)) continue;
      out[key] = withoutUrls(inner);
    }
    return out;
  }
  return value;
}
