import { adobeRateLimits } from '@darkroom/photoshop';
import { Job, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { EditJobData } from '../job-data';
import { admitEdits, FairKeys, type TenantShare } from './fair-queue';

/**
 * How many edits a domain keeps admitted ahead of its submits: a third of the submits Adobe allows
 * in its shortest window (5 of 15 per 3 s), whatever the budget's time scale, and at least 2.
 * Admitted edits take the budget's tokens in no set order, so an edit admitted now waits for about
 * N tokens, and 3N at the 95th percentile: with N a third of a window's tokens, a tenant that
 * arrives now submits within about one window. N is enough to keep every token used as long as an
 * admission reaches its POST within N tokens' time.
 */
export function admissionWindow(): number {
  const [shortest] = [...adobeRateLimits.submit.soft].sort((a, b) => a.windowMs - b.windowMs);
  return Math.max(2, Math.ceil((shortest?.limit ?? 15) / 3));
}

/** One budget shared by accounts (an organisation), whose waiting edits are admitted together. */
export interface FairDomain {
  domain: string;
  accounts: readonly string[];
}

export interface FairDispatcherOptions {
  redis: Redis | Cluster;
  queue: Queue;
  prefix: string;
  queueName: string;
  domains: readonly FairDomain[];
  /** Edits admitted and not yet submitted, per domain. @defaultValue {@link admissionWindow} */
  window?: number;
  /** Weights and in-flight limits: per named tenant, and the default for the others. */
  shares: () => { defaults: TenantShare; tenants: Readonly<Record<string, TenantShare>> };
  /** Wait between rounds while edits wait (admitted or not: a full window frees as edits submit). @defaultValue 50 */
  tickMs?: number;
  /** Wait between rounds while nothing waits. @defaultValue 500 */
  idleMs?: number;
  /** Admissions older than this whose edit never submitted are looked at again. @defaultValue 120000 */
  staleMs?: number;
  onError?(err: Error): void;
}

/**
 * Admits parked edits to the queue at the pace the budget takes them, fairly between tenants:
 * every worker runs one; the admission script is atomic, so several share the work without
 * admitting an edit twice. An admitted edit is promoted to the front of the waiting list, so it
 * is submitted within moments, ahead of a backlog of status reads.
 */
export class FairDispatcher {
  private readonly keys: FairKeys;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastSweep = 0;

  constructor(private readonly options: FairDispatcherOptions) {
    this.keys = new FairKeys(options.prefix, options.queueName);
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .then((busy) =>
          this.schedule(busy ? (this.options.tickMs ?? 50) : (this.options.idleMs ?? 500)),
        )
        .catch((err: unknown) => {
          this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
          this.schedule(this.options.idleMs ?? 500);
        });
    }, ms);
  }

  /**
   * One pass over the domains; true when edits wait, so the next round comes after `tickMs`: a
   * full window frees a place with every submit, and the next edit should not wait an idle pause.
   */
  async round(): Promise<boolean> {
    let busy = false;
    const shares = this.options.shares();
    for (const d of this.options.domains) {
      const { admitted, waiting } = await admitEdits(this.options.redis, this.keys, {
        domain: d.domain,
        accounts: d.accounts,
        window: this.options.window ?? admissionWindow(),
        ...shares,
      });
      for (const e of admitted) await this.promote(e.id, d.domain);
      busy = busy || waiting || admitted.length > 0;
      if (Date.now() - this.lastSweep > 10_000) await this.sweep(d.domain);
    }
    if (Date.now() - this.lastSweep > 10_000) this.lastSweep = Date.now();
    return busy;
  }

  /** Moves an admitted edit from its park to the front of the waiting list. */
  private async promote(id: string, domain: string): Promise<void> {
    const job = await Job.fromId<EditJobData>(this.options.queue, id);
    const state = job ? await job.getState() : undefined;
    if (!job || state === 'completed' || state === 'failed' || state === 'unknown') {
      // Gone, cancelled or finished while it waited: nothing to submit, no place to hold.
      await this.release(id, domain, job?.data.tenant);
      return;
    }
    if (state !== 'delayed') return;
    await job.promote().catch(() => undefined);
    await job.changePriority({ lifo: true }).catch(() => undefined);
  }

  /** Admissions that never led to a submit (a crash between admission and promotion). */
  private async sweep(domain: string): Promise<void> {
    const cutoff = Date.now() - (this.options.staleMs ?? 120_000);
    const stale = await this.options.redis.zrangebyscore(this.keys.admitted(domain), 0, cutoff);
    for (const id of stale) await this.promote(id, domain);
  }

  private async release(id: string, domain: string, tenant: string | undefined): Promise<void> {
    await this.options.redis.zrem(this.keys.admitted(domain), id);
    if (tenant !== undefined) await this.options.redis.zrem(this.keys.inflight(domain, tenant), id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
