import { runUntilSignal } from '@darkroom/core';
import { startProducer } from './start-producer';

runUntilSignal(() => startProducer(process.env), {
  name: 'darkroom-producer',
  onStop: (producer, signal) => producer.logger.info({ signal }, 'closing'),
});
