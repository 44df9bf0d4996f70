import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPECS_DIR, readSpec } from './specs';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function newAjv(): Ajv {
  // strict off: the files use non-standard formats ("string", "YYYY-DD-MM…") and keywords in
  // places draft-07 does not expect them (minLength on arrays); ajv ignores those, as Adobe must.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  return ajv;
}

const v1Cache = new Map<string, ValidateFunction>();

/**
 * Validator for one v1 JSON-schema file (`PITS/post_text.schema.json`...). Each family folder gets
 * its own Ajv, and every file is registered under its file name, because several files reuse
 * another file's `$id` (file_output_pegasus declares `file_output.schema.json`; the three
 * get_status files share one).
 */
export function v1Validator(relative: string): ValidateFunction {
  const cached = v1Cache.get(relative);
  if (cached) return cached;
  const [dir, file] = relative.split('/') as [string, string];
  const ajv = newAjv();
  for (const f of readdirSync(join(SPECS_DIR, 'v1', dir)).filter((n) => n.endsWith('.json'))) {
    const schema = readSpec(`v1/${dir}/${f}`) as Json;
    ajv.addSchema({ ...schema, $id: f });
  }
  const validate = ajv.getSchema(file);
  if (!validate) throw new Error(`no schema ${relative}`);
  v1Cache.set(relative, validate);
  return validate;
}

/**
 * OpenAPI 3.0 → draft-07: `#/components/schemas` refs become `#/definitions`, `nullable` widens the
 * type, boolean `exclusiveMinimum` (3.0 style) is dropped, and `oneOf` becomes `anyOf`: the v2 file
 * separates JPEG/PNG/PSD/TIFF/JSON outputs only through a discriminator whose subtypes do not
 * constrain `mediaType`, so every output literally matches several branches.
 */
function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (!isObj(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'discriminator' || k === 'example' || k === 'examples' || k === 'xml') continue;
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'oneOf') out.anyOf = toDraft07(v);
    else if (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') {
      if (typeof v === 'number') out[k] = v;
    } else out[k] = toDraft07(v);
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  return out;
}

const openApiAjv = new Map<string, { ajv: Ajv; definitions: Json }>();
const openApiCache = new Map<string, ValidateFunction>();

/** Validator for a component of an OpenAPI file (`v2/photoshopv2-api.json`, `v1/ffs-photoshop_api.json`). */
export function openApiValidator(file: string, component: string): ValidateFunction {
  const key = `${file}#${component}`;
  const cached = openApiCache.get(key);
  if (cached) return cached;
  let entry = openApiAjv.get(file);
  if (!entry) {
    const spec = readSpec(file) as { components: { schemas: Json } };
    entry = { ajv: newAjv(), definitions: toDraft07(spec.components.schemas) as Json };
    openApiAjv.set(file, entry);
  }
  const validate = entry.ajv.compile({
    $ref: `#/definitions/${component}`,
    definitions: entry.definitions,
  });
  openApiCache.set(key, validate);
  return validate;
}

/** Validator for a request schema of specs/v2/photoshopv2-api.json by component name. */
export function v2Validator(component: string): ValidateFunction {
  return openApiValidator('v2/photoshopv2-api.json', component);
}
