import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OTEL_VARIABLES, SPAN_ATTRIBUTES, SPAN_NAMES } from '../src';

const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');

/** The first-column code spans of the table under `## heading`, with each row's cells. */
function table(heading: string): Map<string, string[]> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const key = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (key) rows.set(key, cells.slice(2));
  }
  return rows;
}

/** Every .js file of an installed package's build, read once. */
function packageSource(fromDir: string, name: string): { dir: string; text: string } {
  const entry = require.resolve(name, { paths: [fromDir] });
  let dir = dirname(entry);
  while (!readdirSync(dir).includes('package.json')) dir = dirname(dir);
  const texts: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.js')) texts.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(dir, 'build'));
  return { dir, text: texts.join('\n') };
}

describe('README tables match the code', () => {
  it('lists exactly the OTEL_* variables the code honours, with who reads each', () => {
    const rows = table('Variables');
    expect([...rows.keys()].sort()).toEqual(Object.keys(OTEL_VARIABLES).sort());
    for (const [name, reader] of Object.entries(OTEL_VARIABLES)) {
      expect({ name, reader: rows.get(name)?.[0] }).toEqual({ name, reader });
    }
  });

  it('names only variables that Darkroom’s code or the installed SDK actually read', () => {
    const own = readdirSync(join(__dirname, '../src'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(__dirname, '../src', f), 'utf8'))
      .join('\n');
    const pkg = join(__dirname, '..');
    const exporter = packageSource(pkg, '@opentelemetry/exporter-trace-otlp-http');
    const node = packageSource(pkg, '@opentelemetry/sdk-trace-node');
    const base = packageSource(node.dir, '@opentelemetry/sdk-trace-base');
    const sdk = [
      packageSource(exporter.dir, '@opentelemetry/otlp-exporter-base').text,
      base.text,
      packageSource(base.dir, '@opentelemetry/sdk-trace').text,
      packageSource(pkg, '@opentelemetry/resources').text,
    ].join('\n');
    for (const [name, reader] of Object.entries(OTEL_VARIABLES)) {
      if (reader === 'darkroom') {
        expect({ name, read: own.includes(`env.${name}`) }).toEqual({ name, read: true });
      } else {
        // Per-signal names are built from a template: OTEL_EXPORTER_OTLP_${signal}_HEADERS.
        const found =
          sdk.includes(`'${name}'`) ||
          (name.includes('_TRACES_') &&
            sdk.includes(`OTEL_EXPORTER_OTLP_\${signalIdentifier}_${name.split('_TRACES_')[1]}`));
        expect({ name, found }).toEqual({ name, found: true });
      }
    }
  });

  it('lists exactly the span names and attribute keys the packages use', () => {
    expect([...table('Spans').keys()].sort()).toEqual(Object.values(SPAN_NAMES).sort());
    expect([...table('Attributes').keys()].sort()).toEqual(Object.values(SPAN_ATTRIBUTES).sort());
  });
});
