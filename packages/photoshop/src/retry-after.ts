/**
 * Delay used when a 429 carries no usable Retry-After: Adobe's rate windows are 3 s wide
 * (photoshop-api.md §5.2), so 5 s clears one window with room to spare.
 */
export const DEFAULT_RETRY_AFTER_MS = 5_000;

/**
 * Parses Retry-After as delta-seconds (`"2"`, `"1.5"`) or an HTTP date. Missing, empty or
 * unparseable values give `DEFAULT_RETRY_AFTER_MS`; dates in the past give 0.
 */
export function parseRetryAfter(
  value: string | string[] | number | null | undefined,
  now: number = Date.now(),
): number {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number')
    return Number.isFinite(raw) && raw >= 0 ? Math.ceil(raw * 1000) : DEFAULT_RETRY_AFTER_MS;
  if (typeof raw !== 'string' || raw.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const s = raw.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.ceil(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, at - now);
}
