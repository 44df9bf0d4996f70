import type { Server } from 'node:http';
import { ConfigError } from '@darkroom/config';
import { EditQueue } from '@darkroom/jobs';
import {
  collectProcessMetrics,
  createLogger,
  PipelineMetrics,
  Registry,
} from '@darkroom/observability';
import { parseProducerConfig } from './config/producer-config';
import { createServer } from './server/create-server';

function main(): void {
  let config;
  try {
    config = parseProducerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
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
  const server: Server = app.listen(config.port, config.host, () => {
    logger.info({ host: config.host, port: config.port, queue: config.queueName }, 'listening');
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'closing');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Long-polls and event streams would hold close() open; they are told to end by the queue.
    server.closeIdleConnections();
    Promise.allSettled([edits.close(), closed])
      .then(() => {
        server.closeAllConnections();
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
