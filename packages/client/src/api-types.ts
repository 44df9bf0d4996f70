import type { components, paths } from './generated/producer-api';

type Schemas = components['schemas'];

/** The producer's API, path by path (generated from its OpenAPI document). */
export type ProducerPaths = paths;

/** An edit job: `operation` picks the shape of `options` and of each output's options. */
export type EditJob = Schemas['EditJob'];
/** The answer of an enqueue: the job's id, and whether it was an idempotent replay. */
export type EnqueueResult = Schemas['EnqueueResult'];
/** A job as `GET /v1/edits/{id}` shows it. */
export type EditJobStatus = Schemas['EditJobStatus'];
/** A batch as `GET /v1/batches/{id}` shows it. */
export type BatchStatus = Schemas['BatchStatus'];
/** RFC 9457 problem details: every error answer of the producer. */
export type Problem = Schemas['Problem'];
/** The state of a job. */
export type EditJobState = EditJobStatus['state'];
/** An operation of the catalog. */
export type OperationId = EditJob['operation'];

/** The filters of `GET /v1/edits` (`state` as a list or a comma-separated string). */
export type ListEditsQuery = Omit<
  NonNullable<paths['/v1/edits']['get']['parameters']['query']>,
  'cursor'
>;
/** One page of `GET /v1/edits`. */
export type EditPage = paths['/v1/edits']['get']['responses']['200']['content']['application/json'];
/** The answer of `POST /v1/edits:batch`. */
export type BatchResult =
  paths['/v1/edits:batch']['post']['responses']['201']['content']['application/json'];
/** The answer of `DELETE /v1/edits/{id}`. */
export type CancelResult =
  paths['/v1/edits/{id}']['delete']['responses']['202']['content']['application/json'];
/** The answer of `POST /v1/edits/{id}:retry`. */
export type RetryResult =
  paths['/v1/edits/{id}:retry']['post']['responses']['202']['content']['application/json'];
/** Where an edit's callback stands: `awaiting_edit`, then the delivery's own state. */
export type CallbackStatus = Schemas['CallbackStatus'];
/** The filters of `GET /v1/usage`. */
export type UsageQuery = NonNullable<paths['/v1/usage']['get']['parameters']['query']>;
/** The answer of `GET /v1/usage`: what each tenant used from `since` to `until`. */
export type UsageReport =
  paths['/v1/usage']['get']['responses']['200']['content']['application/json'];
/** The paging of `GET /v1/callbacks/dead`. */
export type DeadCallbacksQuery = NonNullable<
  paths['/v1/callbacks/dead']['get']['parameters']['query']
>;
/** One page of `GET /v1/callbacks/dead`. */
export type DeadCallbackPage =
  paths['/v1/callbacks/dead']['get']['responses']['200']['content']['application/json'];
/** The answer of `POST /v1/edits/{id}/callback:redeliver`. */
export type RedeliverResult =
  paths['/v1/edits/{id}/callback:redeliver']['post']['responses']['202']['content']['application/json'];
/** A recipe: named steps, each an edit, whose files may be earlier steps' outputs. */
export type Recipe = Schemas['Recipe'];
/** A named recipe as `GET /v1/recipes` lists it: its parameters and its steps' names. */
export type RecipeSummary = Schemas['RecipeSummary'];
/** A run of a named recipe: parameter values, and who pays, priority, deadline, idempotency key. */
export type RunRequest = Schemas['RunRequest'];
/** A run of the recipe it carries, beside the fields of a {@link RunRequest}. */
export type InlineRunRequest = Schemas['InlineRunRequest'];
/** A recipe run as `GET /v1/runs/{id}` shows it: each step with its edit, outputs or failure. */
export type RecipeRunStatus = Schemas['RecipeRunStatus'];
/** The answer of `POST /v1/runs/{id}:retry`. */
export type RunRetryResult = Schemas['RunRetryResult'];
