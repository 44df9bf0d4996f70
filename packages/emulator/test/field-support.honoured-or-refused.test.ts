import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOperation, operationIds } from '@darkroom/photoshop';
import { decisionFor, fieldSupport, refusedOperations } from '../src/validation/field-support';
import { refusedFields } from '../src/validation/field-refusals';
import { schemaFieldPaths } from '../src/validation/schema-paths';
import { fieldSupportCounts } from './support/field-counts';

const SRC = join(__dirname, '..', 'src');

/** A body holding `value` at `path` (each `[]` becomes a one-item array). */
function bodyWith(path: string, value: unknown): Record<string, unknown> {
  const [head = '', ...rest] = path.split('.');
  const arrays = (head.match(/\[\]/g) ?? []).length;
  let inner: unknown = rest.length > 0 ? bodyWith(rest.join('.'), value) : value;
  for (let i = 0; i < arrays; i += 1) inner = [inner];
  return { [head.replace(/(\[\])+$/, '')]: inner };
}

/** Whether `named` is `pattern` itself or one of its ancestors, indices written as `[]`. */
function namesFieldOrAncestor(named: string, pattern: string): boolean {
  const generic = named.replace(/\[\d+\]/g, '[]');
  return (
    pattern === generic || pattern.startsWith(`${generic}.`) || pattern.startsWith(`${generic}[]`)
  );
}

describe('every field of every request schema is honoured or refused', () => {
  const sources = new Map<string, string>();
  const source = (file: string): string => {
    let text = sources.get(file);
    if (text === undefined) {
      text = readFileSync(join(SRC, file), 'utf8');
      sources.set(file, text);
    }
    return text;
  };

  it.each(operationIds.map((id) => [id]))('%s: each schema field has a decision', (id) => {
    if (refusedOperations[id]) return;
    const table = fieldSupport[id];
    expect(table).toBeDefined();
    const undecided = schemaFieldPaths(getOperation(id).bodySchema).filter(
      (p) => !table || !decisionFor(table, p),
    );
    expect(undecided).toEqual([]);
  });

  it.each(operationIds.map((id) => [id]))(
    '%s: each honoured field is read by the module named for it',
    (id) => {
      const table = fieldSupport[id] ?? {};
      const unread = Object.entries(table).flatMap(([path, decision]) => {
        if (decision.kind !== 'honoured') return [];
        const key = path.split('.').pop()?.replace(/\[\]/g, '') ?? path;
        return source(decision.by).includes(key) ? [] : [`${path} (${decision.by})`];
      });
      expect(unread).toEqual([]);
    },
  );

  it.each(operationIds.map((id) => [id]))(
    '%s: each refused field, sent with a value that asks for something, is named in the refusal',
    (id) => {
      const table = fieldSupport[id] ?? {};
      const missed = Object.entries(table).flatMap(([path, decision]) => {
        if (decision.kind !== 'refused') return [];
        const refusals = refusedFields(id, bodyWith(path, 'asks-for-something'));
        return refusals.some((r) => namesFieldOrAncestor(r.path, path)) ? [] : [path];
      });
      expect(missed).toEqual([]);
    },
  );

  it('a field the emulator does not know is refused by its concrete path', () => {
    const refusals = refusedFields('documentOperations', {
      inputs: [{ href: 'https://x/in.psd', storage: 'external' }],
      options: { layers: [{ name: 'A', edit: {}, text: { content: 'x', characterStyles: [{}] } }] },
      outputs: [{ href: 'https://x/o.png', storage: 'external', type: 'image/png', extra: 1 }],
    });
    expect(refusals.map((r) => r.path)).toEqual([
      'options.layers[0].text.characterStyles',
      'outputs[0].extra',
    ]);
  });

  it('values a field cannot take are refused, neutral values of refused fields are not', () => {
    const body = (layer: Record<string, unknown>, output: Record<string, unknown> = {}) => ({
      inputs: [{ href: 'https://x/in.psd', storage: 'external' }],
      options: { layers: [{ name: 'A', edit: {}, ...layer }] },
      outputs: [{ href: 'https://x/o.png', storage: 'external', type: 'image/png', ...output }],
    });
    expect(
      refusedFields('documentOperations', body({ blendOptions: { blendMode: 'multiply' } })),
    ).toEqual([]);
    expect(
      refusedFields('documentOperations', body({ blendOptions: { blendMode: 'hardMix' } })),
    ).toEqual([
      {
        path: 'options.layers[0].blendOptions.blendMode',
        what: 'rendering the blend mode "hardMix"',
      },
    ]);
    expect(refusedFields('documentOperations', body({}, { overwrite: true }))).toEqual([]);
    expect(
      refusedFields('documentOperations', body({}, { overwrite: false })).map((r) => r.path),
    ).toEqual(['outputs[0].overwrite']);
  });

  it('prints the honoured and refused counts per endpoint', () => {
    const rows = fieldSupportCounts();
    expect(rows.map((r) => r.operation)).toEqual([...operationIds]);
    for (const row of rows) expect(row.honoured + row.refused + row.undecided).toBe(row.fields);
  });
});
