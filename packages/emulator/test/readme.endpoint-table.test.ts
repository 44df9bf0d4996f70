import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operations } from '@darkroom/photoshop';

describe('README endpoint table', () => {
  it('has a row for every operation in the catalog', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    const missing = Object.values(operations)
      .map((op) => op.path)
      .filter((path) => !rows.some((row) => row.includes(path.split('/').pop() ?? path)));
    expect(missing).toEqual([]);
  });
});
