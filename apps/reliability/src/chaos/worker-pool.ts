import { spawnWorker, stopWorker, type WorkerProcess } from '../support/worker-process';

/** The chaos run's worker processes: those running now, and every one it ever started. */
export interface WorkerPool {
  /** Workers not yet killed or stopped by the schedule. */
  running: WorkerProcess[];
  /** Every worker started, for the logs and the final stop. */
  all: WorkerProcess[];
  /** Starts one more worker, named w1, w2, … in order. */
  startOne(): WorkerProcess;
  /** Takes a worker out of `running` (it is about to be killed or stopped). */
  remove(worker: WorkerProcess): void;
  /** Stops the running workers (SIGTERM, SIGKILL after stopWorker's grace period). */
  stopRunning(): Promise<void>;
  /** Stops every worker ever started, SIGKILL after `graceMs`. */
  stopAll(graceMs: number): Promise<void>;
}

export function createWorkerPool(env: Record<string, string>): WorkerPool {
  const running: WorkerProcess[] = [];
  const all: WorkerProcess[] = [];
  return {
    running,
    all,
    startOne() {
      const worker = spawnWorker(`w${all.length + 1}`, env);
      running.push(worker);
      all.push(worker);
      return worker;
    },
    remove(worker) {
      const at = running.indexOf(worker);
      if (at >= 0) running.splice(at, 1);
    },
    stopRunning: async () => {
      await Promise.all(running.map((w) => stopWorker(w)));
    },
    stopAll: async (graceMs) => {
      await Promise.all(all.map((w) => stopWorker(w, graceMs)));
    },
  };
}
