import { CallbackDispatcher, DeliveryNotFoundError, DeliveryStateError } from '@darkroom/callbacks';
import {
  EditJobNotFoundError,
  EditJobStateError,
  TenantUsage,
  createProducerConnection,
  parseFailedReason,
  parseUsageSince,
  type EditJobStatus,
  type EditQueue,
  type EditSearchQuery,
  type EnqueueResult,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import {
  callbackStatusOf,
  withCallback,
  type EditStatusWithCallback,
} from '../callbacks/callback-status';
import { loadNamedRecipes, NO_RECIPES, type NamedRecipes } from '../recipes/named-recipes';
import { enqueueInlineRun, enqueueNamedRun } from '../recipes/run-intake';
import { isFinished } from '../server/wait-for-change';
import type { CliConfig } from './cli-config';
import { queueOf } from './command-context';
import type {
  DeadCallbackPage,
  EditService,
  RecipeChoice,
  RedeliverOutcome,
  RetryOutcome,
  RunRequest,
  UsageDocument,
} from './edit-service';
import { editQueueTarget, enqueueManifest, type ManifestSummary } from './enqueue-manifest';
import type { ManifestLine } from './manifest-reader';
import type { Output } from './output';
import { JobNotFoundError, UnknownRecipeError } from './usage-error';

/** Failed jobs read from BullMQ per round trip. */
const PAGE = 500;

/** Runs `fn` with a dispatcher that reads and redelivers (no worker, no secrets), then closes it. */
async function withCallbacks<T>(
  config: Pick<CliConfig, 'redis' | 'prefix' | 'callbackQueue'>,
  fn: (callbacks: CallbackDispatcher) => Promise<T>,
): Promise<T> {
  // Commands wait for the first connect (the CLI and a fresh producer start unconnected); in an
  // outage they still fail after one reconnect attempt.
  const redis = createProducerConnection(config.redis, { enableOfflineQueue: true });
  const callbacks = new CallbackDispatcher({
    connection: redis,
    prefix: config.prefix,
    queueName: config.callbackQueue,
    worker: false,
  });
  try {
    return await fn(callbacks);
  } finally {
    await callbacks.close().catch(() => undefined);
    redis.disconnect();
  }
}

/**
 * The edits in Redis, read and changed directly: the queue of DARKROOM_QUEUE (opened on first
 * use, once Redis has answered), the callback queue and the tenants' usage counters.
 */
export class RedisEditService implements EditService {
  readonly name = 'Redis';
  private edits: EditQueue | undefined;
  private opened: Promise<EditQueue> | undefined;
  private recipes: Promise<NamedRecipes> | undefined;

  readonly source: string;

  constructor(private readonly config: CliConfig) {
    this.source = `queue ${config.queueName}`;
  }

  notFound(id: string): JobNotFoundError {
    return new JobNotFoundError(id, `in queue ${this.config.queueName}`, 'DARKROOM_QUEUE');
  }

  async state(id: string): Promise<EditJobStatus['state'] | undefined> {
    return (await (await this.queue()).get(id))?.state;
  }

  async show(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<EditStatusWithCallback | undefined> {
    const edits = await this.queue();
    let status = await edits.get(id);
    if (status && options.waitMs > 0 && !isFinished(status)) {
      status = await edits.waitForFinish(id, {
        timeoutMs: options.waitMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    if (!status) return undefined;
    const found = status;
    return withCallbacks(this.config, (callbacks) => withCallback(found, callbacks));
  }

  async enqueue(job: unknown) {
    return (await this.queue()).enqueue(job);
  }

  async enqueueManifest(
    file: string,
    lines: ManifestLine[],
    options: { chunkSize: number; out: Output },
  ): Promise<ManifestSummary> {
    const target = editQueueTarget(await this.queue(), options.chunkSize);
    return enqueueManifest(target, file, lines, options);
  }

  async list(query: EditSearchQuery) {
    return (await this.queue()).list(query);
  }

  async cancel(id: string) {
    return (await this.queue()).cancel(id);
  }

  async retry(id: string): Promise<RetryOutcome> {
    const edits = await this.queue();
    try {
      await edits.retry(id);
      return 'retried';
    } catch (err) {
      if (err instanceof EditJobNotFoundError) return 'not_found';
      if (err instanceof EditJobStateError) return 'not_failed';
      throw err;
    }
  }

  async runRecipe(choice: RecipeChoice, run: RunRequest): Promise<EnqueueResult> {
    if ('recipe' in choice) {
      return enqueueInlineRun(
        await this.queue(),
        { ...run, recipe: choice.recipe },
        this.config.scratch,
      );
    }
    // Read before Redis is touched: a bad file is bad configuration whatever Redis does.
    const recipe = (await this.namedRecipes()).get(choice.name);
    if (!recipe) {
      const file = this.config.recipesFile;
      throw new UnknownRecipeError(
        choice.name,
        file ? `DARKROOM_RECIPES (${file})` : 'DARKROOM_RECIPES, which is not set',
      );
    }
    return enqueueNamedRun(await this.queue(), recipe, run);
  }

  /** The run, once it has ended or the wait is over (BullMQ's events of the runs queue). */
  async showRun(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<RecipeRunStatus | undefined> {
    const edits = await this.queue();
    const run = await edits.waitForRun(id, {
      timeoutMs: options.waitMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return run ?? undefined;
  }

  async retryRun(id: string): Promise<RetryOutcome> {
    const edits = await this.queue();
    try {
      await edits.retryRun(id);
      return 'retried';
    } catch (err) {
      if (err instanceof EditJobNotFoundError) return 'not_found';
      if (err instanceof EditJobStateError) return 'not_failed';
      throw err;
    }
  }

  async failed(): Promise<{ id: string; reason: string }[]> {
    const edits = await this.queue();
    const found: { id: string; reason: string }[] = [];
    for (let start = 0; ; start += PAGE) {
      const jobs = await edits.queue.getJobs(['failed'], start, start + PAGE - 1, true);
      for (const job of jobs) {
        if (job.id) found.push({ id: job.id, reason: parseFailedReason(job.failedReason).reason });
      }
      if (jobs.length < PAGE) return found;
    }
  }

  async usage(query: { since: string; tenant?: string }): Promise<UsageDocument> {
    // Waits for the first connect; in an outage it still fails after one reconnect attempt.
    const redis = createProducerConnection(this.config.redis, { enableOfflineQueue: true });
    try {
      const usage = new TenantUsage({
        redis,
        prefix: this.config.prefix,
        queueName: this.config.queueName,
      });
      const report = await usage.report({
        since: parseUsageSince(query.since),
        ...(query.tenant !== undefined ? { tenant: query.tenant } : {}),
      });
      return {
        since: report.since.toISOString(),
        until: report.until.toISOString(),
        tenants: report.tenants,
      };
    } finally {
      redis.disconnect();
    }
  }

  async deadCallbacks(query: { limit: number; cursor?: string }): Promise<DeadCallbackPage> {
    return withCallbacks(this.config, async (callbacks) => {
      const page = await callbacks.listDead(query);
      return {
        items: page.items.map((view) => ({ editId: view.editId, ...callbackStatusOf(view) })),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      };
    });
  }

  async redeliverCallback(id: string): Promise<RedeliverOutcome> {
    return withCallbacks(this.config, async (callbacks) => {
      try {
        return {
          outcome: 'redelivered',
          callback: callbackStatusOf(await callbacks.redeliver(id)),
        };
      } catch (err) {
        if (err instanceof DeliveryStateError) return { outcome: 'not_dead', message: err.message };
        if (err instanceof DeliveryNotFoundError) return { outcome: 'not_found' };
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.edits?.close().catch(() => undefined);
  }

  /** DARKROOM_RECIPES, read and checked once, on first use: only `run <name>` needs it. */
  private namedRecipes(): Promise<NamedRecipes> {
    const file = this.config.recipesFile;
    this.recipes ??= file
      ? loadNamedRecipes(file, { legacyApi: this.config.legacyApi, scratch: this.config.scratch })
      : Promise.resolve(NO_RECIPES);
    return this.recipes;
  }

  /** The queue, opened on first use; fails within a second when Redis is down. */
  private queue(): Promise<EditQueue> {
    this.opened ??= (async () => {
      const edits = queueOf(this.config);
      this.edits = edits;
      // BullMQ's own reads would wait for a Redis that is down forever.
      await edits.counts();
      return edits;
    })();
    return this.opened;
  }
}
