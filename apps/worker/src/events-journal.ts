import { randomBytes } from 'node:crypto';
import { JournalReader } from '@darkroom/events';
import { RemoteEventIntake, RemoteEventStore, type RedisConnection } from '@darkroom/jobs';
import type { Logger, PipelineMetrics } from '@darkroom/observability';
import { createAccountClient } from '@darkroom/photoshop';
import type { Queue } from 'bullmq';
import type { WorkerConfig } from './config';

/** How long the journal lease lasts without renewal, and how often it is renewed or sought. */
const LEASE_MS = 30_000;
const RENEW_MS = 10_000;

/** Extends the lease only for its holder (compare and set, in one script). */
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface EventsJournalDeps {
  config: Pick<WorkerConfig, 'prefix' | 'queueName' | 'accounts'>;
  journal: { url: string; account: string };
  redis: RedisConnection;
  queue: Queue;
  pipeline: PipelineMetrics;
  logger: Logger;
}

/**
 * Pulls Adobe's job events from the I/O Events journal, for deployments that cannot take a
 * webhook. One worker of the fleet reads at a time (a lease in Redis, renewed while it lives);
 * the position read up to is kept in Redis after each page, so a new reader goes on from there.
 */
export function startEventsJournal(deps: EventsJournalDeps): { stop(): Promise<void> } {
  const { config, redis, logger } = deps;
  const store = new RemoteEventStore({ redis, prefix: config.prefix, queueName: config.queueName });
  const intake = new RemoteEventIntake(deps.queue, store);
  const base = `${config.prefix}:${config.queueName}:adobe-events:journal`;
  const lockKey = `${base}:lease`;
  const positionKey = `${base}:position`;
  const holder = randomBytes(8).toString('hex');
  const account = config.accounts[deps.journal.account]!;
  const { auth } = createAccountClient(account);
  let reading: { abort: AbortController; done: Promise<void> } | undefined;
  let stopped = false;

  const read = async (signal: AbortSignal): Promise<void> => {
    const since = (await redis.get(positionKey)) ?? undefined;
    const reader = new JournalReader({
      url: deps.journal.url,
      ...(since ? { since } : {}),
      authHeaders: async () => ({
        authorization: `Bearer ${await auth.getToken()}`,
        'x-api-key': account.clientId,
      }),
      onEvents: async (events, position) => {
        for (const outcome of await intake.record(events)) deps.pipeline.adobeEvent(outcome);
        await redis.set(positionKey, position);
      },
      onError: (err) => logger.warn({ err: err.message }, 'reading the events journal failed'),
    });
    await reader.run(signal);
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    const held = reading
      ? Number(await redis.eval(RENEW_SCRIPT, 1, lockKey, holder, String(LEASE_MS))) === 1
      : (await redis.set(lockKey, holder, 'PX', LEASE_MS, 'NX')) === 'OK';
    if (held && !reading) {
      const abort = new AbortController();
      logger.info('reading Adobe events from the journal');
      reading = { abort, done: read(abort.signal).catch(() => undefined) };
    } else if (!held && reading) {
      reading.abort.abort();
      reading = undefined;
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), RENEW_MS);
  void tick().catch(() => undefined);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      intake.close();
      if (!reading) return;
      reading.abort.abort();
      await reading.done;
      await redis.eval(
        `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
        1,
        lockKey,
        holder,
      );
    },
  };
}
