import { spawn, type ChildProcess } from 'node:child_process';
import { TS_NODE_ARGS, WORKER_MAIN } from './repo-paths';

/** One parsed JSON log line of a worker (pino). */
export interface WorkerLogLine {
  msg?: string;
  jobId?: string;
  reason?: string;
  step?: string;
  level?: number;
  time?: number;
  [key: string]: unknown;
}

/** A worker started as a real child process (`tsx apps/worker/src/main.ts`). */
export interface WorkerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Every stdout and stderr line the process wrote, raw. */
  lines: string[];
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves once the worker logged that it started (its health server listens). */
  started: Promise<void>;
  /** The health server's port, known once `started` resolved. */
  port(): number | undefined;
  kill(signal: NodeJS.Signals): void;
}

/** Parses the JSON lines of a worker's output; other lines are ignored. */
export function parseLogLines(lines: readonly string[]): WorkerLogLine[] {
  const parsed: WorkerLogLine[] = [];
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      parsed.push(JSON.parse(line) as WorkerLogLine);
    } catch {
      // A line cut by SIGKILL: nothing to learn from it.
    }
  }
  return parsed;
}

/**
 * Starts a worker child process with `env` on top of a minimal environment (PATH, HOME), so the
 * parent's REDIS_URL or Adobe credentials never leak in. Output is captured line by line.
 */
export function spawnWorker(
  name: string,
  env: Record<string, string>,
  options: { startTimeoutMs?: number } = {},
): WorkerProcess {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, WORKER_MAIN], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let port: number | undefined;
  let resolveStarted!: () => void;
  let rejectStarted!: (err: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  started.catch(() => undefined);
  const timer = setTimeout(
    () => rejectStarted(new Error(`worker ${name} did not start within its timeout`)),
    options.startTimeoutMs ?? 30_000,
  );
  const collect = (stream: NodeJS.ReadableStream): void => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (!line) continue;
        lines.push(line);
        if (port === undefined && line.includes('"worker started"')) {
          const [parsed] = parseLogLines([line]);
          if (typeof parsed?.port === 'number') port = parsed.port;
          clearTimeout(timer);
          resolveStarted();
        }
      }
    });
    stream.on('end', () => {
      if (rest) lines.push(rest);
      rest = '';
    });
  };
  if (child.stdout) collect(child.stdout);
  if (child.stderr) collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        rejectStarted(
          new Error(`worker ${name} exited (${String(code ?? signal)}) before starting`),
        );
        resolve({ code, signal, at: Date.now() });
      });
    },
  );
  return {
    name,
    pid: child.pid ?? -1,
    child,
    lines,
    exited,
    started,
    port: () => port,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Stops a worker: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopWorker(worker: WorkerProcess, graceMs = 15_000): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([worker.exited.then(() => 'exited' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    worker.kill('SIGKILL');
    await worker.exited;
  }
}
