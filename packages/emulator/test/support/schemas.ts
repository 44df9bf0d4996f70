import { thirdPartyPath } from '@darkroom/testing';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Adobe's published specs; tests read them, product code never does. */
export const SPECS = thirdPartyPath('adobe', 'specs');
export const SAMPLES = thirdPartyPath('adobe', 'samples');

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/**
 * A validator for one v1 status schema. Each family's files reuse the same `$id`s, so every
 * family gets its own Ajv with that family's directory loaded. The documented timestamp format
 * ("YYYY-DD-MMThh:mm:ss.mmmmmZ") is not a JSON Schema format, so formats are not checked.
 */
export function v1Validator(dir: 'PITS' | 'ic' | 'acr', file: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  // Files are registered under their file names (what `$ref`s name); several share one `$id`.
  for (const name of readdirSync(join(SPECS, 'v1', dir))) {
    if (!name.endsWith('.json')) continue;
    const { $id: _id, ...schema } = readJson(join(SPECS, 'v1', dir, name));
    ajv.addSchema(schema, name);
  }
  const validate = ajv.getSchema(file);
  if (!validate) throw new Error(`no schema ${dir}/${file}`);
  return validate;
}

/** OpenAPI 3.0 writes exclusiveMinimum/Maximum as booleans; JSON Schema 7 wants numbers. */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof v === 'boolean') continue;
    out[k] = toJsonSchema(v);
  }
  return out;
}

/** A validator for one component of the v2 OpenAPI file. */
export function v2Validator(
  component: string,
  patch?: (schemas: Record<string, { properties: Record<string, unknown> }>) => void,
): ValidateFunction {
  const spec = readJson(join(SPECS, 'v2', 'photoshopv2-api.json'));
  const components = toJsonSchema(spec.components) as { schemas: Record<string, unknown> };
  patch?.(components.schemas as Record<string, { properties: Record<string, unknown> }>);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'v2.json', components }, 'v2.json');
  const validate = ajv.getSchema(`v2.json#/components/schemas/${component}`);
  if (!validate) throw new Error(`no v2 component ${component}`);
  return validate;
}
