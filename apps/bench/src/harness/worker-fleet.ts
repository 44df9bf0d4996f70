import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WORKER_DIR = join(__dirname, '../../../../apps/worker');
/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

export interface WorkerFleet {
  pids: number[];
  /** CPU seconds (user + system) each worker process has used so far. */
  cpuSeconds(): number[];
  close(): Promise<void>;
}

/** CPU seconds of one process from /proc/<pid>/stat (fields 14 and 15: utime, stime). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** This process's CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * `BENCH_CPU_PROFILE_DIR=<dir>` makes every worker process write a V8 CPU profile there when it
 * exits (open it in Chrome DevTools or speedscope).
 */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

/**
 * Starts `count` Darkroom worker processes (apps/worker/src/main.ts under tsx, one Node process
 * each, as in production) and waits until each has logged `worker started`.
 */
export async function startWorkerFleet(
  count: number,
  env: Record<string, string>,
): Promise<WorkerFleet> {
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  const started = (child: ChildProcess, index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let ready = false;
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!ready && line.includes('"worker started"')) {
          ready = true;
          resolve();
        }
      });
      let errors = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-2_000);
      });
      child.once('exit', (code) => {
        if (!ready) reject(new Error(`worker ${index} exited with ${String(code)}: ${errors}`));
      });
    });
  const waits: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const child = spawn(
      process.execPath,
      [...profileArgs(), '--import', 'tsx', join(WORKER_DIR, 'src/main.ts')],
      {
        cwd: WORKER_DIR,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    waits.push(started(child, i));
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        for (const child of children) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
      }, 15_000);
      await Promise.all(exits);
      clearTimeout(timer);
    })());
  try {
    await Promise.all(waits);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    pids: children.map((c) => c.pid ?? 0),
    cpuSeconds: () => children.map((c) => processCpuSeconds(c.pid ?? 0)),
    close,
  };
}
