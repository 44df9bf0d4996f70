import { DEFAULT_LOCK_DURATION_MS } from '@darkroom/worker';

export interface ChaosOptions {
  /** Edit jobs to run. @defaultValue 2000 */
  jobs?: number;
  /** Worker processes kept running. @defaultValue 3 */
  workers?: number;
  /** Slots per worker. @defaultValue 20 */
  concurrency?: number;
  /** Most SIGKILLs over the run. @defaultValue unlimited (one every `killEveryMs`) */
  maxKills?: number;
  /** Time between SIGKILLs. @defaultValue 4000 */
  killEveryMs?: number;
  /** Workers stopped with SIGTERM (and replaced). @defaultValue 1 */
  sigterms?: number;
  /** Redis stop-and-start cycles. @defaultValue 1 */
  redisRestarts?: number;
  /** How long Redis stays down per restart. @defaultValue 2000 */
  redisDownMs?: number;
  /**
   * The workers' WORKER_LOCK_DURATION_MS: how long a SIGKILLed worker's jobs stay locked before
   * another takes them. @defaultValue the worker's own (BullMQ's 30 s)
   */
  lockDurationMs?: number;
  /** The emulator's and the workers' time factor. @defaultValue 0.01 */
  timeFactor?: number;
  /** Seed of the chaos schedule and the injected faults. @defaultValue 7 */
  seed?: number;
  /** Longest wait for the queue to drain. @defaultValue 15 minutes */
  timeoutMs?: number;
  /** Progress lines. @defaultValue silent */
  log?: (line: string) => void;
}

/** {@link ChaosOptions} with every default filled in. */
export type ChaosSettings = Required<ChaosOptions>;

/** The client the workers use; its secret is one of the literals the leak scans look for. */
export const CHAOS_CLIENT = {
  clientId: 'darkroom-chaos',
  clientSecret: 'chaos-client-secret-4f9d2c',
};

/** The workers' drain deadline after SIGTERM. */
export const DRAIN_TIMEOUT_MS = 5_000;

export function chaosSettings(options: ChaosOptions = {}): ChaosSettings {
  return {
    jobs: options.jobs ?? 2_000,
    workers: options.workers ?? 3,
    concurrency: options.concurrency ?? 20,
    maxKills: options.maxKills ?? Number.POSITIVE_INFINITY,
    killEveryMs: options.killEveryMs ?? 4_000,
    sigterms: options.sigterms ?? 1,
    redisRestarts: options.redisRestarts ?? 1,
    redisDownMs: options.redisDownMs ?? 2_000,
    lockDurationMs: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
    timeFactor: options.timeFactor ?? 0.01,
    seed: options.seed ?? 7,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    log: options.log ?? (() => undefined),
  };
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
