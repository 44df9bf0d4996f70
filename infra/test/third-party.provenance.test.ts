import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './support/paths';

// third_party/adobe holds Adobe's files byte for byte; PROVENANCE.tsv says where each came from.
// A reformatted spec, a new sample without a source, or a row for a file that is gone fails here.

const adobeDir = path.join(repoRoot, 'third_party', 'adobe');
/** Files about the folder rather than taken from Adobe. */
const OWN_FILES = new Set(['LICENSE', 'NOTICE', 'README.md', 'PROVENANCE.tsv']);

interface Row {
  path: string;
  repository: string;
  source_path: string;
  commit: string;
  commit_date: string;
  git_blob: string;
}

function provenance(): Row[] {
  const [header, ...lines] = readFileSync(path.join(adobeDir, 'PROVENANCE.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const columns = (header ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) as unknown as Row;
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => !OWN_FILES.has(f))
    .sort();
}

/** What `git hash-object` prints for these bytes. */
function gitBlobHash(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

describe('third_party/adobe', () => {
  const rows = provenance();

  it('lists every file it holds exactly once, and no file it does not hold', () => {
    expect(rows.map((r) => r.path).sort()).toEqual(filesUnder(adobeDir));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('holds each file exactly as its source commit has it', () => {
    const changed = rows.filter(
      (r) => gitBlobHash(readFileSync(path.join(adobeDir, r.path))) !== r.git_blob,
    );
    expect(changed.map((r) => r.path)).toEqual([]);
  });

  it('names a repository, path, full commit and date for each file', () => {
    const incomplete = rows.filter(
      (r) =>
        !/^AdobeDocs\/[\w.-]+$/.test(r.repository) ||
        r.source_path === '' ||
        !/^[0-9a-f]{40}$/.test(r.commit) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(r.commit_date) ||
        Number.isNaN(Date.parse(r.commit_date)),
    );
    expect(incomplete).toEqual([]);
  });

  it('carries the Apache License 2.0 and a NOTICE naming Adobe', () => {
    const license = readFileSync(path.join(adobeDir, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(readFileSync(path.join(adobeDir, 'NOTICE'), 'utf8')).toMatch(/Copyright \d{4} Adobe/);
  });
});
