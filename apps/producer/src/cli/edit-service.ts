import type {
  CancelOutcome,
  EditJobStatus,
  EditSearchQuery,
  EnqueueResult,
  RecipeRunStatus,
  TenantUsageTotals,
} from '@darkroom/jobs';
import type { CallbackStatus, EditStatusWithCallback } from '../callbacks/callback-status';
import type { CliConfig } from './cli-config';
import type { ManifestLine } from './manifest-reader';
import type { ManifestSummary } from './enqueue-manifest';
import type { Output } from './output';
import { ProducerEditService } from './producer-edit-service';
import { RedisEditService } from './redis-edit-service';
import type { JobNotFoundError } from './usage-error';

/** What `darkroom usage` prints: the document `GET /v1/usage` answers. */
export interface UsageDocument {
  since: string;
  until: string;
  tenants: TenantUsageTotals[];
}

/** One page of dead callbacks, each as `GET /v1/callbacks/dead` shows it. */
export interface DeadCallbackPage {
  items: (CallbackStatus & { editId: string })[];
  cursor?: string;
}

/**
 * The recipe a run is of: one the deployment names (`DARKROOM_RECIPES`; over HTTP, the
 * producer's), or one given whole (a recipe JSON file).
 */
export type RecipeChoice = { name: string } | { recipe: unknown };

/**
 * What a run takes besides its recipe, as `POST /v1/recipes/{name}/runs` does: parameter values
 * and, as for an edit, who pays, priority, deadline and idempotency key.
 */
export interface RunRequest {
  params: Record<string, string | number | boolean>;
  account?: string;
  tenant?: string;
  priority?: number;
  deadline?: string;
  idempotencyKey?: string;
  callback?: { url: string };
}

/** What retrying one edit (or run) did. */
export type RetryOutcome = 'retried' | 'not_failed' | 'not_found';

/** What redelivering an edit's callback did; `not_dead` carries why. */
export type RedeliverOutcome =
  | { outcome: 'redelivered'; callback: CallbackStatus }
  | { outcome: 'not_dead'; message: string }
  | { outcome: 'not_found' };

/**
 * What the edit commands ask of Darkroom, answered from Redis (`EditQueue`) or over HTTP by a
 * producer (`@darkroom/client`). Both answer in the same shapes, so a command prints the same
 * text and JSON, and exits with the same code, whichever it talks to.
 */
export interface EditService {
  /** What became unreachable when a call fails that way: `Redis` or `the producer`. */
  readonly name: string;
  /** Where the edits are, for a person: `queue edits` or `producer https://darkroom.internal`. */
  readonly source: string;
  /** The error for an edit that does not exist, naming where it was looked for. */
  notFound(id: string): JobNotFoundError;
  /** The edit's state now; undefined when there is no such edit. */
  state(id: string): Promise<EditJobStatus['state'] | undefined>;
  /**
   * The edit with its callback's delivery, once it has finished or `waitMs` has passed (or
   * `signal` aborted), whichever comes first; undefined when there is none.
   */
  show(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<EditStatusWithCallback | undefined>;
  enqueue(job: unknown): Promise<EnqueueResult>;
  /** Every line of a manifest: each bad line reported, the good ones enqueued in chunks. */
  enqueueManifest(
    file: string,
    lines: ManifestLine[],
    options: { chunkSize: number; out: Output },
  ): Promise<ManifestSummary>;
  /** One page of the search `GET /v1/edits` runs. */
  list(query: EditSearchQuery): Promise<{ items: EditJobStatus[]; cursor?: string }>;
  cancel(id: string): Promise<CancelOutcome>;
  retry(id: string): Promise<RetryOutcome>;
  /**
   * Stores one run of a recipe; refusals are thrown as `EditQueue.enqueueRecipe` throws them
   * (`RecipeValidationError` naming each issue by its place, `IdempotencyConflictError`), and a
   * name the deployment does not have as `UnknownRecipeError`.
   */
  runRecipe(recipe: RecipeChoice, run: RunRequest): Promise<EnqueueResult>;
  /**
   * The run, once it has completed or failed or `waitMs` has passed (or `signal` aborted),
   * whichever comes first; undefined when there is none.
   */
  showRun(
    id: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<RecipeRunStatus | undefined>;
  /** Runs a failed run again from where it stopped. */
  retryRun(id: string): Promise<RetryOutcome>;
  /** Every failed edit (cancelled ones too) with its failure reason. */
  failed(): Promise<{ id: string; reason: string }[]>;
  /** `since` as `--since` gives it (`24h`, an ISO time), already checked. */
  usage(query: { since: string; tenant?: string }): Promise<UsageDocument>;
  deadCallbacks(query: { limit: number; cursor?: string }): Promise<DeadCallbackPage>;
  redeliverCallback(id: string): Promise<RedeliverOutcome>;
  /** Closes what the service opened; the commands call it through {@link withEditService}. */
  close(): Promise<void>;
}

/**
 * Runs `fn` with the service the configuration names: the producer of DARKROOM_PRODUCER_URL
 * over HTTP when it is set, else Redis; closes what it opened afterwards.
 */
export async function withEditService<T>(
  config: CliConfig,
  fn: (service: EditService) => Promise<T>,
): Promise<T> {
  const service = config.producer
    ? new ProducerEditService(config.producer)
    : new RedisEditService(config);
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}
