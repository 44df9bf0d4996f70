import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_SEARCH_MAX_SCAN,
  MAX_SEARCH_LIMIT,
  editSearchStates,
} from '@darkroom/jobs';
import { SEARCH_FIELDS } from '../src/search/search-page';

/** The README's section on the search page. */
async function searchSection(): Promise<string> {
  const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
  const section = /## Search edits[^\n]*\n([\s\S]*?)\n## /.exec(readme)?.[1];
  if (!section) throw new Error('the README has no "Search edits" section');
  return section;
}

describe("the README's search section", () => {
  it('lists exactly the parameters the search page reads', async () => {
    const section = await searchSection();
    const documented = [...section.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...SEARCH_FIELDS, 'queue', 'cursor'].sort());
  });

  it("gives the states, page size and scan bound of @darkroom/jobs' search", async () => {
    const section = await searchSection();
    expect(section).toContain(
      editSearchStates
        .map((s) => `\`${s}\``)
        .join(', ')
        .replace('`waiting`', '`waiting` (parked edits too)'),
    );
    expect(section).toContain(`1 to ${MAX_SEARCH_LIMIT} (default ${DEFAULT_SEARCH_LIMIT})`);
    expect(section).toContain(
      `no more than ${DEFAULT_SEARCH_MAX_SCAN.toLocaleString('en-US')} entries`,
    );
  });
});
