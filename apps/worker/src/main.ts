import { runUntilSignal } from '@darkroom/core';
import { parseWorkerConfig } from './config';
import { createWorker } from './worker';

// runUntilSignal listens for SIGTERM before the worker is built, so a SIGTERM that arrives while
// it is still starting drains it as soon as it has started instead of killing it half-built.
runUntilSignal(() => createWorker(parseWorkerConfig(process.env)), {
  name: 'darkroom-worker',
  onStop: (worker, signal) => worker.logger.info({ signal }, 'draining'),
  onCloseError: (worker, err) => worker.logger.error({ err: err.message }, 'error while closing'),
});
