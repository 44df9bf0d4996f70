import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationIds, operations } from '../src';

/** Rows of the README's "Rate classes and emulator fidelity" table: id, path, classes. */
function classRows(): Map<string, string[]> {
  const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
  const section =
    readme.split('### Rate classes and emulator fidelity')[1]?.split('\n### ')[0] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim().replace(/^`|`$/g, ''));
    rows.set(cells[0] ?? '', cells.slice(1));
  }
  return rows;
}

describe('README: rate classes and emulator fidelity', () => {
  const rows = classRows();

  it('has one row per catalog operation, no more', () => {
    expect([...rows.keys()].sort()).toEqual([...operationIds].sort());
  });

  it.each(operationIds)('%s: path and classes are the catalog’s, fidelity is stated', (id) => {
    const [path, submit, status, fidelity] = rows.get(id) ?? [];
    const op = operations[id];
    expect([path, submit, status]).toEqual([
      op.path,
      op.limitClasses.submit,
      op.limitClasses.status,
    ]);
    expect(fidelity).toMatch(/real|approximated|refused/);
  });
});
