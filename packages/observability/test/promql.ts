import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMatchers, type Matcher } from './metric-catalog';

export const INFRA = resolve(__dirname, '../../../infra');

export interface NamedExpr {
  where: string;
  expr: string;
}

/**
 * The `expr` of every rule in a Prometheus rule file, inline or as a `>-`/`|` block. A small
 * reader for the shape Darkroom's rule file has, so the test needs no YAML dependency.
 */
export function alertExprs(yaml: string): NamedExpr[] {
  const lines = yaml.split('\n');
  const out: NamedExpr[] = [];
  let alert = '?';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const name = /^\s*-\s*(?:alert|record):\s*(\S+)/.exec(line);
    if (name?.[1]) alert = name[1];
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!expr) continue;
    const indent = expr[1]?.length ?? 0;
    const value = (expr[2] ?? '').trim();
    if (/^[>|][-+]?$/.test(value)) {
      const block: string[] = [];
      while (i + 1 < lines.length) {
        const next = lines[i + 1] ?? '';
        const nextIndent = next.length - next.trimStart().length;
        if (next.trim() !== '' && nextIndent <= indent) break;
        block.push(next.trim());
        i++;
      }
      out.push({ where: `alert ${alert}`, expr: block.join(' ').trim() });
    } else {
      out.push({ where: `alert ${alert}`, expr: value.replace(/^'(.*)'$/, '$1') });
    }
  }
  return out;
}

/** Every PromQL query of a Grafana dashboard: panel targets and template-variable queries. */
export function dashboardExprs(dashboard: unknown): NamedExpr[] {
  const out: NamedExpr[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n) => walk(n, where));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const here = typeof record.title === 'string' ? `panel "${record.title}"` : where;
    if (typeof record.expr === 'string') out.push({ where: here, expr: record.expr });
    if (typeof record.definition === 'string') {
      out.push({ where: `variable ${String(record.name)}`, expr: record.definition });
    }
    for (const value of Object.values(record)) walk(value, here);
  };
  walk(dashboard, 'dashboard');
  return out;
}

export interface MetricRef {
  name: string;
  /** The label names of its matchers. */
  labels: string[];
  matchers: Matcher[];
}

/** Darkroom metric names an expression reads, with the matchers of their selectors. */
export function metricRefs(expr: string): MetricRef[] {
  const refs: MetricRef[] = [];
  for (const m of expr.matchAll(/\b(darkroom_[A-Za-z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const matchers = parseMatchers(m[2] ?? '');
    refs.push({ name: m[1] ?? '', labels: matchers.map((l) => l.label), matchers });
  }
  return refs;
}

/** The `job` values an expression selects `up` by: `up{job="a"}` or `up{job=~"a|b"}`. */
export function scrapeJobsOfUp(expr: string): string[] {
  const jobs: string[] = [];
  for (const m of expr.matchAll(/\bup\s*(\{[^}]*\})/g)) {
    for (const { label, op, value } of parseMatchers(m[1] ?? '')) {
      if (label !== 'job' || value === undefined) continue;
      jobs.push(...(op === '=~' ? value.split('|') : [value]));
    }
  }
  return jobs;
}

/** Label names used in `by (...)`, `without (...)`, `on (...)` and `label_values(m, label)`. */
export function groupingLabels(expr: string): string[] {
  const labels: string[] = [];
  for (const m of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    labels.push(
      ...(m[1] ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l.length > 0),
    );
  }
  for (const m of expr.matchAll(
    /label_values\(\s*[A-Za-z0-9_:]+\s*,\s*([A-Za-z_][A-Za-z0-9_]*)/g,
  )) {
    labels.push(m[1] ?? '');
  }
  return labels;
}

/** Sample names in a text exposition (including `_bucket`, `_sum`, `_count`) with their labels. */
export function exposedSeries(exposition: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!m?.[1]) continue;
    const labels = out.get(m[1]) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) labels.add(l[1] ?? '');
    out.set(m[1], labels);
  }
  return out;
}

export function readInfra(path: string): string {
  return readFileSync(resolve(INFRA, path), 'utf8');
}
