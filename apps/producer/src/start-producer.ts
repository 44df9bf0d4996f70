import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CallbackDispatcher } from '@darkroom/callbacks';
import type { EnvSource } from '@darkroom/config';
import { closeAll, closeOnce, closeServer } from '@darkroom/core';
import {
  createProducerConnection,
  EditQueue,
  RemoteEventIntake,
  RemoteEventStore,
  type RedisTarget,
} from '@darkroom/jobs';
import { legacyApiWarning } from '@darkroom/photoshop';
import {
  collectProcessMetrics,
  createLogger,
  PipelineMetrics,
  Registry,
  type Logger,
} from '@darkroom/observability';
import { parseProducerConfig, type ProducerConfig } from './config/producer-config';
import { loadNamedRecipes, NO_RECIPES, type NamedRecipes } from './recipes/named-recipes';
import { adobeEventsRoute } from './server/adobe-events-route';
import { createServer } from './server/create-server';
import { startMetricsServer } from './server/metrics-server';

/**
 * The running HTTP intake: its logger, the ports it got (the API's and `/metrics`'), and
 * `close()` for the servers and the queue.
 */
export interface RunningProducer {
  logger: Logger;
  port: number;
  /** Where `GET /metrics` answers (`PRODUCER_METRICS_PORT`). */
  metricsPort: number;
  /**
   * Stops the server and closes the queue together, then drops the connections still open;
   * every step runs even when one fails, and every failure is reported. A second call returns
   * the same promise.
   */
  close(): Promise<void>;
}

/**
 * Starts the producer's HTTP intake from an environment-like object (`main.ts` passes
 * `process.env`): the queue, the metrics and the server, listening once this resolves.
 * @throws {ConfigError} when the configuration is invalid
 */
export async function startProducer(env: EnvSource): Promise<RunningProducer> {
  const config = parseProducerConfig(env);
  // Before anything connects: a bad recipe file stops the start with nothing to close.
  const recipes = await namedRecipesOf(config);
  const logger = createLogger({ name: 'darkroom-producer', level: config.logLevel });
  const register = new Registry();
  collectProcessMetrics(register);
  const pipeline = new PipelineMetrics({ register });
  const edits = new EditQueue({
    metrics: pipeline,
    connection: config.redis,
    prefix: config.prefix,
    queueName: config.queueName,
    legacyApi: config.legacyApi,
    callbackAllow: config.callbacks.allow,
    fair: true,
    tenants: config.tenants,
    ...(config.scratch ? { scratch: config.scratch } : {}),
  });
  const callbacks = callbackState(config);
  if (config.legacyApi === 'allow') logger.warn(legacyApiWarning());
  const events = config.adobeEvents ? eventIntake(edits, config) : undefined;
  const app = createServer({
    edits,
    tokens: config.tokens,
    logger,
    maxBatch: config.maxBatch,
    bodyLimit: config.bodyLimit,
    register,
    callbacks: callbacks.dispatcher,
    recipes,
    ...(config.scratch ? { scratch: config.scratch } : {}),
    ...(events && config.adobeEvents
      ? {
          adobeEvents: adobeEventsRoute({
            intake: events.intake,
            ...config.adobeEvents,
            metrics: pipeline,
            logger,
          }),
        }
      : {}),
  });
  const metrics = await startMetricsServer(register, config.host, config.metricsPort);
  const server = app.listen(config.port, config.host);
  // A port already in use rejects here, so it is reported as a failed start.
  await once(server, 'listening').catch(async (err: unknown) => {
    await closeServer(metrics.server);
    throw err;
  });
  logger.info(
    {
      host: config.host,
      port: config.port,
      metricsPort: metrics.port,
      queue: config.queueName,
      recipes: [...recipes.keys()],
    },
    'listening',
  );

  const close = closeOnce(() => {
    const closed = closeServer(server);
    // Long-polls and event streams would hold close() open; they are told to end by the queue.
    server.closeIdleConnections();
    return closeAll([
      () => events?.close(),
      () => closeAll([() => edits.close(), () => closed], { concurrent: true }),
      () => callbacks.close(),
      () => server.closeAllConnections(),
      () => {
        metrics.server.closeAllConnections();
        return closeServer(metrics.server);
      },
    ]);
  });
  return {
    logger,
    port: (server.address() as AddressInfo).port,
    metricsPort: metrics.port,
    close,
  };
}

/** DARKROOM_RECIPES' recipes, each checked as a run would be; none when it is unset. */
function namedRecipesOf(config: ProducerConfig): Promise<NamedRecipes> {
  if (!config.recipesFile) return Promise.resolve(NO_RECIPES);
  return loadNamedRecipes(config.recipesFile, {
    legacyApi: config.legacyApi,
    scratch: config.scratch,
  });
}

/**
 * Where Adobe's job events go: the edits' own queue, through the event store beside it, on a
 * connection of its own that fails fast while Redis is down (Adobe then delivers again).
 */
function eventIntake(
  edits: EditQueue,
  config: { redis: RedisTarget; prefix: string; queueName: string },
): { intake: RemoteEventIntake; close(): Promise<void> } {
  const redis = createProducerConnection(config.redis);
  const store = new RemoteEventStore({ redis, prefix: config.prefix, queueName: config.queueName });
  const intake = new RemoteEventIntake(edits.queue, store);
  return {
    intake,
    close: async () => {
      intake.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Callback delivery state for the API: a dispatcher without a worker (it never sends, so it
 * needs no secrets) on a connection of its own that fails fast while Redis is down.
 */
function callbackState(config: {
  redis: RedisTarget;
  prefix: string;
  callbacks: { queueName: string };
}): { dispatcher: CallbackDispatcher; close(): Promise<void> } {
  // Commands wait for the first connect (the CLI and a fresh producer start unconnected); in an
  // outage they still fail after one reconnect attempt.
  const redis = createProducerConnection(config.redis, { enableOfflineQueue: true });
  const dispatcher = new CallbackDispatcher({
    connection: redis,
    prefix: config.prefix,
    queueName: config.callbacks.queueName,
    worker: false,
  });
  return {
    dispatcher,
    close: () =>
      closeAll([() => dispatcher.close(), () => redis.quit().catch(() => redis.disconnect())]),
  };
}
