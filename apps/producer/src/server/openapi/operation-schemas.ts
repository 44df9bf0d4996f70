import { z } from 'zod';
import { editJobInputSchema } from '@darkroom/jobs';
import {
  MAX_DIMENSION_PX,
  MAX_OUTPUTS,
  operationIds,
  operations,
  retirementOf,
  type OperationId,
  type OperationSpec,
} from '@darkroom/photoshop';
import { ref, type Schema } from './openapi-parts';

/**
 * Per-operation edit jobs as JSON Schema, generated from the zod schemas intake validates with:
 * the job's envelope from `editJobInputSchema` (`@darkroom/jobs`), and each operation's
 * `options` and output options from the body schema of `@darkroom/photoshop`'s catalog, the one
 * `buildRequestBody` checks every job against. The body is what Adobe receives (presigned URLs,
 * `{href, storage}` or `{url}`); a job writes `{ "ref": "<storage reference>" }` at the same file
 * positions (the catalog's `filePositions`), so those are rewritten to `FileRef`, and the keys the
 * builder fills in (an output's `href`, `storage`, `destination`) are left out.
 */

/** The component every file position of a job refers to. */
export const FILE_REF = 'FileRef';

/** Output keys the builder derives from an output's `ref`; a job may not name them. */
const MANAGED_OUTPUT_KEYS = ['href', 'storage', 'storageType', 'destination'];
/** Keys of a v2 body the builder fills from the job's input and outputs. */
const MANAGED_ROOT_KEYS = ['image', 'outputs', 'output'];
/** Output keys whose values intake bounds to whole pixels (`dimension-range`). */
const DIMENSION_KEYS = ['width', 'height', 'maxWidth'];

const isObject = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The component of one operation's job: `EditJob.v2.createComposite`. Named under `EditJob`
 * with the operation id as it is, so no operation (`edit`, say) can collide with another name.
 */
export function jobComponentName(operation: OperationId): string {
  return `EditJob.${operation}`;
}

/** zod names the parts it moves to `$defs` `__schema0`…: `<prefix>.part0`… in the document. */
const defName = (prefix: string, name: string): string =>
  `${prefix}.${name.replace(/^_*schema/, 'part')}`;

/**
 * A zod schema as JSON Schema (input side) and its `$defs` (recursive parts, such as v1 layers
 * holding layers), renamed under `prefix` and pointed at `#/components/schemas/`.
 */
function toJsonSchema(schema: z.ZodType, prefix: string): { root: Schema; defs: Schema } {
  const raw = JSON.stringify(
    // `deadline` also takes a JavaScript Date in-process; over HTTP only its other forms exist.
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  ).replace(
    /"#\/\$defs\/([^"]+)"/g,
    (_m, name: string) => `"#/components/schemas/${defName(prefix, name)}"`,
  );
  const { $schema: _dialect, $defs = {}, ...root } = JSON.parse(raw) as Schema & { $defs?: Schema };
  const defs: Schema = {};
  for (const [name, def] of Object.entries($defs)) defs[defName(prefix, name)] = def;
  return { root, defs };
}

/** A copy of an object schema without `keys` (in `properties` and in `required`). */
function without(schema: Schema, keys: readonly string[]): Schema {
  const properties = { ...(schema.properties as Schema | undefined) };
  for (const key of keys) delete properties[key];
  const required = ((schema.required as string[] | undefined) ?? []).filter(
    (k) => !keys.includes(k),
  );
  const { required: _r, ...rest } = schema;
  return { ...rest, properties, ...(required.length > 0 ? { required } : {}) };
}

/** True for the body form of a file: an object schema with `url` or `href`. */
function namesUrl(schema: Schema): boolean {
  const properties = schema.properties as Schema | undefined;
  return properties !== undefined && ('url' in properties || 'href' in properties);
}

/**
 * The job form of a file position: `{url}`/`{href, storage}` (alone or among the branches of a
 * union) becomes `FileRef`; other branches (inline action content) stay.
 */
function asFileRef(schema: Schema): Schema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const kept = (branches as Schema[]).flatMap((b) => {
      const rewritten = asFileRef(b);
      if (rewritten.$ref === `#/components/schemas/${FILE_REF}`) return [];
      // A union inside a union (a file, or inline content) is flattened into this one.
      const inner = rewritten.anyOf;
      return Array.isArray(inner) && Object.keys(rewritten).length === 1
        ? (inner as Schema[]).filter((i) => i.$ref !== `#/components/schemas/${FILE_REF}`)
        : [rewritten];
    });
    return kept.length === 0 ? ref(FILE_REF) : { anyOf: [ref(FILE_REF), ...kept] };
  }
  return namesUrl(schema) ? ref(FILE_REF) : schema;
}

/**
 * `schema` with the node at `path` (`layers[].input`: `[]` is any item) replaced by its job form.
 * Unions are followed into every branch that has the path; `$ref`s into `defs` are rewritten in
 * place, which is what makes a recursive layer's children take refs too.
 */
function rewriteAt(schema: Schema, path: readonly string[], defs: Schema): Schema {
  const [head, ...rest] = path;
  if (head === undefined) return asFileRef(schema);
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const def = defs[name];
    if (isObject(def)) defs[name] = rewriteAt(def, path, defs);
    return schema;
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      return { ...schema, [key]: (branches as Schema[]).map((b) => rewriteAt(b, path, defs)) };
    }
  }
  if (head === '[]') {
    return isObject(schema.items)
      ? { ...schema, items: rewriteAt(schema.items, rest, defs) }
      : schema;
  }
  const properties = schema.properties as Schema | undefined;
  const child = properties?.[head];
  if (!properties || !isObject(child)) return schema;
  return { ...schema, properties: { ...properties, [head]: rewriteAt(child, rest, defs) } };
}

/** `options.layers[].input` → `['layers', '[]', 'input']` under `prefix` (`options`), else null. */
function positionUnder(position: string, prefix: string): string[] | null {
  if (!position.startsWith(`${prefix}.`) && !position.startsWith(`${prefix}[]`)) return null;
  return position
    .slice(prefix.length)
    .split(/\.|(?=\[\])|(?<=\[\])/)
    .filter((part) => part.length > 0);
}

/** Every file position of the operation under `prefix`, rewritten to `FileRef`. */
function withFileRefs(schema: Schema, op: OperationSpec, prefix: string, defs: Schema): Schema {
  let out = schema;
  for (const { path } of op.filePositions) {
    const at = positionUnder(path, prefix);
    if (at && at.length > 0) out = rewriteAt(out, at, defs);
  }
  return out;
}

/** The body's schema of one output (`outputs[]` item, or the one `output`), if it has one. */
function bodyOutputSchema(op: OperationSpec, body: Schema): Schema | undefined {
  const properties = (body.properties ?? {}) as Schema;
  const many = properties.outputs;
  if (isObject(many) && isObject(many.items)) return many.items;
  return isObject(properties.output) ? properties.output : undefined;
}

/** One output of a job of `op`: a `ref` plus the operation's output options. */
function outputSchema(op: OperationSpec, body: Schema, refSchema: Schema, defs: Schema): Schema {
  const fromBody = op.maxOutputs > 0 ? bodyOutputSchema(op, body) : undefined;
  if (!fromBody) {
    // Results that come back in the status reply are written to one JSON output.
    return {
      type: 'object',
      required: ['ref'],
      properties: { ref: refSchema, type: { const: 'application/json' } },
      description: `${op.id} answers in its status: Darkroom writes that answer to this one JSON output`,
    };
  }
  const trimmed = without(fromBody, MANAGED_OUTPUT_KEYS);
  const properties: Schema = { ref: refSchema, ...(trimmed.properties as Schema) };
  for (const key of DIMENSION_KEYS) {
    if (key in properties) {
      properties[key] = { type: 'integer', minimum: 0, maximum: MAX_DIMENSION_PX };
    }
  }
  const required = ['ref', ...((trimmed.required as string[] | undefined) ?? [])];
  return withFileRefs({ ...trimmed, properties, required }, op, 'outputs[]', defs);
}

/** The job's `options` for `op`, and whether the body makes them required. */
function optionsSchema(
  op: OperationSpec,
  body: Schema,
  anyOptions: Schema,
  defs: Schema,
): { schema: Schema; required: boolean } {
  const properties = (body.properties ?? {}) as Schema;
  let schema: Schema;
  let required: boolean;
  if (op.optionsTarget === 'root') {
    // Merged into the body's top level: every key but those the builder owns.
    schema = without(body, MANAGED_ROOT_KEYS);
    required = ((schema.required as string[] | undefined) ?? []).length > 0;
  } else {
    schema = isObject(properties.options) ? properties.options : anyOptions;
    required = ((body.required as string[] | undefined) ?? []).includes('options');
  }
  const inputs = properties.inputs;
  if (op.bodyShape === 'lightroom-inputs.source' && isObject(inputs)) {
    // `options.presets` moves to the body's `inputs.presets`.
    const presets = (inputs.properties as Schema | undefined)?.presets;
    if (isObject(presets)) {
      const needed = ((inputs.required as string[] | undefined) ?? []).includes('presets');
      schema = {
        type: 'object',
        ...schema,
        properties: { ...(schema.properties as Schema | undefined), presets },
        ...(needed ? { required: [...((schema.required as string[]) ?? []), 'presets'] } : {}),
      };
      required ||= needed;
    }
  }
  return { schema: withFileRefs(schema, op, 'options', defs), required };
}

/** The components of one operation's job: the job itself and the recursive parts it refers to. */
function operationJob(op: OperationSpec, envelope: Schema): Schema {
  const name = jobComponentName(op.id);
  const { root: body, defs } = toJsonSchema(op.bodySchema, name);
  const fields = envelope.properties as Schema;
  const options = optionsSchema(op, body, fields.options as Schema, defs);
  const { operation: _op, input, outputs: _outputs, options: _options, ...common } = fields;
  const maxOutputs = op.maxOutputs === 0 ? 1 : Math.min(op.maxOutputs, MAX_OUTPUTS);
  const refSchema = ((fields.outputs as Schema).items as Schema & { properties: Schema }).properties
    .ref as Schema;
  const retired = retirementOf(op.id);
  const job: Schema = {
    type: 'object',
    description: `An edit job running ${op.id} (${op.method} ${op.path} at Adobe)${
      retired
        ? `; Adobe retired it on ${retired.endOfLife} (use ${retired.replacement}): refused with rule \`retired_api\` unless DARKROOM_LEGACY_API=allow`
        : ''
    }`,
    required: [
      'operation',
      ...(op.mainInput === 'required' ? ['input'] : []),
      'outputs',
      ...(options.required ? ['options'] : []),
    ],
    properties: {
      operation: { type: 'string', const: op.id },
      // An operation without a main input refuses one: it is left out of the closed object.
      ...(op.mainInput === 'none' ? {} : { input }),
      outputs: {
        type: 'array',
        minItems: 1,
        maxItems: maxOutputs,
        items: outputSchema(op, body, refSchema, defs),
      },
      options: options.schema,
      ...common,
    },
    additionalProperties: false,
  };
  return { [name]: job, ...defs };
}

/** The job envelope of `editJobInputSchema`, as JSON Schema. */
function envelopeSchema(): Schema {
  const envelope = toJsonSchema(editJobInputSchema, 'EditJob_').root;
  const properties = envelope.properties as Schema;
  const deadline = properties.deadline as Schema;
  if (Array.isArray(deadline.anyOf)) {
    // The Date form is unrepresentable (an empty schema, which would accept anything).
    const forms = (deadline.anyOf as Schema[]).filter((form) => Object.keys(form).length > 0);
    properties.deadline = { ...deadline, anyOf: forms };
  }
  return envelope;
}

/**
 * The document's edit-job components: `EditJob`, a `oneOf` discriminated by `operation`, one
 * `EditJob.<operation>` per operation of the catalog, and `FileRef`.
 */
export function editJobComponents(): Schema {
  const envelope = envelopeSchema();
  const refSchema = (envelope.properties as { outputs: { items: { properties: Schema } } }).outputs
    .items.properties.ref as Schema;
  const components: Schema = {
    [FILE_REF]: {
      type: 'object',
      required: ['ref'],
      properties: { ref: refSchema },
      description:
        'a file the operation reads, named by storage reference (s3://bucket/key, azure://account/container/blob, dropbox:/path); never a URL',
    },
  };
  const mapping: Record<string, string> = {};
  for (const id of operationIds) {
    Object.assign(components, operationJob(operations[id], envelope));
    mapping[id] = `#/components/schemas/${jobComponentName(id)}`;
  }
  components.EditJob = {
    description:
      "An edit job: the operation picks the shape of `options` and of each output's options",
    oneOf: operationIds.map((id) => ref(jobComponentName(id))),
    discriminator: { propertyName: 'operation', mapping },
  };
  return components;
}
