import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ApiMetrics, BudgetMetrics, PipelineMetrics, QueueMetrics, TenantMetrics } from '../src';

// The README's table is what operators build alerts and dashboards from: every metric a class
// registers is listed there with its type and labels, and nothing is listed that no class has.

interface Row {
  type: string;
  labels: string[];
}

function readmeRows(): Map<string, Row> {
  const text = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const rows = new Map<string, Row>();
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

async function registered(): Promise<Map<string, Row>> {
  const register = new Registry();
  new PipelineMetrics({ register });
  new ApiMetrics({ register });
  new BudgetMetrics({ register });
  new QueueMetrics({ register, collect: () => Promise.resolve([]) });
  new TenantMetrics({ register });
  const rows = new Map<string, Row>();
  for (const metric of await register.getMetricsAsJSON()) {
    const labels = new Set<string>();
    const inner = (register.getSingleMetric(metric.name) as unknown as { labelNames?: string[] })
      .labelNames;
    for (const label of inner ?? []) labels.add(label);
    rows.set(metric.name, { type: String(metric.type), labels: [...labels].sort() });
  }
  return rows;
}

describe("the observability README's metric table", () => {
  it('lists every metric the classes register, with its type and labels, and no other', async () => {
    const documented = readmeRows();
    const actual = await registered();
    expect(documented.size).toBeGreaterThan(10);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
