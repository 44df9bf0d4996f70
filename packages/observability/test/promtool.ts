import { spawnSync } from 'node:child_process';

/** Runs promtool with `input` on stdin; fails with a clear message when promtool is missing. */
export function promtool(args: string[], input?: string): { status: number; output: string } {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'promtool is not installed: install the Debian package `prometheus` (apt-get install -y prometheus)',
    );
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
