import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { abortableDelay, closeOnce } from '@darkroom/core';
import { freePort } from '@darkroom/testing';

/** The HTTP producer the kept stack runs: where it listens and the bearer token it takes. */
export interface ProducerProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** SIGTERM, then SIGKILL if it has not exited after {@link STOP_GRACE_MS}. Idempotent. */
  close(): Promise<void>;
}

/** How long the producer may take to answer /readyz: tsx compiles its sources on start. */
const READY_TIMEOUT_MS = 60_000;
/** How long a SIGTERM'd producer may take to close its server and queue. */
const STOP_GRACE_MS = 10_000;

/**
 * The producer's own entry point (what `pnpm --filter @darkroom/producer start` runs), found
 * beside this app in the repository: the demo runs it as a process of its own, as a deployment
 * does, so its log lines stay in its own stdout and go to the demo's stderr only when asked.
 */
const PRODUCER_MAIN = join(__dirname, '..', '..', 'producer', 'src', 'main.ts');

export interface ProducerProcessOptions {
  /** Redis, queue and prefix of the stack (REDIS_URL, DARKROOM_QUEUE, DARKROOM_PREFIX). */
  env: Record<string, string>;
  /** @defaultValue a free port on loopback */
  port?: number;
  /** LOG_LEVEL of the producer. */
  logLevel: string;
  /** Where its JSON log lines go. @defaultValue nowhere */
  logs?: NodeJS.WritableStream;
}

/**
 * Starts the producer on loopback with a token drawn here and resolves once it answers /readyz
 * (Redis reachable); rejects with its stderr when it exits first or does not answer in time.
 */
export async function startProducerProcess(
  options: ProducerProcessOptions,
): Promise<ProducerProcess> {
  const port = options.port ?? (await freePort());
  const token = randomBytes(24).toString('base64url');
  // tsx's loader in the producer's own Node process (no tsx parent in between), so signals reach
  // the producer itself.
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, PRODUCER_MAIN], {
    env: {
      ...process.env,
      ...options.env,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: String(port),
      PRODUCER_METRICS_PORT: '0',
      PRODUCER_TOKENS: token,
      LOG_LEVEL: options.logLevel,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C reaches the demo alone, which then stops the producer
    // (one SIGTERM, one clean close) instead of both racing to stop it.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
    options.logs?.write(chunk);
  });
  if (options.logs) child.stdout?.pipe(options.logs, { end: false });
  else child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  const close = closeOnce(() => stop(child));
  try {
    await untilReady(child, url, () => stderr);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, token, close };
}

async function untilReady(child: ChildProcess, url: string, stderr: () => string): Promise<void> {
  const exited = new AbortController();
  child.once('exit', () => exited.abort());
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited.signal.aborted && Date.now() < deadline) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return;
    await abortableDelay(200, exited.signal);
  }
  const why = exited.signal.aborted
    ? `exited with code ${String(child.exitCode)}`
    : `did not answer ${url}/readyz within ${READY_TIMEOUT_MS / 1000} s`;
  throw new Error(`the producer ${why}${stderr() ? `: ${stderr().trim()}` : ''}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exit;
  } finally {
    clearTimeout(timer);
  }
}
