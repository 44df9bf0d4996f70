import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
 * A path inside the project's shared reference files (Adobe's published specs and sample files),
 * which sit beside the repository: `<repo>/../shared`. `DARKROOM_SHARED_DIR` points elsewhere.
 * Tests and benchmarks read them; the product never does.
 */
export function sharedPath(...parts: string[]): string {
  const base = process.env.DARKROOM_SHARED_DIR ?? resolve(repoRoot(), '..', 'shared');
  if (!existsSync(base)) {
    throw new Error(
      `the shared reference files are missing: expected ${base} (set DARKROOM_SHARED_DIR)`,
    );
  }
  return join(base, ...parts);
}
