import { join } from 'node:path';

/** Where the committed types of the producer's API live. */
export const GENERATED_TYPES = join(__dirname, '..', 'src', 'generated', 'producer-api.ts');
