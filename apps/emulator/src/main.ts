import { parseEmulatorArgs } from './config/parse-args';
import { createEmulator } from './emulator';

async function main(): Promise<void> {
  const options = parseEmulatorArgs(process.argv.slice(2), process.env);
  const emulator = await createEmulator({ port: 7070, ...options });
  console.log(
    `Photoshop API emulator on ${emulator.url} (timeFactor ${options.timeFactor ?? 1}, processing ${options.processing ?? 'real'})`,
  );
  const stop = (signal: string): void => {
    console.log(`${signal}: closing`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
