import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TESTED_NODE_MAJORS } from './support/node-versions';
import { repoRoot } from './support/paths';

// package.json's engines.node is the one list of Node versions Darkroom is tested on; the types,
// CI and the quick start follow it.

const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

describe('supported Node versions', () => {
  it('are the machine Node and at least one newer LTS', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(TESTED_NODE_MAJORS).toContain(major);
    expect(TESTED_NODE_MAJORS.length).toBeGreaterThanOrEqual(2);
  });

  it('type-check against the oldest of them', () => {
    const workspace = parse(read('pnpm-workspace.yaml')) as { catalog: Record<string, string> };
    const typesMajor = Number(workspace.catalog['@types/node']?.split('.')[0]);
    expect(typesMajor).toBe(Math.min(...TESTED_NODE_MAJORS));
  });

  it("are what CI runs the README's test command on", () => {
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1];
    expect(quickStart?.trim().split('\n')).toEqual(['./darkroom demo', './darkroom test']);
    const ci = read('.ci/run');
    // The whole test command on the oldest tested Node; the suites again under the newest.
    expect(ci).toContain('(cd "$dir" && "$@")');
    expect(ci).toMatch(/^test_on "node\$\(node -p [^\n]*\)" \.\/darkroom test$/m);
    expect(ci).toMatch(/^test_on "node\$NODE_LTS" [^\n]*run test:jest'$/m);
    expect(ci).toContain('engines.node');
    for (const major of TESTED_NODE_MAJORS) expect(read('README.md')).toContain(`Node ${major}`);
  });
});
