import { readFileSync } from 'node:fs';
import path from 'node:path';
import { registeredMetrics, type MetricInfo } from './metric-catalog';

// The README's table is what operators build alerts and dashboards from: every metric a class
// registers is listed there with its type and labels, and nothing is listed that no class has.

function readmeRows(): Map<string, MetricInfo> {
  const text = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const rows = new Map<string, MetricInfo>();
  for (const [, name, type, labels] of text.matchAll(
    /^\| `(darkroom_[a-z_]+)`\s*\| (\w+)\s*\| ([a-z_, ]*?)\s*\|/gm,
  )) {
    rows.set(name!, {
      type: type!,
      labels: labels!
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)
        .sort(),
    });
  }
  return rows;
}

describe("the observability README's metric table", () => {
  it('lists every metric the classes register, with its type and labels, and no other', async () => {
    const documented = readmeRows();
    const actual = await registeredMetrics();
    expect(documented.size).toBeGreaterThan(10);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
