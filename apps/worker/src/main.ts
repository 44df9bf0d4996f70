import { ConfigError } from '@darkroom/config';
import { parseWorkerConfig, type WorkerConfig } from './config';
import { createWorker, type DarkroomWorker } from './worker';

async function main(): Promise<void> {
  let config: WorkerConfig;
  try {
    config = parseWorkerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  // Signals are handled from the first moment: a SIGTERM that arrives while the worker is still
  // starting stops it as soon as it has started, instead of killing it half-built.
  const state: { worker?: DarkroomWorker; stopRequested?: NodeJS.Signals } = {};
  let signals = 0;
  const drain = (live: DarkroomWorker, signal: NodeJS.Signals): void => {
    live.logger.info({ signal }, 'draining');
    live.close().then(
      () => process.exit(0),
      (err: unknown) => {
        live.logger.error({ err: String(err) }, 'error while closing');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      console.error(`second ${signal}: exiting now`);
      process.exit(1);
    }
    if (state.worker) drain(state.worker, signal);
    else state.stopRequested = signal;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  state.worker = await createWorker(config);
  if (state.stopRequested) drain(state.worker, state.stopRequested);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
