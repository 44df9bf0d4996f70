import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The models' JSON schemas accept fields they do not know, so a misspelt `readinesProbe` would
 * pass validation and be dropped by the API server. The models' type declarations list every
 * field, so this reads them (the `.d.ts` files, nested blocks and imported types) and reports
 * fields that are not there.
 */
type TypeNode =
  | { kind: 'object'; fields: Map<string, TypeNode>; open: boolean }
  | { kind: 'array'; item: TypeNode }
  | { kind: 'ref'; name: string; file: string }
  | { kind: 'any' };

const ANY: TypeNode = { kind: 'any' };
const interfaceCache = new Map<string, TypeNode>();

function findPackageDir(fromDir: string, name: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`cannot find ${name} from ${fromDir}`);
  }
}

function resolveImport(fromFile: string, specifier: string): string {
  const dir = path.dirname(fromFile);
  if (specifier.startsWith('.')) return path.resolve(dir, `${specifier}.d.ts`);
  const parts = specifier.split('/');
  const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  const rest = parts.slice(pkg.split('/').length).join('/');
  return path.join(findPackageDir(dir, pkg), `${rest}.d.ts`);
}

/** Parses the first `export interface` of a declaration file. */
function interfaceOf(file: string): TypeNode {
  const real = realpathSync(file);
  const cached = interfaceCache.get(real);
  if (cached) return cached;
  const text = readFileSync(real, 'utf8');
  const imports = new Map<string, string>();
  for (const [, names, from] of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const n of (names ?? '').split(',')) imports.set(n.trim(), from ?? '');
  }
  const lines = text
    .split('\n')
    .filter((l) => !/^\s*(\/\*\*|\*|\*\/)/.test(l) && l.trim().length > 0);
  const start = lines.findIndex((l) => /^export interface \w+( extends [\w, ]+)? \{$/.test(l));
  if (start < 0) {
    interfaceCache.set(real, ANY);
    return ANY;
  }
  const leaf = (type: string): TypeNode => {
    const name = /^(?:Array<)?(I\w+)>?$/.exec(type)?.[1];
    const from = name ? imports.get(name) : undefined;
    if (!name || !from) return ANY;
    const ref: TypeNode = { kind: 'ref', name, file: resolveImport(real, from) };
    return type.startsWith('Array<') ? { kind: 'array', item: ref } : ref;
  };
  // Returns the object parsed from `lines[i]` on (fields at `indent`) and the index after it.
  const parseObject = (i: number, indent: number): [TypeNode, number] => {
    const fields = new Map<string, TypeNode>();
    let open = false;
    const pad = ' '.repeat(indent);
    while (i < lines.length) {
      const line = lines[i] ?? '';
      if (!line.startsWith(pad) || line[indent] === ' ' || line.trim().startsWith('}')) break;
      const field = /^\s*(?:"([^"]+)"|\[key: string\])\??: (.*)$/.exec(line);
      i += 1;
      if (!field) continue;
      const [, key, rest = ''] = field;
      let node: TypeNode;
      if (rest.endsWith('{')) {
        const [inner, next] = parseObject(i, indent + 4);
        i = next + 1; // past the closing brace line
        node = rest.startsWith('Array<') ? { kind: 'array', item: inner } : inner;
      } else {
        node = leaf(rest.replace(/;$/, ''));
      }
      if (key === undefined) open = true;
      else fields.set(key, node);
    }
    return [{ kind: 'object', fields, open }, i];
  };
  const [node] = parseObject(start + 1, 4);
  interfaceCache.set(real, node);
  return node;
}

function check(value: unknown, type: TypeNode, where: string, problems: string[]): void {
  if (type.kind === 'any' || value === null || value === undefined) return;
  if (type.kind === 'ref') return check(value, interfaceOf(type.file), where, problems);
  if (type.kind === 'array') {
    if (Array.isArray(value))
      value.forEach((v, i) => check(v, type.item, `${where}[${i}]`, problems));
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields.get(key);
    if (field) check(v, field, `${where}.${key}`, problems);
    else if (!type.open) problems.push(`${where}.${key}`);
  }
}

/** Field paths in `manifest` that the declaration file `dts` does not define. */
export function unknownFields(manifest: unknown, dts: string): string[] {
  const problems: string[] = [];
  check(manifest, interfaceOf(dts), '', problems);
  return problems.map((p) => p.replace(/^\./, ''));
}

/** The declaration file of a model, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function declarationFile(model: string): string {
  return resolveImport(path.join(__dirname, 'x.ts'), model);
}
