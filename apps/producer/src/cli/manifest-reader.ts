import { coerceError } from '@darkroom/core';
import { generationOf } from './output-flag';
import { priorityCell } from './priorities';
import { UsageError } from './usage-error';

/** One manifest line: its 1-based number, and the job or why it could not be read. */
export type ManifestLine =
  | { line: number; job: unknown }
  | { line: number; issue: { path: string; rule: string; message: string } };

/**
 * Columns of a CSV manifest, one job with one output per row. `operation` and `output` are
 * required in the header; empty cells are left out of the job.
 */
export const CSV_COLUMNS = [
  'operation',
  'input',
  'output',
  'type',
  'width',
  'account',
  'tenant',
  'idempotency_key',
  'priority',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

export const MANIFEST_FORMATS = ['jsonl', 'csv'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

/** The format a file's name says: `.jsonl` or `.ndjson`, `.csv`; undefined for other names. */
export function formatOfName(path: string): ManifestFormat | undefined {
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  return undefined;
}

/**
 * The format the text itself shows: JSONL when its first line is a JSON object, CSV when its
 * first line is a header naming only columns of {@link CSV_COLUMNS}, operation among them.
 */
export function formatOfText(text: string): ManifestFormat | undefined {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined) return undefined;
  if (first.trimStart().startsWith('{')) return 'jsonl';
  let cells: string[];
  try {
    cells = splitCsvLine(first).map((c) => c.trim().toLowerCase());
  } catch {
    return undefined;
  }
  const known = cells.every((c) => (CSV_COLUMNS as readonly string[]).includes(c));
  return known && cells.includes('operation') ? 'csv' : undefined;
}

/**
 * A manifest's format: `--format` when given, else the file name's, else what its first line
 * shows (stdin has no name); a usage error when none says.
 */
export function manifestFormat(
  source: string,
  text: string,
  flag: string | undefined,
): ManifestFormat {
  if (flag !== undefined) {
    if ((MANIFEST_FORMATS as readonly string[]).includes(flag)) return flag as ManifestFormat;
    throw new UsageError(
      `--format takes ${MANIFEST_FORMATS.join(' or ')}, got ${JSON.stringify(flag)}`,
    );
  }
  const format = formatOfName(source) ?? formatOfText(text);
  if (format) return format;
  throw new UsageError(
    `cannot tell the format of ${source}: its first line is neither a JSON job nor a CSV header; ` +
      'pass --format jsonl or --format csv (or name the file .jsonl or .csv)',
  );
}

/** Splits a manifest into jobs line by line; a bad line is reported, never fatal. */
export function readManifest(text: string, format: ManifestFormat): ManifestLine[] {
  const lines = text.split(/\r?\n/);
  return format === 'jsonl' ? readJsonl(lines) : readCsv(lines);
}

function readJsonl(lines: string[]): ManifestLine[] {
  const out: ManifestLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    try {
      out.push({ line: i + 1, job: JSON.parse(text) as unknown });
    } catch {
      out.push({
        line: i + 1,
        issue: { path: '', rule: 'invalid_json', message: 'the line is not valid JSON' },
      });
    }
  });
  return out;
}

function readCsv(lines: string[]): ManifestLine[] {
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex === -1) return [];
  const header = splitCsvLine(lines[headerIndex] ?? '').map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown CSV column ${unknown.map((u) => JSON.stringify(u)).join(', ')}; columns are: ${CSV_COLUMNS.join(',')}`,
    );
  }
  for (const required of ['operation', 'output']) {
    if (!header.includes(required)) {
      throw new UsageError(
        `the CSV header needs a ${required} column; columns are: ${CSV_COLUMNS.join(',')}`,
      );
    }
  }
  const out: ManifestLine[] = [];
  for (let i = headerIndex + 1; i < lines.length; i += 1) {
    const text = lines[i] ?? '';
    if (text.trim() === '') continue;
    let cells: string[];
    try {
      cells = splitCsvLine(text);
    } catch (err) {
      out.push({
        line: i + 1,
        issue: {
          path: '',
          rule: 'invalid_csv',
          message: coerceError(err).message,
        },
      });
      continue;
    }
    if (cells.length > header.length) {
      out.push({
        line: i + 1,
        issue: {
          path: '',
          rule: 'invalid_csv',
          message: `${cells.length} cells but ${header.length} columns`,
        },
      });
      continue;
    }
    const row = new Map<CsvColumn, string>();
    header.forEach((name, c) => {
      const value = cells[c]?.trim();
      if (value) row.set(name as CsvColumn, value);
    });
    out.push({ line: i + 1, job: jobFromRow(row) });
  }
  return out;
}

/** Numbers stay strings when they do not parse, so validation names the field and its rule. */
const numberOrText = (value: string): number | string =>
  /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;

function jobFromRow(row: Map<CsvColumn, string>): Record<string, unknown> {
  const output: Record<string, unknown> = { ref: row.get('output') };
  const type = row.get('type');
  const width = row.get('width');
  // The `type` column is the output's MIME type, which v2 operations call `mediaType`.
  if (type) output[generationOf(row.get('operation')) === 'v1' ? 'type' : 'mediaType'] = type;
  if (width) output.width = numberOrText(width);
  const job: Record<string, unknown> = { operation: row.get('operation'), outputs: [output] };
  const input = row.get('input');
  const account = row.get('account');
  const tenant = row.get('tenant');
  const key = row.get('idempotency_key');
  const priority = row.get('priority');
  if (input) job.input = input;
  if (account) job.account = account;
  if (tenant) job.tenant = tenant;
  if (key) job.idempotencyKey = key;
  if (priority) job.priority = priorityCell(priority);
  return job;
}

/** RFC 4180 cells of one line: commas separate, double quotes quote, `""` is a quote. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new Error('a quoted cell is not closed (cells cannot span lines)');
  cells.push(cell);
  return cells;
}
