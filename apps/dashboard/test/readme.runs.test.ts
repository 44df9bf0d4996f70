import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNS_MAX_SCAN, RUNS_PER_QUEUE, RUNS_QUERY_FIELDS, runListStates } from '../src';

/** The README's section on the runs page. */
async function runsSection(): Promise<string> {
  const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
  const section = /## Runs[^\n]*\n([\s\S]*?)\n## /.exec(readme)?.[1];
  if (!section) throw new Error('the README has no "Runs" section');
  return section;
}

describe("the README's runs section", () => {
  it('lists exactly the parameters the runs page reads', async () => {
    const section = await runsSection();
    const documented = [...section.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...RUNS_QUERY_FIELDS].sort());
  });

  it("gives the page's states, its number of runs and its scan bound", async () => {
    const section = await runsSection();
    expect(section).toContain(runListStates.map((s) => `\`${s}\``).join(', '));
    expect(section).toContain(`the newest ${RUNS_PER_QUEUE} recipe runs of each edit`);
    expect(section).toContain(
      `no more than ${RUNS_MAX_SCAN.toLocaleString('en-US')} entries of each list`,
    );
  });
});
