import { execFile } from 'node:child_process';
import { join } from 'node:path';

const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'generate-client-types.ts');

/**
 * Runs the client's type generator in a process of its own (openapi-typescript is ESM-only underneath,
 * which Jest's CommonJS runtime cannot load): its exit code, stdout and stderr.
 */
export function runGenerator(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [SCRIPT, ...args, '--stdout'],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
