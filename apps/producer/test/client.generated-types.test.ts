import { readFileSync } from 'node:fs';
import { guardAgainstLeaks } from '@darkroom/testing';
import { GENERATED_TYPES } from '../scripts/client-types-path';
import { startApi } from './support/api-harness';
import { runGenerator } from './support/client-generator';

guardAgainstLeaks();

describe('the committed types of the producer API', () => {
  it('are what the generator makes of the document a producer serves now', async () => {
    const producer = await startApi();
    try {
      const { code, stdout, stderr } = await runGenerator(['--url', producer.url]);
      expect([code, stderr]).toEqual([0, '']);
      // Run `pnpm --filter @darkroom/producer generate:client` after changing the API.
      expect(stdout).toBe(readFileSync(GENERATED_TYPES, 'utf8'));
    } finally {
      await producer.close();
    }
  });
});
