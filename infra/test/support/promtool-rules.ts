import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** Series (promtool's notation: `name{labels}` → `values`) and what `expr` must give at 10m. */
export interface Scenario {
  name: string;
  series: Record<string, string>;
  expected: number;
}

/**
 * Runs `promtool test rules` on synthetic series (one sample a minute for ten minutes) and
 * returns promtool's verdict: `expr` must evaluate to each scenario's `expected` at 10m, as one
 * sample without labels.
 */
export function promtoolEvaluates(
  expr: string,
  scenarios: Scenario[],
): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'darkroom-promql-'));
  try {
    writeFileSync(path.join(dir, 'rules.yml'), stringify({ groups: [] }));
    const tests = scenarios.map((s) => ({
      name: s.name,
      interval: '1m',
      input_series: Object.entries(s.series).map(([series, values]) => ({ series, values })),
      promql_expr_test: [
        { expr, eval_time: '10m', exp_samples: [{ labels: '{}', value: s.expected }] },
      ],
    }));
    writeFileSync(
      path.join(dir, 'test.yml'),
      stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }),
    );
    const run = spawnSync('promtool', ['test', 'rules', 'test.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (run.error) throw run.error;
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
