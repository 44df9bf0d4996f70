import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getOperation } from '@darkroom/photoshop';
import { validateEditJob } from '../src/edit-job';

/**
 * The job literal of the README's first `edits.enqueue({...})` example, read as JSON: keys and
 * single-quoted strings quoted, trailing commas dropped (the example is written that plainly).
 */
async function readmeExampleJob(): Promise<unknown> {
  const readme = await readFile(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const literal = /edits\.enqueue\((\{[\s\S]*?\n\})\);/.exec(readme)?.[1];
  if (!literal) throw new Error('the README has no edits.enqueue({...}) example');
  const json = literal
    .replace(/\b([A-Za-z_]\w*):\s/g, '"$1": ')
    .replace(/'/g, '"')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(json) as unknown;
}

describe("the README's first example", () => {
  it("is a valid edit on an operation of Adobe's current (v2) API", async () => {
    const job = (await readmeExampleJob()) as { operation: string };
    await expect(validateEditJob(job)).resolves.toBeDefined();
    expect(getOperation(job.operation).generation).toBe('v2');
  });
});
