import {
  DarkroomApiError,
  DarkroomClient,
  type EditJob,
  type OperationId,
  type Recipe,
} from '@darkroom/client';
import { ConfigError } from '@darkroom/config';
import {
  EditJobValidationError,
  EditSearchError,
  MAX_SEARCH_LIMIT,
  RecipeValidationError,
  type CancelOutcome,
  type EditJobStatus,
  type EditSearchQuery,
  type EnqueueResult,
  type JobIssue,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import type { EditStatusWithCallback } from '../callbacks/callback-status';
import type { ProducerTarget } from './cli-config';
import type {
  DeadCallbackPage,
  EditService,
  RecipeChoice,
  RedeliverOutcome,
  RetryOutcome,
  RunRequest,
  UsageDocument,
} from './edit-service';
import { enqueueManifest, type ManifestSummary, type ManifestTarget } from './enqueue-manifest';
import { ProducerUnavailableError } from './unreachable';
import type { ManifestLine } from './manifest-reader';
import type { Output } from './output';
import { JobNotFoundError, UnknownRecipeError, UsageError } from './usage-error';

/*
 * The producer answers with the objects `EditQueue` and the callback state give (it serves them
 * as they are); the client's types are the looser JSON Schema view of the same JSON, so the
 * answers are taken as the CLI's own types here, in one place.
 */
const asShown = (status: unknown): EditStatusWithCallback => status as EditStatusWithCallback;
const asListed = (status: unknown): EditJobStatus => status as EditJobStatus;
const asRun = (status: unknown): RecipeRunStatus => status as RecipeRunStatus;

/** An error answer with this code (`not_found`, `already_finished`, …). */
const answered = (err: unknown, code: string): err is DarkroomApiError =>
  err instanceof DarkroomApiError && err.code === code;

/**
 * The name of an error, by name rather than class: fetch's and `Response.json`'s errors may come
 * from another realm than this module's (a test runner's sandbox), where `instanceof` is false.
 */
const errorName = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? (err as { name?: string }).name : undefined;

/** fetch's own failure: refused, reset, timed out, or a name that does not resolve. */
const isFetchFailure = (err: unknown): boolean =>
  errorName(err) === 'TypeError' && (err as { cause?: unknown }).cause !== undefined;

/** `jobs[3].outputs.0.ref` → 3 and `outputs.0.ref`; undefined for a path outside the jobs. */
function jobIssuePath(path: string): { index: number; path: string } | undefined {
  const match = /^jobs\[(\d+)\](?:\.(.*))?$/.exec(path);
  return match ? { index: Number(match[1]), path: match[2] ?? '' } : undefined;
}

/**
 * The lines of a batch the producer refused, by their index in it, with each line's issues as
 * its own job would have them; undefined when the refusal is not about single jobs (the batch
 * as a whole, an idempotency key another request is storing right now).
 */
function refusedJobs(err: unknown): Map<number, JobIssue[]> | undefined {
  if (!(answered(err, 'invalid_request') || answered(err, 'idempotency_conflict'))) return;
  const refused = new Map<number, JobIssue[]>();
  for (const issue of err.issues) {
    const at = jobIssuePath(issue.path);
    if (!at || issue.rule === 'idempotency_in_flight') return undefined;
    refused.set(at.index, [...(refused.get(at.index) ?? []), { ...issue, path: at.path }]);
  }
  return refused.size > 0 ? refused : undefined;
}

/**
 * The edits of a producer, over HTTP through `@darkroom/client`: nothing here touches Redis.
 * Error answers become what the Redis side throws or returns for the same case, so commands
 * print and exit alike; an unreachable producer is exit 3 and a refused token exit 2.
 */
export class ProducerEditService implements EditService {
  readonly name = 'the producer';
  private readonly client: DarkroomClient;

  readonly source: string;

  constructor(private readonly producer: ProducerTarget) {
    this.source = `producer ${producer.url}`;
    this.client = new DarkroomClient({ baseUrl: producer.url, token: producer.token });
  }

  notFound(id: string): JobNotFoundError {
    return new JobNotFoundError(id, `at ${this.producer.url}`, 'DARKROOM_PRODUCER_URL');
  }

  async state(id: string): Promise<EditJobStatus['state'] | undefined> {
    const status = await this.optional(() => this.client.get(id));
    return status?.state;
  }

  async show(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<EditStatusWithCallback | undefined> {
    const status = await this.optional(() =>
      options.waitMs > 0
        ? this.client.wait(id, {
            timeoutMs: options.waitMs,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : this.client.get(id),
    );
    return status && asShown(status);
  }

  async enqueue(job: unknown): Promise<EnqueueResult> {
    try {
      return await this.call(() => this.client.enqueue(job as EditJob));
    } catch (err) {
      // The issues of POST /v1/edits are those of the job itself, as intake names them.
      if (answered(err, 'invalid_request')) throw new EditJobValidationError(err.issues);
      throw err;
    }
  }

  async enqueueManifest(
    file: string,
    lines: ManifestLine[],
    options: { chunkSize: number; out: Output },
  ): Promise<ManifestSummary> {
    return enqueueManifest(this.batchTarget(options.chunkSize), file, lines, options);
  }

  async list(query: EditSearchQuery): Promise<{ items: EditJobStatus[]; cursor?: string }> {
    // The search's parameters as GET /v1/edits spells them; `since` as the time it stands for.
    const params = {
      ...(query.states ? { state: [...query.states] } : {}),
      ...(query.tenant !== undefined ? { tenant: query.tenant } : {}),
      ...(query.operation !== undefined ? { operation: query.operation as OperationId } : {}),
      ...(query.account !== undefined ? { account: query.account } : {}),
      ...(query.adobeJobId !== undefined ? { adobeJobId: query.adobeJobId } : {}),
      ...(query.since !== undefined ? { since: new Date(query.since).toISOString() } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    };
    try {
      const page = await this.call(() => this.client.listPage(params));
      return {
        items: page.items.map(asListed),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      };
    } catch (err) {
      // A parameter the producer refused (a cursor from another search): the search's own error.
      const [issue] = answered(err, 'invalid_request') ? err.issues : [];
      if (issue) throw new EditSearchError(issue.path, issue.rule, issue.message);
      throw err;
    }
  }

  async cancel(id: string): Promise<CancelOutcome> {
    try {
      const { outcome } = await this.call(() => this.client.cancel(id));
      if (outcome) return outcome;
      throw new Error(`${this.producer.url} answered a cancel without its outcome`);
    } catch (err) {
      if (answered(err, 'not_found')) return 'not_found';
      if (answered(err, 'already_finished')) return 'already_finished';
      throw err;
    }
  }

  async retry(id: string): Promise<RetryOutcome> {
    try {
      await this.call(() => this.client.retry(id));
      return 'retried';
    } catch (err) {
      if (answered(err, 'not_found')) return 'not_found';
      if (answered(err, 'not_failed')) return 'not_failed';
      throw err;
    }
  }

  async runRecipe(choice: RecipeChoice, run: RunRequest): Promise<EnqueueResult> {
    try {
      return await this.call(() =>
        'name' in choice
          ? this.client.runRecipe(choice.name, run)
          : // The producer checks the recipe: the client's type is the schema it checks with.
            this.client.runInline({ ...run, recipe: choice.recipe as Recipe }),
      );
    } catch (err) {
      // The issues are the run's own, at the paths the Redis side names them by.
      if (answered(err, 'invalid_request')) throw new RecipeValidationError(err.issues);
      if ('name' in choice && answered(err, 'not_found')) {
        throw new UnknownRecipeError(
          choice.name,
          `the recipes of the producer at ${this.producer.url}`,
        );
      }
      throw err;
    }
  }

  async showRun(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<RecipeRunStatus | undefined> {
    const run = await this.optional(() =>
      options.waitMs > 0
        ? this.client.waitForRun(id, {
            timeoutMs: options.waitMs,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : this.client.getRun(id),
    );
    return run && asRun(run);
  }

  async retryRun(id: string): Promise<RetryOutcome> {
    try {
      await this.call(() => this.client.retryRun(id));
      return 'retried';
    } catch (err) {
      if (answered(err, 'not_found')) return 'not_found';
      if (answered(err, 'not_failed')) return 'not_failed';
      throw err;
    }
  }

  async failed(): Promise<{ id: string; reason: string }[]> {
    const found: { id: string; reason: string }[] = [];
    let cursor: string | undefined;
    do {
      const query = { state: 'failed', limit: MAX_SEARCH_LIMIT, ...(cursor ? { cursor } : {}) };
      const page = await this.call(() => this.client.listPage(query));
      for (const item of page.items) {
        found.push({ id: item.id, reason: item.failure?.reason ?? 'unknown' });
      }
      cursor = page.cursor;
    } while (cursor);
    return found;
  }

  async usage(query: { since: string; tenant?: string }): Promise<UsageDocument> {
    return (await this.call(() => this.client.usage(query))) as UsageDocument;
  }

  async deadCallbacks(query: { limit: number; cursor?: string }): Promise<DeadCallbackPage> {
    return (await this.call(() => this.client.deadCallbacks(query))) as DeadCallbackPage;
  }

  async redeliverCallback(id: string): Promise<RedeliverOutcome> {
    try {
      const { callback } = await this.call(() => this.client.redeliverCallback(id));
      if (!callback)
        throw new Error(`${this.producer.url} answered a redelivery without its state`);
      return { outcome: 'redelivered', callback };
    } catch (err) {
      if (answered(err, 'callback_not_dead')) {
        return { outcome: 'not_dead', message: err.problem.detail };
      }
      if (answered(err, 'not_found')) return { outcome: 'not_found' };
      throw err;
    }
  }

  /** Nothing to close: every request is done when its call returns. */
  async close(): Promise<void> {}

  /**
   * A manifest's target: each chunk is one `POST /v1/edits:batch`, and the producer's intake
   * (its DARKROOM_LEGACY_API too) is the only check. A batch is all or none: the lines it
   * refused, by their index, are rejected and the rest sent again.
   */
  private batchTarget(chunkSize: number): ManifestTarget<unknown> {
    return {
      prepare: (input) => Promise.resolve(input),
      add: async (chunk, reject) => {
        for (let accepted = chunk; accepted.length > 0;) {
          try {
            const jobs = accepted.map((entry) => entry.input as EditJob);
            return (await this.call(() => this.client.enqueueBatch(jobs))).results;
          } catch (err) {
            const refused = refusedJobs(err);
            if (!refused) throw this.batchRefused(err, chunkSize);
            for (const [index, issues] of refused) {
              const entry = accepted[index];
              if (entry) reject(entry.line, issues);
            }
            accepted = accepted.filter((_, index) => !refused.has(index));
          }
        }
        return [];
      },
    };
  }

  /** A chunk the producer takes in no form: too many jobs, or too many bytes, for one request. */
  private batchRefused(err: unknown, chunkSize: number): unknown {
    const tooBig =
      answered(err, 'payload_too_large') ||
      (answered(err, 'invalid_request') && err.issues.some((issue) => issue.path === 'jobs'));
    if (!tooBig) return err;
    return new UsageError(
      `${this.producer.url} takes fewer than ${chunkSize} of these jobs in one request ` +
        '(PRODUCER_MAX_BATCH, PRODUCER_BODY_LIMIT): use a smaller --chunk-size',
    );
  }

  /** The answer of `request`, or undefined when the producer has no such edit. */
  private async optional<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(request);
    } catch (err) {
      if (answered(err, 'not_found')) return undefined;
      throw err;
    }
  }

  /**
   * Runs one request. What means the producer cannot be used at all becomes the CLI's own error:
   * no connection or a producer without its Redis (exit 3), a refused token (exit 2, naming
   * DARKROOM_PRODUCER_TOKEN). Messages name the URL, never the token.
   */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    const url = this.producer.url;
    try {
      return await request();
    } catch (err) {
      if (err instanceof DarkroomApiError && err.status === 401) {
        throw new ConfigError([
          {
            variable: 'DARKROOM_PRODUCER_TOKEN',
            rule: `the producer at ${url} refused it (401 unauthorized); use one of its PRODUCER_TOKENS`,
          },
        ]);
      }
      if (answered(err, 'redis_unavailable')) {
        throw new ProducerUnavailableError(
          `the producer at ${url} cannot reach its Redis (503 redis_unavailable): retry later`,
          { cause: err },
        );
      }
      if (isFetchFailure(err)) {
        throw new ProducerUnavailableError(
          `the producer is unreachable at ${url}: start it or set DARKROOM_PRODUCER_URL`,
          { cause: err },
        );
      }
      if (errorName(err) === 'SyntaxError') {
        throw new Error(`${url} answered with something other than Darkroom's API`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}
