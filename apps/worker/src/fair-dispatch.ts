import {
  DEFAULT_TENANT,
  FairDispatcher,
  FairGate,
  type EditJobData,
  type EditJobResult,
  type FairDomain,
  type RedisConnection,
  type TenantShare,
} from '@darkroom/jobs';
import type { Logger } from '@darkroom/observability';
import { adobeRateLimits } from '@darkroom/photoshop';
import type { Processor, Queue } from 'bullmq';
import { endsEdit } from './callbacks';
import type { WorkerConfig } from './config';
import { budgetKeyOf } from './rate-budget';

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

/** The budgets this worker's accounts draw on, each with the accounts that share it. */
export function fairDomains(accounts: WorkerConfig['accounts']): FairDomain[] {
  const keyOf = budgetKeyOf(accounts);
  const byDomain = new Map<string, string[]>();
  for (const account of Object.keys(accounts)) {
    const domain = keyOf(account);
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), account]);
  }
  return [...byDomain].map(([domain, list]) => ({ domain, accounts: list }));
}

export interface FairDispatch {
  gate: FairGate;
  /** The edit processor, freeing the edit's place in flight once it ends. */
  wrap(processor: Processor<EditJobData, EditJobResult>): Processor<EditJobData, EditJobResult>;
  stop(): Promise<void>;
}

/**
 * Fair dispatch in this worker: the gate the step machine asks before a round's first POST, and
 * a dispatcher admitting the waiting edits of this worker's organisations in weighted turns.
 */
export function startFairDispatch(deps: {
  config: Pick<WorkerConfig, 'prefix' | 'queueName' | 'accounts' | 'budgetTimeScale'>;
  redis: RedisConnection;
  queue: Queue;
  logger: Logger;
  shares: () => { defaults: TenantShare; tenants: Readonly<Record<string, TenantShare>> };
}): FairDispatch {
  const { config, redis, logger } = deps;
  const gate = new FairGate(redis, config.prefix, config.queueName);
  const domainOf = budgetKeyOf(config.accounts);
  const dispatcher = new FairDispatcher({
    redis,
    queue: deps.queue,
    prefix: config.prefix,
    queueName: config.queueName,
    domains: fairDomains(config.accounts),
    window: admissionWindow(),
    shares: deps.shares,
    onError: (err) => logger.warn({ err: err.message }, 'fair dispatch round failed'),
  });
  dispatcher.start();
  const ended = async (job: { id?: string; data: EditJobData }): Promise<void> => {
    if (!job.id) return;
    const tenant = job.data.tenant ?? DEFAULT_TENANT;
    await gate.ended(job.id, domainOf(job.data.account), tenant).catch(() => undefined);
  };
  return {
    gate,
    wrap: (processor) => async (job, token, signal) => {
      try {
        const result = await processor(job, token, signal);
        await ended(job);
        return result;
      } catch (err) {
        if (endsEdit(job, err)) await ended(job);
        throw err;
      }
    },
    stop: () => dispatcher.stop(),
  };
}
