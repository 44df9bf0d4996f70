import createClient, { type Client } from 'openapi-fetch';
import type {
  BatchResult,
  BatchStatus,
  CancelResult,
  DeadCallbackPage,
  DeadCallbacksQuery,
  EditJob,
  EditJobStatus,
  EditPage,
  EnqueueResult,
  InlineRunRequest,
  ListEditsQuery,
  Problem,
  ProducerPaths,
  RecipeRunStatus,
  RecipeSummary,
  RedeliverResult,
  RetryResult,
  RunRequest,
  RunRetryResult,
  UsageQuery,
  UsageReport,
} from './api-types';
import { DarkroomApiError, isProblem } from './darkroom-api-error';
import { parseEventStream, type RawEvent } from './event-stream';

export interface DarkroomClientOptions {
  /** The producer's URL, e.g. `https://darkroom.internal:8080`. */
  baseUrl: string;
  /** One of the producer's `PRODUCER_TOKENS`. */
  token: string;
  /** @defaultValue globalThis.fetch */
  fetch?: (input: Request) => Promise<Response>;
  /**
   * The longest single long-poll `wait` asks for: the producer's `maxWaitSeconds`.
   * @defaultValue 60
   */
  maxWaitSeconds?: number;
}

export interface WaitOptions {
  /** How long to wait in all. @defaultValue 60_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface EventsOptions {
  signal?: AbortSignal;
  /**
   * Pause before reconnecting a stream that dropped before its end.
   * @defaultValue 1000
   */
  reconnectDelayMs?: number;
  /**
   * Connection attempts in a row that may fail (network errors) before `events` throws.
   * @defaultValue 5
   */
  maxConnectFailures?: number;
}

/** The filters of `list` and `listPage`: `state` may be a list. */
export type ListQuery = Omit<ListEditsQuery, 'state'> & { state?: string | string[] };

/** What `events(id)` yields: the job's status on every change, then how the stream ended. */
export type EditEvent =
  | { type: 'status'; id: string; status: EditJobStatus }
  | { type: 'end'; id: string; state: EditJobStatus['state'] }
  | { type: 'gone'; message: string };

/** Whether a job can change no more. */
const isFinished = (status: EditJobStatus): boolean =>
  status.state === 'completed' || status.state === 'failed';

/** Whether a run can change no more (until it is retried). */
const isRunFinished = (run: RecipeRunStatus): boolean =>
  run.state === 'completed' || run.state === 'failed';

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A raw event of the stream as an {@link EditEvent}; `error` events become a thrown error. */
function toEditEvent(raw: RawEvent, path: string): EditEvent | undefined {
  const data = JSON.parse(raw.data) as unknown;
  if (raw.event === 'status') {
    return { type: 'status', id: raw.id ?? '', status: data as EditJobStatus };
  }
  if (raw.event === 'end') {
    return { type: 'end', id: raw.id ?? '', state: (data as { state: 'completed' }).state };
  }
  if (raw.event === 'gone') return { type: 'gone', message: (data as { message: string }).message };
  if (raw.event === 'error' && isProblem(data)) throw new DarkroomApiError('GET', path, data);
  return undefined;
}

/**
 * A typed client of the Darkroom producer's HTTP API, on `openapi-fetch` over the types
 * generated from the producer's OpenAPI document. Every error answer throws a
 * {@link DarkroomApiError} carrying the problem details.
 */
export class DarkroomClient {
  /** The typed fetch client underneath, for routes this class does not wrap. */
  readonly api: Client<ProducerPaths>;
  private readonly maxWaitSeconds: number;

  constructor(options: DarkroomClientOptions) {
    this.api = createClient<ProducerPaths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.maxWaitSeconds = options.maxWaitSeconds ?? 60;
  }

  /** Enqueues one edit: its id, and `duplicate` when its idempotency key named an earlier one. */
  async enqueue(job: EditJob): Promise<EnqueueResult> {
    return this.data('POST', '/v1/edits', await this.api.POST('/v1/edits', { body: job }));
  }

  /** Enqueues every job or none; `callback` gets `batch.completed` when all have ended. */
  async enqueueBatch(jobs: EditJob[], options: { callback?: { url: string } } = {}) {
    const body = { jobs, ...(options.callback ? { callback: options.callback } : {}) };
    const result = await this.api.POST('/v1/edits:batch', { body });
    return this.data<BatchResult>('POST', '/v1/edits:batch', result);
  }

  /** The edit now. */
  async get(id: string): Promise<EditJobStatus> {
    const path = `/v1/edits/${id}`;
    return this.data(
      'GET',
      path,
      await this.api.GET('/v1/edits/{id}', { params: { path: { id } } }),
    );
  }

  /**
   * The edit once it has completed or failed, long-polling (`?wait=`) as often as the producer's
   * longest wait requires; at `timeoutMs` (or when `signal` aborts), the edit as it is then:
   * check its `state`.
   */
  wait(id: string, options: WaitOptions = {}): Promise<EditJobStatus> {
    return this.longPoll(
      `/v1/edits/${id}`,
      (wait, signal) =>
        this.api.GET('/v1/edits/{id}', {
          params: { path: { id }, ...(wait !== undefined ? { query: { wait } } : {}) },
          ...(signal ? { signal } : {}),
        }),
      isFinished,
      options,
    );
  }

  /**
   * Reads `path` with `?wait=` slices of at most `maxWaitSeconds` until `finished` says so, the
   * total wait is over or `signal` aborts; an abort cuts the long-poll short and the answer is
   * then a plain read (`wait` undefined).
   */
  private async longPoll<T>(
    path: string,
    read: (
      wait: number | undefined,
      signal: AbortSignal | undefined,
    ) => Promise<{ data?: T; error?: unknown; response: Response }>,
    finished: (value: T) => boolean,
    options: WaitOptions,
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const left = Math.max(0, deadline - Date.now()) / 1000;
      const wait = Math.min(this.maxWaitSeconds, Math.floor(left * 1000) / 1000);
      const result = await read(wait, options.signal).catch((err: unknown) => {
        if (options.signal?.aborted) return undefined;
        throw err;
      });
      const value = this.data<T>('GET', path, result ?? (await read(undefined, undefined)));
      if (finished(value) || wait === 0 || Date.now() >= deadline) return value;
      if (options.signal?.aborted) return value;
    }
  }

  /**
   * The edits matching `query`, a page at a time (each `{ items, cursor? }`), following the
   * cursors until none is left. A page may hold fewer than `limit` items and still be followed
   * by another: the producer bounds the work of one request.
   */
  async *list(query: ListQuery = {}): AsyncGenerator<EditPage> {
    let cursor: string | undefined;
    do {
      const page = await this.listPage({ ...query, ...(cursor ? { cursor } : {}) });
      yield page;
      cursor = page.cursor;
    } while (cursor);
  }

  /**
   * One page of the edits matching `query`; its `cursor`, passed back with the same filters,
   * gives the next. For callers that stop part-way and go on later (`darkroom jobs --cursor`).
   */
  async listPage(query: ListQuery & { cursor?: string } = {}): Promise<EditPage> {
    const { state, ...filters } = query;
    const params: ListEditsQuery & { cursor?: string } = {
      ...filters,
      ...(state !== undefined ? { state: Array.isArray(state) ? state.join(',') : state } : {}),
    };
    const result = await this.api.GET('/v1/edits', { params: { query: params } });
    return this.data<EditPage>('GET', '/v1/edits', result);
  }

  /** Cancels the edit: `cancelled` (never sent to Adobe) or `requested` (Adobe has it). */
  async cancel(id: string): Promise<CancelResult> {
    const result = await this.api.DELETE('/v1/edits/{id}', { params: { path: { id } } });
    return this.data('DELETE', `/v1/edits/${id}`, result);
  }

  /** Runs a failed edit again; `DarkroomApiError` `not_failed` for one that is not failed. */
  async retry(id: string): Promise<RetryResult> {
    const result = await this.api.POST('/v1/edits/{id}:retry', { params: { path: { id } } });
    return this.data('POST', `/v1/edits/${id}:retry`, result);
  }

  /** The batch now: its edits by state, `done`, how they ended, its callback. */
  async batch(id: string): Promise<BatchStatus> {
    const result = await this.api.GET('/v1/batches/{id}', { params: { path: { id } } });
    return this.data('GET', `/v1/batches/${id}`, result);
  }

  /** What each tenant used, summed by whole UTC hours from `since` (default `24h`) to now. */
  async usage(query: UsageQuery = {}): Promise<UsageReport> {
    const result = await this.api.GET('/v1/usage', { params: { query } });
    return this.data('GET', '/v1/usage', result);
  }

  /** Callbacks given up (attempts or time ran out, or the URL was refused), oldest first. */
  async deadCallbacks(query: DeadCallbacksQuery = {}): Promise<DeadCallbackPage> {
    const result = await this.api.GET('/v1/callbacks/dead', { params: { query } });
    return this.data('GET', '/v1/callbacks/dead', result);
  }

  /**
   * Sends an edit's dead callback again (attempts from 0, a fresh time window);
   * `DarkroomApiError` `callback_not_dead` for one that is not dead, `not_found` for none.
   */
  async redeliverCallback(id: string): Promise<RedeliverResult> {
    const result = await this.api.POST('/v1/edits/{id}/callback:redeliver', {
      params: { path: { id } },
    });
    return this.data('POST', `/v1/edits/${id}/callback:redeliver`, result);
  }

  /** The recipes the producer names (its DARKROOM_RECIPES), with their parameters and steps. */
  async recipes(): Promise<RecipeSummary[]> {
    const result = await this.api.GET('/v1/recipes');
    return this.data('GET', '/v1/recipes', result).items;
  }

  /**
   * Starts a run of the recipe the producer names `name`, with `body`'s parameter values: its id,
   * and `duplicate` when its idempotency key named an earlier run. `DarkroomApiError`
   * `not_found` for a name the producer does not have, `invalid_request` naming each bad field.
   */
  async runRecipe(name: string, body: RunRequest = {}): Promise<EnqueueResult> {
    const path = `/v1/recipes/${name}/runs`;
    const result = await this.api.POST('/v1/recipes/{name}/runs', {
      params: { path: { name } },
      body,
    });
    return this.data('POST', path, result);
  }

  /** Starts a run of the recipe `body` carries (`recipe`), as {@link runRecipe} does a named one. */
  async runInline(body: InlineRunRequest): Promise<EnqueueResult> {
    return this.data('POST', '/v1/runs', await this.api.POST('/v1/runs', { body }));
  }

  /** The run now: its state, each step with its edit, its outputs or failure. */
  async getRun(id: string): Promise<RecipeRunStatus> {
    const result = await this.api.GET('/v1/runs/{id}', { params: { path: { id } } });
    return this.data('GET', `/v1/runs/${id}`, result);
  }

  /**
   * Runs a failed run again from where it stopped (completed steps are kept);
   * `DarkroomApiError` `not_failed` for one that is not failed.
   */
  async retryRun(id: string): Promise<RunRetryResult> {
    const result = await this.api.POST('/v1/runs/{id}:retry', { params: { path: { id } } });
    return this.data('POST', `/v1/runs/${id}:retry`, result);
  }

  /**
   * The run once it has completed or failed, long-polling (`?wait=`) as `wait` does for an
   * edit; at `timeoutMs` (or when `signal` aborts), the run as it is then: check its `state`.
   */
  waitForRun(id: string, options: WaitOptions = {}): Promise<RecipeRunStatus> {
    return this.longPoll(
      `/v1/runs/${id}`,
      (wait, signal) =>
        this.api.GET('/v1/runs/{id}', {
          params: { path: { id }, ...(wait !== undefined ? { query: { wait } } : {}) },
          ...(signal ? { signal } : {}),
        }),
      isRunFinished,
      options,
    );
  }

  /**
   * The edit's events as they happen: `status` now and on every change, then `end` (or `gone`).
   * A connection that drops before the end is opened again with `Last-Event-ID`, so the stream
   * resumes after the last event received, without repeating it. Stops when `signal` aborts.
   */
  async *events(id: string, options: EventsOptions = {}): AsyncGenerator<EditEvent> {
    const path = `/v1/edits/${id}/events`;
    let lastEventId: string | undefined;
    let failures = 0;
    while (!options.signal?.aborted) {
      const opened = await this.openEvents(id, lastEventId, options.signal).catch(
        (err: unknown) => {
          failures += 1;
          if (options.signal?.aborted || failures >= (options.maxConnectFailures ?? 5)) throw err;
          return undefined;
        },
      );
      if (opened === null) return;
      if (opened) {
        failures = 0;
        try {
          for await (const raw of parseEventStream(opened)) {
            if (raw.id !== undefined) lastEventId = raw.id;
            const event = toEditEvent(raw, path);
            if (!event) continue;
            yield event;
            if (event.type !== 'status') return;
          }
        } catch (err) {
          // A dropped connection is reconnected below; an error event or an abort ends here.
          if (err instanceof DarkroomApiError || options.signal?.aborted) throw err;
        }
      }
      await pause(options.reconnectDelayMs ?? 1000, options.signal);
    }
  }

  /** The body of an open event stream; `null` when there is nothing more (204). */
  private async openEvents(
    id: string,
    lastEventId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ReadableStream<Uint8Array> | null> {
    const result = await this.api.GET('/v1/edits/{id}/events', {
      params: {
        path: { id },
        ...(lastEventId ? { header: { 'Last-Event-ID': lastEventId } } : {}),
      },
      parseAs: 'stream',
      ...(signal ? { signal } : {}),
    });
    if (result.response.status === 204) return null;
    const body = this.data('GET', `/v1/edits/${id}/events`, result);
    if (!body) throw new Error(`GET /v1/edits/${id}/events answered without a body`);
    return body;
  }

  /** The data of a success; a {@link DarkroomApiError} for an error answer. */
  private data<T>(
    method: string,
    path: string,
    result: { data?: T; error?: unknown; response: Response },
  ): T {
    if (result.error === undefined && result.response.ok) return result.data as T;
    const { response } = result;
    const problem: Problem = isProblem(result.error)
      ? result.error
      : {
          type: 'about:blank',
          title: response.statusText,
          status: response.status,
          detail: typeof result.error === 'string' ? result.error : response.statusText,
          instance: path,
          code: 'internal',
        };
    throw new DarkroomApiError(method, path, problem, response.headers.get('retry-after'));
  }
}
