import { readFileSync } from 'node:fs';
import { guardAgainstLeaks } from '@darkroom/testing';
import { GENERATED_TYPES } from '../scripts/generated-path';
import { runGenerator } from './support/generate';
import { startProducerApp } from './support/producer-app';

guardAgainstLeaks();

describe('the committed types of the producer API', () => {
  it('are what the generator makes of the document a producer serves now', async () => {
    const producer = await startProducerApp();
    try {
      const { code, stdout, stderr } = await runGenerator(['--url', producer.url]);
      expect([code, stderr]).toEqual([0, '']);
      // Run `pnpm --filter @darkroom/client build` after changing the producer's API.
      expect(stdout).toBe(readFileSync(GENERATED_TYPES, 'utf8'));
    } finally {
      await producer.close();
    }
  });
});
