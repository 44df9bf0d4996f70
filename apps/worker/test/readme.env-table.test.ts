import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workerEnvNames } from '../src/config';

/** The variables named in the first cell of each row of the README's configuration table. */
async function documentedNames(): Promise<Set<string>> {
  const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const line of readme.split('\n')) {
    const first = /^\| ([^|]+)\|/.exec(line)?.[1] ?? '';
    for (const [, name] of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(name!);
  }
  return names;
}

describe('the worker README configuration table', () => {
  it('lists every variable the worker reads, and none it does not', async () => {
    const documented = await documentedNames();
    expect([...workerEnvNames].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !workerEnvNames.includes(n))).toEqual([]);
  });
});
