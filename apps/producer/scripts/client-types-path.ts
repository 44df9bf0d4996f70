import { dirname, join } from 'node:path';

/**
 * Where the committed types of the producer's API live: in `@darkroom/client`, which ships them
 * so that it needs no build step and no producer to compile against.
 */
export const GENERATED_TYPES = join(
  dirname(require.resolve('@darkroom/client')),
  'generated',
  'producer-api.ts',
);
