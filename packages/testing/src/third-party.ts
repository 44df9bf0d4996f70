import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error('cannot find the repository root (no pnpm-workspace.yaml above this file)');
    dir = up;
  }
  return dir;
}

/**
 * A path inside the repository's `third_party/` folder: files other people published that the
 * tests and benchmarks read (Adobe's contract files and sample images under `third_party/adobe`,
 * each listed with its source in `PROVENANCE.tsv`). The product never reads them.
 */
export function thirdPartyPath(...parts: string[]): string {
  return join(repoRoot(), 'third_party', ...parts);
}
