import { getOperation, type OperationSpec } from './catalog';
import { MAX_DIMENSION_PX } from './contract/v1-common';
import { RequestValidationError, type ValidationIssue } from './errors/request-validation-error';
import { referencedBodySchema, type ResolveRef, type ResolvedLocation } from './edit-request';
import { storageRefSchema } from './storage-ref';
import { formatPath, fromZodIssues } from './validation-issues';

type Json = Record<string, unknown>;

/**
 * The deepest a job's `outputs` and `options` may nest arrays and objects (`options` itself is
 * level 1). Adobe's deepest bodies (layers inside groups) stay far below it; anything deeper is
 * refused before any code walks it, so no job can exhaust the stack.
 */
export const MAX_NESTING_DEPTH = 32;

/** Output options that size an image, checked against {@link MAX_DIMENSION_PX}. */
const DIMENSION_KEYS = ['width', 'height', 'maxWidth'] as const;

const SINGLE_INPUT_RULE =
  'Adobe accepts one main input per request ("All the endpoints only support a single file input", general-workflow.md)';

// Keys through which a job could make Adobe read from or write to any URL it names (a fetch from
// an internal address, an upload into someone else's bucket). Jobs name files only by storage
// reference, and only the worker's presigner turns those into URLs.
const DIRECT_URL_KEYS = new Set(['href', 'url']);
// Output keys the builder owns: a job names where an output goes with `ref` only.
const MANAGED_OUTPUT_KEYS = new Set(['storage', 'destination', 'storageType']);

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The file position a value's path stands at, in the catalog's `filePositions` form:
 * `options.layers[3].children[0].input` → `options.layers[].input` (children nest layers).
 */
export function filePositionOf(path: readonly PropertyKey[]): string {
  const generic = path.map((k) => (typeof k === 'number' ? '[]' : k));
  let out = '';
  for (const k of generic) out += k === '[]' ? '[]' : out ? `.${String(k)}` : String(k);
  return out.replace(/(\.children\[\])+/g, '');
}

interface FoundRef {
  path: PropertyKey[];
  node: Json;
}

/** Collects guard violations and every `{ref}` object under `root`. */
function scan(
  node: unknown,
  path: PropertyKey[],
  allowed: ReadonlySet<string>,
  issues: ValidationIssue[],
  found: FoundRef[],
): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => scan(item, [...path, i], allowed, issues, found));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const key of Object.keys(node)) {
    if (DIRECT_URL_KEYS.has(key)) {
      issues.push({
        path: formatPath([...path, key]),
        rule: 'no-direct-url',
        message: `"${key}" is not accepted in a job; name files with { "ref": "<storage reference>" }`,
      });
    }
  }
  if ('ref' in node) {
    const pattern = filePositionOf(path);
    if (!allowed.has(pattern)) {
      issues.push({
        path: formatPath([...path, 'ref']),
        rule: 'ref-position',
        message: `this operation takes no file at ${pattern || '(root)'}; file positions: ${[...allowed].join(', ')}`,
      });
    } else {
      const ok = storageRefSchema.safeParse(node.ref);
      if (!ok.success) issues.push(...fromZodIssues(ok.error.issues, [...path, 'ref']));
      else found.push({ path, node });
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'ref') continue;
    scan(value, [...path, key], allowed, issues, found);
  }
}

/**
 * The first array or object nested deeper than {@link MAX_NESTING_DEPTH} in the job's outputs
 * or options, found without recursion.
 */
function nestingIssue(job: Json): ValidationIssue | undefined {
  const todo: { node: unknown; path: PropertyKey[] }[] = [
    { node: job.outputs, path: ['outputs'] },
    { node: job.options, path: ['options'] },
  ];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const { node, path } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length > MAX_NESTING_DEPTH) {
      return {
        path: formatPath(path),
        rule: 'max-depth',
        message: `nested ${path.length} levels deep; ${String(path[0])} may nest arrays and objects at most ${MAX_NESTING_DEPTH} levels`,
      };
    }
    const array = Array.isArray(node);
    for (const [key, value] of Object.entries(node)) {
      todo.push({ node: value, path: [...path, array ? Number(key) : key] });
    }
  }
  return undefined;
}

/** Each output's width, height and maxWidth: whole pixels from 0 to {@link MAX_DIMENSION_PX}. */
function dimensionIssues(outputs: unknown[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  outputs.forEach((o, i) => {
    if (!isPlainObject(o)) return;
    for (const key of DIMENSION_KEYS) {
      const value = o[key];
      if (typeof value !== 'number') continue;
      if (!Number.isInteger(value) || value < 0 || value > MAX_DIMENSION_PX) {
        issues.push({
          path: `outputs[${i}].${key}`,
          rule: 'dimension-range',
          message: `${key} must be a whole number of pixels from 0 to ${MAX_DIMENSION_PX} (Adobe's largest dimension), got ${String(value)}`,
        });
      }
    }
  });
  return issues;
}

function precheck(op: OperationSpec, job: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!isPlainObject(job)) {
    return [{ path: '', rule: 'invalid_type', message: 'expected { input, outputs, options }' }];
  }
  const input = job.input;
  if (Array.isArray(input) && input.length > 1) {
    issues.push({ path: 'input', rule: 'single-input', message: SINGLE_INPUT_RULE });
  }
  if ('inputs' in job) {
    issues.push({
      path: 'inputs',
      rule: 'single-input',
      message: `use "input"; ${SINGLE_INPUT_RULE}`,
    });
  }
  const hasInput = input !== undefined && !(Array.isArray(input) && input.length === 0);
  if (op.mainInput === 'required' && !hasInput) {
    issues.push({ path: 'input', rule: 'input-required', message: `${op.id} needs a main input` });
  }
  if (op.mainInput === 'none' && hasInput) {
    issues.push({
      path: 'input',
      rule: 'input-not-accepted',
      message: `${op.id} takes no main input; its files go in options`,
    });
  }
  const options = isPlainObject(job.options) ? job.options : undefined;
  if (options && op.optionsTarget === 'root') {
    // v2 options are merged into the body's top level: they may not replace what the builder owns.
    const owned = [
      op.outputShape === 'output' ? 'output' : 'outputs',
      ...(hasInput || op.mainInput === 'none' ? ['image'] : []),
    ];
    for (const key of owned.filter((k) => k in options)) {
      issues.push({
        path: `options.${key}`,
        rule: 'managed-field',
        message: `"${key}" is built from the job's ${key === 'image' ? 'input' : 'outputs'}`,
      });
    }
  }
  const outputs = Array.isArray(job.outputs) ? job.outputs : [];
  if (outputs.length > op.maxOutputs) {
    issues.push({
      path: 'outputs',
      rule: 'max-outputs',
      message: `${op.id} accepts at most ${op.maxOutputs} outputs per request, got ${outputs.length}`,
    });
  }
  if (op.outputsRequired && outputs.length === 0) {
    issues.push({ path: 'outputs', rule: 'outputs-required', message: `${op.id} needs an output` });
  }
  issues.push(...dimensionIssues(outputs));
  outputs.forEach((o, i) => {
    if (!isPlainObject(o)) return;
    for (const key of Object.keys(o)) {
      if (MANAGED_OUTPUT_KEYS.has(key)) {
        issues.push({
          path: `outputs[${i}].${key}`,
          rule: 'managed-field',
          message: `"${key}" is derived from the output's ref`,
        });
      }
    }
  });
  return issues;
}

function outputContentType(node: Json): string | undefined {
  const t = node.type ?? node.mediaType;
  return typeof t === 'string' ? t : undefined;
}

function v1File(loc: ResolvedLocation): Json {
  return { href: loc.href, storage: loc.storage };
}

function v2Destination(loc: ResolvedLocation): Json {
  return loc.storage === 'external'
    ? { url: loc.href }
    : { url: loc.href, storageType: loc.storage };
}

/**
 * Turns a Darkroom job (`{ input, outputs, options }` with storage references) into the exact JSON
 * Adobe expects for `operationId`, presigning through `resolve`. The job is validated first and
 * nothing is resolved when it is refused: more than one main input, more than the operation's
 * output limit, any `href`/`url` in the job (files are named only by `{ref}`), a `{ref}` at a
 * position the catalog does not list, nesting deeper than {@link MAX_NESTING_DEPTH}, an output
 * dimension outside 0–{@link MAX_DIMENSION_PX}. Throws `RequestValidationError` with `{path, rule, message}`.
 */
export async function buildRequestBody(
  operationId: string,
  job: unknown,
  resolve: ResolveRef,
): Promise<Json> {
  const op = getOperation(operationId);
  // Before anything walks the job: every later check recurses into it.
  const tooDeep = isPlainObject(job) ? nestingIssue(job) : undefined;
  if (tooDeep) throw new RequestValidationError([tooDeep], op.id);
  const issues = precheck(op, job);
  const parsed = referencedBodySchema.safeParse(job);
  if (!parsed.success) {
    const known = new Set(issues.map((i) => i.path));
    for (const issue of fromZodIssues(parsed.error.issues)) {
      if (!known.has(issue.path)) issues.push(issue);
    }
  }
  const allowed = new Set(op.filePositions.map((p) => p.path).filter((p) => p !== 'input'));
  const found: FoundRef[] = [];
  if (isPlainObject(job)) {
    scan({ outputs: job.outputs, options: job.options }, [], allowed, issues, found);
  }
  if (issues.length > 0 || !parsed.success) throw new RequestValidationError(issues, op.id);

  // Work on a copy so the caller's job data never holds presigned URLs.
  const request = structuredClone(parsed.data);
  const copyFound: FoundRef[] = [];
  scan({ outputs: request.outputs, options: request.options }, [], allowed, [], copyFound);

  const input = request.input;
  const [mainLocation] = await Promise.all([
    input === undefined ? Promise.resolve(undefined) : resolve(input, { access: 'read' }),
    ...copyFound.map(async ({ path, node }) => {
      const isOutput = path.length === 2 && path[0] === 'outputs';
      const position = op.filePositions.find((p) => p.path === filePositionOf(path));
      const contentType = isOutput ? outputContentType(node) : undefined;
      const loc = await resolve(node.ref as string, {
        access: position?.access ?? 'read',
        ...(contentType ? { contentType } : {}),
      });
      delete node.ref;
      if (op.generation === 'v1') Object.assign(node, v1File(loc));
      else if (isOutput) node.destination = v2Destination(loc);
      else node.url = loc.href;
    }),
  ]);

  const body = assemble(op, mainLocation, request.outputs ?? [], request.options);
  const check = op.bodySchema.safeParse(body);
  if (!check.success) throw new RequestValidationError(fromZodIssues(check.error.issues), op.id);
  return body;
}

function assemble(
  op: OperationSpec,
  main: ResolvedLocation | undefined,
  outputs: Json[],
  options: Json | undefined,
): Json {
  const opts = options ? { ...options } : undefined;
  const hasOpts = (o: Json | undefined): o is Json => o !== undefined && Object.keys(o).length > 0;
  if (op.generation === 'v2') {
    const body: Json = {};
    if (main) body.image = { source: { url: main.href } };
    if (op.optionsTarget === 'root') Object.assign(body, opts);
    else if (hasOpts(opts)) body.options = opts;
    if (op.maxOutputs > 0 && op.outputShape === 'output') body.output = outputs[0];
    else if (op.maxOutputs > 0) body.outputs = outputs;
    return body;
  }
  switch (op.bodyShape) {
    case 'input': {
      const body: Json = { input: main && v1File(main), output: outputs[0] };
      if (hasOpts(opts)) body.options = opts;
      return body;
    }
    case 'lightroom-inputs': {
      const body: Json = { inputs: main && v1File(main), outputs };
      if (hasOpts(opts)) body.options = opts;
      return body;
    }
    case 'lightroom-inputs.source': {
      const inputs: Json = { source: main && v1File(main) };
      if (opts && 'presets' in opts) {
        inputs.presets = opts.presets;
        delete opts.presets;
      }
      const body: Json = { inputs, outputs };
      if (hasOpts(opts)) body.options = opts;
      return body;
    }
    default: {
      const body: Json = {};
      if (main) body.inputs = [v1File(main)];
      if (hasOpts(opts)) body.options = opts;
      if (op.maxOutputs > 0 && (outputs.length > 0 || op.outputsRequired)) body.outputs = outputs;
      return body;
    }
  }
}
