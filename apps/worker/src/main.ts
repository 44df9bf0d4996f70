import { ConfigError } from '@darkroom/config';
import { parseWorkerConfig } from './config';
import { createWorker } from './worker';

async function main(): Promise<void> {
  let config;
  try {
    config = parseWorkerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const worker = await createWorker(config);
  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      worker.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    worker.logger.info({ signal }, 'draining');
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        worker.logger.error({ err: String(err) }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
