import { isConfigurationError, runUntilSignal } from '@darkroom/core';
import { createEmulator, EmulatorOptionsError, parseEmulatorArgs } from '@darkroom/emulator';

runUntilSignal(
  async () => {
    const options = parseEmulatorArgs(process.argv.slice(2), process.env);
    const emulator = await createEmulator({ port: 7070, ...options });
    console.log(
      `Photoshop API emulator on ${emulator.url} (timeFactor ${options.timeFactor ?? 1}, processing ${options.processing ?? 'real'})`,
    );
    return emulator;
  },
  {
    name: 'darkroom-emulator',
    // A bad flag or variable is a configuration error, whether parseArgs or the emulator's own
    // option checks find it.
    isConfigError: (err) => err instanceof EmulatorOptionsError || isConfigurationError(err),
    onStop: (_emulator, signal) => console.log(`${signal}: closing`),
    onCloseError: (_emulator, err) => console.error(err),
  },
);
