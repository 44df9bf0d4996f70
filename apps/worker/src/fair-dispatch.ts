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
import type { Processor, Queue } from 'bullmq';
import { endsEdit } from './callbacks';
import type { WorkerConfig } from './config';
import { budgetKeyOf } from './rate-budget';

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
