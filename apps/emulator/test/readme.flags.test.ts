import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorFlagNames } from '@darkroom/emulator';

const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');

/** The flag names of the README's flags table (its first column), without the dashes. */
function documentedFlags(): string[] {
  return readme
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => /^\| `--([a-z-]+)/.exec(line)?.[1] ?? '');
}

describe('README flags table', () => {
  it('lists every flag the server takes, and no other', () => {
    expect(documentedFlags().sort()).toEqual([...emulatorFlagNames].sort());
  });
});
