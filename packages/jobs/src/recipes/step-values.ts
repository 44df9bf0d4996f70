import { getOperation } from '@darkroom/photoshop';
import type { RecipeStep } from './recipe-schema';

/** Where a value sits in a step: `['options', 'layers', 0, 'input']`. */
export type ValuePath = (string | number)[];

/** A place where a step reads an earlier step's output. */
export interface OutputUse {
  path: ValuePath;
  from: string;
  /** As written: checked to be a whole number by the graph checks. */
  output: unknown;
  /** Whether the reference object also names a `ref`. */
  alsoRef: boolean;
}

/** A storage reference written out in a step (not an earlier step's output). */
export interface NamedRef {
  path: ValuePath;
  ref: string;
  access: 'read' | 'write';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit` on every value under `node`, parents first. Steps are checked for nesting depth
 * before anything walks them, so recursion stays shallow.
 */
function walk(node: unknown, path: ValuePath, visit: (node: unknown, path: ValuePath) => void) {
  visit(node, path);
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i], visit));
  else if (isPlainObject(node)) {
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key], visit);
  }
}

/** The step's values that may hold placeholders and output references. */
function partsOf(step: RecipeStep): [ValuePath, unknown][] {
  return [
    [['input'], step.input],
    [['outputs'], step.outputs],
    [['options'], step.options],
  ];
}

/**
 * Every `{ from, output? }` in the step: its main input, or an object in its outputs or options
 * whose `from` is a string (Adobe's own `from` keys, such as text style ranges, are numbers).
 */
export function outputUsesOf(step: RecipeStep): OutputUse[] {
  const uses: OutputUse[] = [];
  for (const [root, value] of partsOf(step)) {
    walk(value, root, (node, path) => {
      if (isPlainObject(node) && typeof node.from === 'string') {
        uses.push({ path, from: node.from, output: node.output, alsoRef: 'ref' in node });
      }
    });
  }
  return uses;
}

/** Every string value in the step with its path, and every key that holds `{{`. */
export function stringsOf(step: RecipeStep): { strings: NamedText[]; keys: NamedText[] } {
  const strings: NamedText[] = [];
  const keys: NamedText[] = [];
  for (const [root, value] of partsOf(step)) {
    walk(value, root, (node, path) => {
      if (typeof node === 'string') strings.push({ path, text: node });
      else if (isPlainObject(node)) {
        for (const key of Object.keys(node)) {
          if (key.includes('{{')) keys.push({ path: [...path, key], text: key });
        }
      }
    });
  }
  return { strings, keys };
}

/** A text at a place in a step. */
export interface NamedText {
  path: ValuePath;
  text: string;
}

/**
 * The storage references the step writes out itself: its main input when it is a string, each
 * output's `ref` (written), and every `{ ref }` inside outputs and options (read).
 */
export function refsNamedIn(step: RecipeStep): NamedRef[] {
  const refs: NamedRef[] = [];
  if (typeof step.input === 'string')
    refs.push({ path: ['input'], ref: step.input, access: 'read' });
  const written: [ValuePath, unknown][] = [
    [['outputs'], step.outputs],
    [['options'], step.options],
  ];
  for (const [root, value] of written) {
    walk(value, root, (node, path) => {
      if (!isPlainObject(node) || typeof node.ref !== 'string') return;
      const isOutput = path.length === 2 && path[0] === 'outputs';
      refs.push({ path: [...path, 'ref'], ref: node.ref, access: isOutput ? 'write' : 'read' });
    });
  }
  return refs;
}

/**
 * A deep copy of `value` with every string passed through `fill` and every `{ from, output? }`
 * object replaced by `{ ref: refOf(from, output), ...its other keys }`. Objects are rebuilt with
 * `Object.fromEntries`, so a `__proto__` key stays a plain key.
 */
export function rewriteValue(
  value: unknown,
  fill: (text: string) => string,
  refOf: (from: string, output: number) => string,
): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((item) => rewriteValue(item, fill, refOf));
  if (!isPlainObject(value)) return value;
  if (typeof value.from === 'string') {
    const { from, output, ...rest } = value;
    const index = typeof output === 'number' ? output : 0;
    return Object.fromEntries([
      ['ref', refOf(from, index)],
      ...Object.entries(rest).map(([k, v]) => [k, rewriteValue(v, fill, refOf)]),
    ]) as unknown;
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, rewriteValue(v, fill, refOf)]),
  );
}

/** The positions where an operation reads a file: where a step may read an earlier output. */
export function readPositionsOf(operation: string): string[] {
  return getOperation(operation)
    .filePositions.filter((p) => p.access === 'read')
    .map((p) => p.path);
}
