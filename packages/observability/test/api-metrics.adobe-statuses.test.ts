import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADOBE_DOCUMENTED_STATUSES } from '../src';

/** Adobe's published contract files (third_party/adobe/PROVENANCE.tsv names their sources). */
const SPECS = resolve(__dirname, '../../../third_party/adobe/specs');

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? specFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

/**
 * Every status the contract files name: a response key of an OpenAPI operation (`"404": {`) or
 * a v1 error schema's file name (`api_response_409_error_schema.json`). Read as text because
 * one of Adobe's files holds a raw control character that JSON.parse refuses.
 */
function statusesInSpecs(): number[] {
  const found = new Set<number>();
  for (const file of specFiles(SPECS)) {
    const named = /api_response_(\d{3})_error_schema\.json$/.exec(file);
    if (named?.[1]) found.add(Number(named[1]));
    for (const [, code] of readFileSync(file, 'utf8').matchAll(/"([1-5]\d{2})"\s*:\s*\{/g)) {
      found.add(Number(code));
    }
  }
  return [...found].sort((a, b) => a - b);
}

describe('ADOBE_DOCUMENTED_STATUSES', () => {
  it("labels every status Adobe's published contract files name", () => {
    const published = statusesInSpecs();
    // The v1 and v2 files name success, client and server errors, 429 among them.
    expect(published).toEqual(expect.arrayContaining([202, 400, 404, 429, 500]));
    const documented: readonly number[] = ADOBE_DOCUMENTED_STATUSES;
    expect(published.filter((status) => !documented.includes(status))).toEqual([]);
  });

  it('holds each status once, in order', () => {
    expect([...ADOBE_DOCUMENTED_STATUSES]).toEqual(
      [...new Set(ADOBE_DOCUMENTED_STATUSES)].sort((a, b) => a - b),
    );
  });
});
