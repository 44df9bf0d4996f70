import { thirdPartyPath } from '@darkroom/testing';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Adobe's published contract files, read at test time only. */
export const SPECS_DIR = thirdPartyPath('adobe', 'specs');

/**
 * JSON.parse that tolerates raw control characters inside strings (specs/v1/swagger.json has
 * them): each one inside a string literal is escaped before parsing.
 */
export function parseLenientJson(text: string): unknown {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      else if (code < 0x20) {
        out += `\\u${code.toString(16).padStart(4, '0')}`;
        continue;
      }
    } else if (ch === '"') inString = true;
    out += ch;
  }
  return JSON.parse(out) as unknown;
}

export function readSpec(relative: string): unknown {
  return parseLenientJson(readFileSync(join(SPECS_DIR, relative), 'utf8'));
}

export function schemaFiles(dir: 'PITS' | 'ic' | 'acr'): string[] {
  return readdirSync(join(SPECS_DIR, 'v1', dir)).filter((f) => f.endsWith('.schema.json'));
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CodeSample {
  path: string;
  lang: string;
  /** The body as parsed, or the parse error for samples that are not valid JSON. */
  body?: unknown;
  parseError?: string;
}

/** Request bodies from the `--data '…'` of every curl sample in swagger.json's x-codeSamples. */
export function swaggerCodeSamples(): CodeSample[] {
  const spec = readSpec('v1/swagger.json') as { paths: Record<string, Record<string, Json>> };
  const samples: CodeSample[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const op of Object.values(methods)) {
      const list = op['x-codeSamples'];
      if (!Array.isArray(list)) continue;
      for (const s of list as { lang: string; source: string }[]) {
        const m = /--data(?:-raw)? '([\s\S]*)'\s*$/.exec(s.source);
        if (!m?.[1]) continue;
        const text = m[1].replace(/\\\n/g, '');
        try {
          samples.push({ path, lang: s.lang, body: parseLenientJson(text) });
        } catch (err) {
          samples.push({ path, lang: s.lang, parseError: (err as Error).message });
        }
      }
    }
  }
  return samples;
}

/** Every `examples.*.value` under a response or request body in an OpenAPI 3 file. */
export function openApiExamples(relative: string): { where: string; value: unknown }[] {
  const spec = readSpec(relative) as { paths: Json };
  const found: { where: string; value: unknown }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!isObj(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'examples' && isObj(v) && where.includes('content')) {
        for (const [name, ex] of Object.entries(v)) {
          if (isObj(ex) && 'value' in ex)
            found.push({ where: `${where}/${name}`, value: ex.value });
        }
      } else if (k === 'example' && isObj(v) && where.includes('content')) {
        found.push({ where, value: v });
      } else walk(v, `${where}/${k}`);
    }
  };
  walk(spec.paths, '');
  return found;
}

/**
 * An instance assembled from a JSON-schema file's own `example` values (the files carry examples
 * per field, not per document). Enum fields whose example is not in the enum take the first
 * allowed value; the test reports those separately.
 */
export function exampleFromSchema(relative: string, pointer = ''): unknown {
  const dir = join(SPECS_DIR, relative, '..');
  const doc0 = readSpec(relative) as Json;
  let start: unknown = doc0;
  for (const part of pointer.split('/').filter(Boolean)) start = (start as Json)[part];
  const root = start as Json;
  const resolve = (ref: string, current: Json): [Json, Json] => {
    const [file, at = ''] = ref.split('#');
    const doc = file ? (parseLenientJson(readFileSync(join(dir, file), 'utf8')) as Json) : current;
    let node: unknown = doc;
    for (const part of at.split('/').filter(Boolean)) node = (node as Json)[part];
    return [node as Json, doc];
  };
  const build = (schema: Json, doc: Json, depth: number): unknown => {
    if (depth > 12) return undefined;
    if (typeof schema.$ref === 'string') {
      const [target, targetDoc] = resolve(schema.$ref, doc);
      return build(target, targetDoc, depth + 1);
    }
    const allowed = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
    if ('example' in schema && !isObj(schema.example) && !Array.isArray(schema.example)) {
      if (!allowed || allowed.includes(schema.example)) return schema.example;
    }
    if (allowed) return allowed[0];
    const variants = (schema.allOf ?? schema.oneOf ?? schema.anyOf) as Json[] | undefined;
    if (Array.isArray(variants) && !isObj(schema.properties)) {
      const parts = (schema.allOf ? variants : variants.slice(0, 1)).map((v) =>
        build(v, doc, depth + 1),
      );
      if (parts.every(isObj)) return Object.assign({}, ...parts) as Json;
      return parts[0];
    }
    if (isObj(schema.properties)) {
      const obj: Json = {};
      for (const [k, sub] of Object.entries(schema.properties)) {
        if (!isObj(sub)) continue;
        const v = build(sub, doc, depth + 1);
        if (v !== undefined) obj[k] = v;
      }
      return obj;
    }
    if (schema.type === 'array' && isObj(schema.items)) {
      const v = build(schema.items, doc, depth + 1);
      return v === undefined ? [] : [v];
    }
    return 'default' in schema ? schema.default : undefined;
  };
  return build(root, doc0, 0);
}
