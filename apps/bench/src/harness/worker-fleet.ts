import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WORKER_DIR = join(__dirname, '../../../../apps/worker');
/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

export interface WorkerFleet {
  /** The process id in each slot now (a replaced process's slot holds its replacement's). */
  pids: number[];
  /** CPU seconds (user + system) the process in each slot has used so far. */
  cpuSeconds(): number[];
  /**
   * Ends the process in slot `index` with `signal` (SIGKILL: no drain, locks left to expire, as
   * when a machine dies) and resolves once it has exited.
   */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a new worker process in slot `index` (after `kill`) and waits until it has started. */
  restart(index: number): Promise<void>;
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

/** Resolves when a worker process logs `worker started`; rejects if it exits before that. */
function started(child: ChildProcess, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
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
    child.once('exit', (code, signal) => {
      if (!ready) {
        reject(new Error(`worker ${index} exited with ${String(code ?? signal)}: ${errors}`));
      }
    });
  });
}

const running = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

/**
 * Starts `count` Darkroom worker processes (apps/worker/src/main.ts under tsx, one Node process
 * each, as in production) and waits until each has logged `worker started`. A slot's process can
 * be killed and replaced while the others run (`kill`, `restart`).
 */
export async function startWorkerFleet(
  count: number,
  env: Record<string, string>,
): Promise<WorkerFleet> {
  const children: ChildProcess[] = [];
  const exits = new Map<ChildProcess, Promise<void>>();
  const spawnWorker = (index: number): Promise<void> => {
    const child = spawn(
      process.execPath,
      [...profileArgs(), '--import', 'tsx', join(WORKER_DIR, 'src/main.ts')],
      {
        cwd: WORKER_DIR,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children[index] = child;
    exits.set(child, new Promise((resolve) => child.once('exit', () => resolve())));
    return started(child, index);
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const all = [...exits.keys()];
      for (const child of all) if (running(child)) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const child of all) if (running(child)) child.kill('SIGKILL');
      }, 15_000);
      await Promise.all(exits.values());
      clearTimeout(timer);
    })());
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => spawnWorker(i)));
  } catch (err) {
    await close();
    throw err;
  }
  const slot = (index: number): ChildProcess => {
    const child = children[index];
    if (!child) throw new RangeError(`no worker in slot ${index} of ${children.length}`);
    return child;
  };
  return {
    get pids() {
      return children.map((c) => c.pid ?? 0);
    },
    cpuSeconds: () => children.map((c) => processCpuSeconds(c.pid ?? 0)),
    async kill(index, signal = 'SIGKILL') {
      const child = slot(index);
      if (running(child)) child.kill(signal);
      await exits.get(child);
    },
    async restart(index) {
      if (closing) throw new Error('the fleet is closing');
      if (running(slot(index))) throw new Error(`worker ${index} is still running`);
      await spawnWorker(index);
    },
    close,
  };
}
