import express, { type Express, type RequestHandler } from 'express';
import { ADOBE_EVENTS_PATH } from './adobe-events-route';
import type { EditQueue } from '@darkroom/jobs';
import { createLogger, HttpMetrics, type Logger, type Registry } from '@darkroom/observability';
import { ApiError } from './api-error';
import { bearerAuth } from './bearer-auth';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import { batchRoutes } from './batch-routes';
import { callbackRoutes } from './callback-routes';
import { editRoutes } from './edit-routes';
import { errorHandler, sendProblem } from './error-handler';
import { httpMetricsMiddleware } from './http-metrics-middleware';
import { openApiDocument } from './openapi-document';
import { NO_RECIPES, type NamedRecipes } from '../recipes/named-recipes';
import { recipeRoutes } from './recipe-routes';
import { usageRoutes } from './usage-route';
import { requestContext } from './request-context';

export interface ServerDeps {
  /** Where jobs go; the caller owns it and closes it. */
  edits: EditQueue;
  /** Bearer tokens accepted on every route but /healthz and /readyz. None configured: all refused. */
  tokens: readonly string[];
  /** One JSON line per request. @defaultValue a pino logger on standard output, level info */
  logger?: Logger;
  /** Most jobs in one `POST /v1/edits:batch`. @defaultValue 1000 */
  maxBatch?: number;
  /** Largest accepted body, in body-parser's notation. @defaultValue '1mb' */
  bodyLimit?: string;
  /** Longest `GET /v1/edits/:id?wait=` and `GET /v1/runs/:id?wait=`, in seconds. @defaultValue 60 */
  maxWaitSeconds?: number;
  /**
   * How often `GET /v1/edits/:id/events` re-reads a job that has not finished, to report step
   * changes; a finish is reported at once whatever this is.
   * @defaultValue 1000
   */
  eventsIntervalMs?: number;
  /** How long /readyz waits for Redis. @defaultValue 1000 */
  readyTimeoutMs?: number;
  /**
   * Where the HTTP request metrics (`darkroom_http_requests_total`,
   * `darkroom_http_request_duration_seconds`) are registered. The app does not serve it:
   * `startProducer` serves `/metrics` on a port of its own (`PRODUCER_METRICS_PORT`).
   * @defaultValue no request metrics
   */
  register?: Registry;
  /**
   * The Adobe I/O Events webhook, mounted at `POST /v1/adobe-events` before bearer auth (Adobe
   * signs its deliveries instead) and before the JSON parser (the signature covers raw bytes).
   * @defaultValue no webhook
   */
  adobeEvents?: RequestHandler;
  /**
   * Callback delivery state (a dispatcher without a worker: no secrets): shown with each edit
   * and batch, and `GET /v1/callbacks/dead`, `POST /v1/edits/{id}/callback:redeliver`; it also
   * queues the `batch.completed` callback of a batch that created no edit.
   * @defaultValue no callback state or routes
   */
  callbacks?: CallbackDispatcher;
  /**
   * The deployment's named recipes (DARKROOM_RECIPES, read by `loadNamedRecipes`): listed at
   * `GET /v1/recipes` and run with `POST /v1/recipes/{name}/runs`.
   * @defaultValue none; recipes given whole still run at `POST /v1/runs`
   */
  recipes?: NamedRecipes;
  /**
   * DARKROOM_SCRATCH, the prefix `edits` was given (its `scratch` option): a recipe given whole
   * is checked against the store its intermediate files go to.
   * @defaultValue none: `edits` then refuses runs (`scratch_not_configured`)
   */
  scratch?: string;
}

/**
 * The producer's HTTP API as an express app (it does not listen; `main.ts` does). Routes:
 * `POST /v1/edits`, `POST /v1/edits:batch`, `GET /v1/edits[?state=&tenant=…]`,
 * `GET /v1/edits/:id[?wait=]`, `GET /v1/edits/:id/events`, `DELETE /v1/edits/:id`,
 * `POST /v1/edits/:id:retry`, `GET /v1/batches/:id`, `GET /v1/callbacks/dead`,
 * `POST /v1/edits/:id/callback:redeliver`, `GET /v1/usage`, `GET /v1/recipes`,
 * `POST /v1/recipes/:name/runs`, `POST /v1/runs`, `GET /v1/runs/:id[?wait=]`, `POST /v1/runs/:id:retry`,
 * `GET /healthz`, `GET /readyz`, `GET /openapi.json`. Every error is answered as RFC 9457 problem details.
 */
export function createServer(deps: ServerDeps): Express {
  const maxBatch = deps.maxBatch ?? 1000;
  const maxWaitSeconds = deps.maxWaitSeconds ?? 60;
  const readyTimeoutMs = deps.readyTimeoutMs ?? 1000;
  const logger = deps.logger ?? createLogger({ name: 'darkroom-producer' });
  const openapi = openApiDocument({ maxBatch, maxWaitSeconds });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));

  if (deps.register) app.use(httpMetricsMiddleware(new HttpMetrics({ register: deps.register })));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.edits.counts(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), readyTimeoutMs);
        }),
      ]);
      res.json({ status: 'ready' });
    } catch {
      sendProblem(req, res, new ApiError(503, 'redis_unavailable', 'Redis is unreachable'));
    } finally {
      clearTimeout(timer);
    }
  });
  // The description acts on nothing, so it needs no token: generators and clients read it first.
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  if (deps.adobeEvents) app.all(ADOBE_EVENTS_PATH, deps.adobeEvents);
  app.use(bearerAuth(deps.tokens));
  app.use(
    express.json({
      limit: deps.bodyLimit ?? '1mb',
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.use(
    editRoutes({
      edits: deps.edits,
      maxBatch,
      maxWaitSeconds,
      eventsIntervalMs: deps.eventsIntervalMs ?? 1000,
      ...(deps.callbacks ? { callbacks: deps.callbacks } : {}),
    }),
  );
  app.use(batchRoutes(deps.edits, deps.callbacks));
  if (deps.callbacks) app.use(callbackRoutes(deps.callbacks));
  app.use(usageRoutes(deps.edits));
  app.use(
    recipeRoutes({
      edits: deps.edits,
      recipes: deps.recipes ?? NO_RECIPES,
      scratch: deps.scratch,
      maxWaitSeconds,
    }),
  );
  app.use((req, _res, next) => {
    next(new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}
