import { closeAll, closeOnce, isConfigurationError, runUntilSignal } from '@darkroom/core';
import { startTracing, TracingConfigError } from '@darkroom/tracing';
import { parseWorkerConfig } from './config';
import { createWorker } from './worker';

// runUntilSignal listens for SIGTERM before the worker is built, so a SIGTERM that arrives while
// it is still starting drains it as soon as it has started instead of killing it half-built.
runUntilSignal(
  async () => {
    // Before the worker: its BullMQ Worker takes the telemetry option only if tracing is on.
    const tracing = startTracing({ serviceName: 'darkroom-worker' });
    const worker = await createWorker(parseWorkerConfig(process.env)).catch(async (err) => {
      await tracing.shutdown();
      throw err;
    });
    // The worker drains first, so the spans of its last steps are in the final export.
    const close = closeOnce(() => closeAll([() => worker.close(), () => tracing.shutdown()]));
    return { logger: worker.logger, close };
  },
  {
    name: 'darkroom-worker',
    isConfigError: (err) => isConfigurationError(err) || err instanceof TracingConfigError,
    onStop: (worker, signal) => worker.logger.info({ signal }, 'draining'),
    onCloseError: (worker, err) => worker.logger.error({ err: err.message }, 'error while closing'),
  },
);
