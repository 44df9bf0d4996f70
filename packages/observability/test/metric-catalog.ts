import { Registry } from 'prom-client';
import {
  ApiMetrics,
  BOUNDED_LABEL_VALUES,
  BudgetMetrics,
  HttpMetrics,
  PipelineMetrics,
  QueueMetrics,
  RunMetrics,
  TenantMetrics,
  collectProcessMetrics,
} from '../src';

export interface MetricInfo {
  type: string;
  labels: string[];
}

/** Name to type and label names of every metric the classes register, in a fresh registry. */
export type MetricCatalog = Map<string, MetricInfo>;

/** Labels Prometheus adds to every series at scrape time (prometheus.yml's relabelling too). */
export const TARGET_LABELS: readonly string[] = ['job', 'instance', 'service'];

/** Every metric class registered once, with prom-client's process metrics when asked. */
export async function registeredMetrics(
  options: { processMetrics?: boolean } = {},
): Promise<MetricCatalog> {
  const register = new Registry();
  new PipelineMetrics({ register });
  new ApiMetrics({ register });
  new BudgetMetrics({ register });
  new QueueMetrics({ register, collect: () => Promise.resolve([]) });
  new TenantMetrics({ register });
  new HttpMetrics({ register });
  new RunMetrics({ register });
  if (options.processMetrics) collectProcessMetrics(register);
  const catalog: MetricCatalog = new Map();
  for (const metric of await register.getMetricsAsJSON()) {
    // prom-client keeps the declared label names on the metric; the JSON view has only values.
    const declared = register.getSingleMetric(metric.name) as unknown as { labelNames?: string[] };
    catalog.set(metric.name, {
      type: String(metric.type),
      labels: [...new Set(declared.labelNames ?? [])].sort(),
    });
  }
  return catalog;
}

/** The suffixes of a histogram's samples, and of a summary's without `_bucket`. */
const SAMPLE_SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** The metric a sample name belongs to (`x_bucket` → `x` when `x` is a histogram), if any. */
export function metricOfSample(
  sample: string,
  catalog: MetricCatalog,
): { metric: string; info: MetricInfo; suffix: string } | undefined {
  const exact = catalog.get(sample);
  if (exact) return { metric: sample, info: exact, suffix: '' };
  for (const [metric, info] of catalog) {
    const suffix = sample.slice(metric.length);
    if (sample.startsWith(metric) && (SAMPLE_SUFFIXES[info.type] ?? []).includes(suffix)) {
      return { metric, info, suffix };
    }
  }
  return undefined;
}

/** One label in a selector: `label="value"`, or a bare `label` in a list such as `{queue,state}`. */
export interface Matcher {
  label: string;
  op?: '=' | '!=' | '=~' | '!~';
  value?: string;
}

/** The matchers of a `{…}` selector, quoted values with escapes, or bare label names. */
export function parseMatchers(selector: string): Matcher[] {
  const inner = selector.replace(/^\{|\}$/g, '');
  const matchers: Matcher[] = [];
  for (const m of inner.matchAll(
    /([A-Za-z_][A-Za-z0-9_]*)\s*(?:(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))?/g,
  )) {
    const [, label = '', op, double, single] = m;
    const value = double ?? single;
    matchers.push(
      op && value !== undefined
        ? { label, op: op as NonNullable<Matcher['op']>, value }
        : { label },
    );
  }
  return matchers;
}

/**
 * The literal values a matcher names: its value, or each alternative of a regex made only of
 * alternatives (`waiting|prioritized`). A regex with other syntax, or a Grafana variable, names
 * none that can be checked.
 */
function literalValues(matcher: Matcher): string[] {
  const value = matcher.value ?? '';
  if (value.includes('$')) return [];
  if (matcher.op === '=' || matcher.op === '!=') return [value];
  return /^[A-Za-z0-9_.-]+(\|[A-Za-z0-9_.-]+)*$/.test(value) ? value.split('|') : [];
}

/**
 * What is wrong with a reference to a Darkroom metric: a name no class registers, a label the
 * metric does not have, or a value its bounded label never takes. `where` prefixes each line.
 */
export function referenceProblems(
  where: string,
  sample: string,
  matchers: Matcher[],
  catalog: MetricCatalog,
): string[] {
  const found = metricOfSample(sample, catalog);
  if (!found) return [`${where}: ${sample} is not a metric the classes register`];
  const problems: string[] = [];
  const allowed = new Set([...found.info.labels, ...TARGET_LABELS]);
  if (found.suffix === '_bucket') allowed.add('le');
  const bounded = BOUNDED_LABEL_VALUES[found.metric] ?? {};
  for (const matcher of matchers) {
    if (!allowed.has(matcher.label)) {
      problems.push(`${where}: ${sample} has no label ${matcher.label}`);
      continue;
    }
    const values = bounded[matcher.label];
    if (!values) continue;
    for (const value of literalValues(matcher)) {
      if (!values.includes(value)) {
        problems.push(
          `${where}: ${sample}'s ${matcher.label} is never "${value}" (it is one of ${values.join(', ')})`,
        );
      }
    }
  }
  return problems;
}
