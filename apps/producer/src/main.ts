import { once } from 'node:events';
import { runUntilSignal } from '@darkroom/core';
import { EditQueue } from '@darkroom/jobs';
import {
  collectProcessMetrics,
  createLogger,
  PipelineMetrics,
  Registry,
  type Logger,
} from '@darkroom/observability';
import { parseProducerConfig } from './config/producer-config';
import { createServer } from './server/create-server';

/** The running HTTP intake: its logger, and `close()` for the server and the queue. */
interface RunningProducer {
  logger: Logger;
  close(): Promise<void>;
}

async function startProducer(): Promise<RunningProducer> {
  const config = parseProducerConfig(process.env);
  const logger = createLogger({ name: 'darkroom-producer', level: config.logLevel });
  const register = new Registry();
  collectProcessMetrics(register);
  const edits = new EditQueue({
    metrics: new PipelineMetrics({ register }),
    connection: config.redis,
    prefix: config.prefix,
    queueName: config.queueName,
  });
  const app = createServer({
    edits,
    tokens: config.tokens,
    logger,
    maxBatch: config.maxBatch,
    bodyLimit: config.bodyLimit,
    register,
  });
  const server = app.listen(config.port, config.host);
  // A port already in use rejects here, so it is reported as a failed start.
  await once(server, 'listening');
  logger.info({ host: config.host, port: config.port, queue: config.queueName }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Long-polls and event streams would hold close() open; they are told to end by the queue.
      server.closeIdleConnections();
      await Promise.allSettled([edits.close(), closed]);
      server.closeAllConnections();
    })());
  return { logger, close };
}

runUntilSignal(startProducer, {
  name: 'darkroom-producer',
  onStop: (producer, signal) => producer.logger.info({ signal }, 'closing'),
});
