import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file lives in apps/reliability/src/support). */
export const REPO_ROOT = join(__dirname, '../../../..');

/** The worker's process entry point, run with tsx exactly as an operator would. */
export const WORKER_MAIN = join(REPO_ROOT, 'apps/worker/src/main.ts');

/**
 * Node's arguments to run a TypeScript entry point (the worker has no build step). tsx is loaded
 * into the one node process rather than through its launcher, which would put a second process
 * in between: a SIGKILL sent to the launcher would orphan the real worker instead of killing it.
 */
export const TS_NODE_ARGS = ['--import', pathToFileURL(require.resolve('tsx')).href];
