import type { ReadableSpan } from '../../src/testing';

/**
 * Every string a span would export besides its name: attribute values, event attribute values
 * and the status message, each labelled with where it sits.
 */
export function exportedStrings(spans: readonly ReadableSpan[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (where: string, attrs: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(attrs)) {
      for (const v of Array.isArray(value) ? value : [value])
        out.push([`${where} ${key}`, String(v)]);
    }
  };
  for (const span of spans) {
    add(span.name, span.attributes);
    for (const event of span.events) add(`${span.name}/${event.name}`, event.attributes ?? {});
    if (span.status.message) out.push([`${span.name} status`, span.status.message]);
  }
  return out;
}

/** The exported strings that contain any of `needles` (case-insensitive). */
export function leaks(spans: readonly ReadableSpan[], needles: readonly string[]): string[] {
  return exportedStrings(spans)
    .filter(([, value]) => needles.some((n) => value.toLowerCase().includes(n.toLowerCase())))
    .map(([where, value]) => `${where} = ${value}`);
}
