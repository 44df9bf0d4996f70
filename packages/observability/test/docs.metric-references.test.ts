import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  parseMatchers,
  referenceProblems,
  registeredMetrics,
  type MetricCatalog,
} from './metric-catalog';

const ROOT = resolve(__dirname, '../../..');

/**
 * Folders whose Markdown is not Darkroom's documentation: dependencies, tool state, generated
 * benchmark results and test output, and files other people published.
 */
const SKIPPED = new Set(['node_modules', 'test-artifacts', 'third_party', 'darkroom-output']);
const SKIPPED_PATHS = new Set(['bench/results']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const skip =
        entry.name.startsWith('.') ||
        SKIPPED.has(entry.name) ||
        SKIPPED_PATHS.has(relative(ROOT, path));
      return skip ? [] : markdownFiles(path);
    }
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/**
 * Every `darkroom_…` name in a text with the selector right after it, if any: an exact name
 * (`darkroom_jobs_failed_total{reason="cancelled"}`), a sample of one (`…_bucket`) or a family
 * (`darkroom_tenant_*`, or the bare prefix `darkroom_`).
 */
interface Mention {
  line: number;
  name: string;
  family: boolean;
  selector: string;
}

function metricMentions(text: string): Mention[] {
  const mentions: Mention[] = [];
  for (const m of text.matchAll(/\bdarkroom_([a-z0-9_:]*)(\*)?(\{[^}\n]*\})?/g)) {
    const name = `darkroom_${m[1] ?? ''}`;
    mentions.push({
      line: text.slice(0, m.index).split('\n').length,
      name: name.replace(/_$/, ''),
      family: m[2] === '*' || name.endsWith('_'),
      selector: m[3] ?? '',
    });
  }
  return mentions;
}

function markdownProblems(file: string, text: string, catalog: MetricCatalog): string[] {
  const problems: string[] = [];
  for (const { line, name, family, selector } of metricMentions(text)) {
    const where = `${file}:${line}`;
    if (family) {
      const members = [...catalog.keys()].filter((metric) => metric.startsWith(`${name}_`));
      if (members.length === 0) problems.push(`${where}: no metric is named ${name}_*`);
      continue;
    }
    problems.push(...referenceProblems(where, name, parseMatchers(selector), catalog));
  }
  return problems;
}

describe('metric names and selectors in the Markdown documentation', () => {
  let catalog: MetricCatalog;
  beforeAll(async () => {
    catalog = await registeredMetrics({ processMetrics: true });
  });

  it('reads every Markdown file of the repository, the operator docs among them', () => {
    const files = markdownFiles(ROOT).map((file) => relative(ROOT, file));
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'ARCHITECTURE.md',
        'RELIABILITY.md',
        'DEPLOYMENT.md',
        'infra/prometheus/README.md',
        'infra/grafana/README.md',
        'packages/observability/README.md',
        'apps/worker/README.md',
      ]),
    );
    expect(files.filter((file) => /node_modules|^bench\/results|^third_party/.test(file))).toEqual(
      [],
    );
  });

  it('names only metrics the classes register, with their labels and the values those take', () => {
    const problems = markdownFiles(ROOT).flatMap((file) =>
      markdownProblems(relative(ROOT, file), readFileSync(file, 'utf8'), catalog),
    );
    expect(problems).toEqual([]);
  });

  it('would catch a wrong name, a wrong label, an impossible value and an unknown family', () => {
    const text = [
      'Watch `darkroom_api_requests_total{status_class="429"}` and',
      '`darkroom_jobs_failed_total{reason!="cancelled", acount="a"}`,',
      '`darkroom_queue_jobs{state=~"waiting|stuck"}`, `darkroom_job_polls_bucket{le="3"}`,',
      '`darkroom_jobs_done_total`, `darkroom_budget_*` and `darkroom_widgets_*`.',
    ].join('\n');
    expect(markdownProblems('doc.md', text, catalog)).toEqual([
      'doc.md:1: darkroom_api_requests_total\'s status_class is never "429" (it is one of 2xx, 3xx, 4xx, 5xx, error)',
      'doc.md:2: darkroom_jobs_failed_total has no label acount',
      'doc.md:3: darkroom_queue_jobs\'s state is never "stuck" (it is one of waiting, prioritized, delayed, delayed_due, parked, active, failed, completed)',
      'doc.md:4: darkroom_jobs_done_total is not a metric the classes register',
      'doc.md:4: no metric is named darkroom_widgets_*',
    ]);
  });

  it('accepts the status code itself on the status label', () => {
    const text =
      '`darkroom_api_requests_total{status="429"}`, `darkroom_api_requests_total{status=~"404|410|other"}`';
    expect(markdownProblems('doc.md', text, catalog)).toEqual([]);
  });
});
