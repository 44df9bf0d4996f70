import { closeAll, closeOnce, isConfigurationError, runUntilSignal } from '@darkroom/core';
import { startTracing, TracingConfigError } from '@darkroom/tracing';
import { startProducer } from './start-producer';

runUntilSignal(
  async () => {
    // Before the intake: its queue takes BullMQ's telemetry option only if tracing is on.
    const tracing = startTracing({ serviceName: 'darkroom-producer' });
    const producer = await startProducer(process.env).catch(async (err) => {
      await tracing.shutdown();
      throw err;
    });
    const close = closeOnce(() => closeAll([() => producer.close(), () => tracing.shutdown()]));
    return { logger: producer.logger, close };
  },
  {
    name: 'darkroom-producer',
    isConfigError: (err) => isConfigurationError(err) || err instanceof TracingConfigError,
    onStop: (producer, signal) => producer.logger.info({ signal }, 'closing'),
  },
);
