import { median } from './stats';

export const SCENARIO_IDS = [
  'overhead',
  'slot-efficiency',
  'official-sdk',
  'rate-budget',
  'scale',
  'workers',
  'push-events',
  'tenants',
  'recipes',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** One run of one variant (e.g. "darkroom", run 2) and what it measured. */
export interface Measurement {
  variant: string;
  run: number;
  metrics: Record<string, number>;
}

/** A column of a scenario's table: a metric key, its heading and its decimals. */
export interface MetricColumn {
  key: string;
  label: string;
  /** @defaultValue 1 */
  digits?: number;
}

/** A derived figure computed from medians, such as a throughput ratio. */
export interface DerivedFigure {
  label: string;
  value: number;
  /** @defaultValue 2 */
  digits?: number;
  /** What the design aims for, e.g. `>= 20`. */
  target?: string;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  parameters: Record<string, unknown>;
  columns: MetricColumn[];
  measurements: Measurement[];
  /** Per variant (in the order first measured), the median of each metric over its runs. */
  medians: Record<string, Record<string, number>>;
  figures: DerivedFigure[];
  notes: string[];
  /**
   * The machine's 1-minute load average when the scenario started and ended: other work on a
   * shared machine shows up here, and explains runs that differ.
   */
  loadAverage?: { start: number; end: number };
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  platform: string;
  packages: Record<string, string>;
}

export interface BenchReport {
  command: string;
  date: string;
  wallSeconds: number;
  quick: boolean;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}

/** Medians per variant and metric, keeping the order variants were first measured in. */
export function mediansOf(
  measurements: readonly Measurement[],
): Record<string, Record<string, number>> {
  const grouped = new Map<string, Map<string, number[]>>();
  for (const m of measurements) {
    let byMetric = grouped.get(m.variant);
    if (!byMetric) {
      byMetric = new Map();
      grouped.set(m.variant, byMetric);
    }
    for (const [key, value] of Object.entries(m.metrics)) {
      const list = byMetric.get(key) ?? [];
      list.push(value);
      byMetric.set(key, list);
    }
  }
  const result: Record<string, Record<string, number>> = {};
  for (const [variant, byMetric] of grouped) {
    result[variant] = Object.fromEntries([...byMetric].map(([k, v]) => [k, median(v)]));
  }
  return result;
}

/** A number for a table cell: fixed decimals with thousands separators; "–" when missing. */
export function formatNumber(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One scenario as Markdown: a table of medians per variant, derived figures, then notes. */
export function renderScenario(s: ScenarioResult): string {
  const runsPerVariant = new Map<string, number>();
  for (const m of s.measurements) {
    runsPerVariant.set(m.variant, (runsPerVariant.get(m.variant) ?? 0) + 1);
  }
  const lines = [`## ${s.title}`, ''];
  const params = Object.entries(s.parameters)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  if (params) lines.push(`Parameters: ${escapeCell(params)}`, '');
  if (s.loadAverage) {
    lines.push(
      `Load average (1 min), start / end: ${formatNumber(s.loadAverage.start, 2)} / ${formatNumber(s.loadAverage.end, 2)}`,
      '',
    );
  }
  lines.push(
    `| variant | runs | ${s.columns.map((c) => escapeCell(c.label)).join(' | ')} |`,
    `|---|---:|${s.columns.map(() => '---:').join('|')}|`,
  );
  for (const [variant, metrics] of Object.entries(s.medians)) {
    const cells = s.columns.map((c) => formatNumber(metrics[c.key], c.digits ?? 1));
    lines.push(
      `| ${escapeCell(variant)} | ${runsPerVariant.get(variant) ?? 0} | ${cells.join(' | ')} |`,
    );
  }
  if (s.figures.length > 0) {
    lines.push('');
    for (const f of s.figures) {
      const target = f.target ? ` (target ${f.target})` : '';
      lines.push(`- ${f.label}: **${formatNumber(f.value, f.digits ?? 2)}**${target}`);
    }
  }
  if (s.notes.length > 0) {
    lines.push('');
    for (const note of s.notes) lines.push(`> ${note}`);
  }
  return lines.join('\n');
}

/** The whole report as Markdown: how it was produced, the machine, then each scenario. */
export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const head = [
    '# Darkroom benchmark results',
    '',
    `Produced by \`${report.command}\` on ${report.date} in ${formatNumber(report.wallSeconds, 0)} s${report.quick ? ' (quick mode)' : ''}.`,
    'Every figure is the median of the runs shown, measured side by side in the same invocation.',
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${formatNumber(m.memoryGiB, 1)} GiB, Node ${m.node}, Redis ${m.redis}, ${m.platform}.`,
    `Packages: ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  ];
  return [head.join('\n'), ...report.scenarios.map(renderScenario)].join('\n\n') + '\n';
}
