import { z } from 'zod';
import { MAX_NESTING_DEPTH, MAX_OUTPUTS, operationIds } from '@darkroom/photoshop';
import { label } from '../edit-job';
import { compileParamPattern, MAX_PARAM_PATTERN_CHARS, paramValueProblem } from './param-rules';
import { PARAM_NAME, PARAM_NAME_RULE } from './placeholders';

/**
 * The most steps a recipe may chain: a cut-out, a composite and a handful of renditions fit many
 * times over, and a run stays small enough to check, bind and show as one graph.
 */
export const MAX_RECIPE_STEPS = 20;

/** Step names: they appear in issue paths, scratch references (`<run>/<step>/0.png`) and logs. */
export const STEP_NAME = /^[a-z][a-z0-9-]{0,31}$/;

const STEP_NAME_RULE =
  'step names start with a lowercase letter and hold lowercase letters, digits and "-", up to 32 characters';

/** The longest description a recipe or parameter may carry. */
export const MAX_DESCRIPTION_CHARS = 500;

// Who pays, how urgent and where to call back are set once for a run, so its steps are billed
// and scheduled alike.
const RUN_FIELDS = ['account', 'tenant', 'priority', 'deadline', 'idempotencyKey', 'callback'];

const description = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(MAX_DESCRIPTION_CHARS, `${what} must be at most ${MAX_DESCRIPTION_CHARS} characters`)
    .optional();

/** One declared parameter; its pattern, when given, replaces the default rule on values. */
const recipeParamSchema = z
  .strictObject(
    {
      description: description('description'),
      pattern: z
        .string({ error: 'pattern must be a string holding a regular expression' })
        .min(1, 'pattern must not be empty')
        .max(
          MAX_PARAM_PATTERN_CHARS,
          `pattern must be at most ${MAX_PARAM_PATTERN_CHARS} characters`,
        )
        .optional(),
      default: z.string({ error: 'default must be a string' }).optional(),
    },
    { error: objectError('a parameter', 'description, pattern and default') },
  )
  .superRefine((param, ctx) => {
    if (param.pattern !== undefined) {
      const compiled = compileParamPattern(param.pattern);
      if (!(compiled instanceof RegExp)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `pattern ${compiled.message}`,
          params: { rule: compiled.rule },
        });
        return;
      }
    }
    const problem =
      param.default === undefined ? undefined : paramValueProblem(param, param.default);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `default ${problem.message}`,
        params: { rule: problem.rule },
      });
    }
  });

/**
 * An output of an earlier step, read as a file: `{ from: 'cutout' }` is the first output of step
 * `cutout`, `{ from: 'cutout', output: 1 }` its second.
 */
export const stepOutputRefSchema = z.strictObject(
  {
    from: z.string({ error: 'from must name a step' }).min(1, 'from must name a step'),
    output: z
      .number({ error: "output must be the index of one of the step's outputs" })
      .int('output must be a whole number')
      .min(0, 'output must be 0 or more (0 is the first output)')
      .optional(),
  },
  { error: objectError('a step output reference', 'from and output') },
);

/** An output of a step: with a `ref` it is final; without one Darkroom places it in scratch. */
const stepOutputSchema = z.looseObject(
  {
    ref: z
      .string({ error: 'ref must be a storage reference' })
      .min(1, 'ref must not be empty')
      .optional(),
  },
  { error: 'each output must be an object: { ref?, ...output options }' },
);

/** One edit of a recipe; priority, deadline and who pays are set for the whole run instead. */
export const recipeStepSchema = z
  .strictObject(
    {
      operation: z.enum(operationIds, {
        error: () => `operation must be one of: ${operationIds.join(', ')}`,
      }),
      input: z
        .union([z.string().min(1, 'input must not be empty'), stepOutputRefSchema], {
          error: () => 'input must be a storage reference or { from: "<step>", output?: <index> }',
        })
        .optional(),
      outputs: z
        .array(stepOutputSchema, { error: 'outputs must be a list' })
        .min(1, 'at least one output is required')
        .max(MAX_OUTPUTS, `at most ${MAX_OUTPUTS} outputs (Adobe's limit per request)`),
      options: z
        .record(z.string(), z.unknown(), { error: () => 'options must be an object' })
        .optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') {
          const run = issue.keys.filter((k) => RUN_FIELDS.includes(k));
          return run.length > 0
            ? `${run.join(', ')} ${run.length > 1 ? 'are' : 'is'} set per run, not per step`
            : `a step holds operation, input, outputs and options, not ${issue.keys.join(', ')}`;
        }
        return issue.code === 'invalid_type' ? 'a step must be an object' : undefined;
      },
    },
  )
  .superRefine((step, ctx) => {
    const deep = tooDeep({ input: step.input, outputs: step.outputs, options: step.options });
    if (deep) {
      ctx.addIssue({
        code: 'custom',
        path: deep,
        message: `nested ${deep.length} levels deep; a step's values may nest at most ${MAX_NESTING_DEPTH} levels`,
        params: { rule: 'max-depth' },
      });
    }
  });

/**
 * A recipe: a small graph of edits declared as data. Each step is an edit whose input, outputs
 * and file options may read an earlier step's output (`{ from }`), and whose string values may
 * hold `{{param}}` placeholders filled in for each run.
 */
export const recipeSchema = z.strictObject(
  {
    name: label('name'),
    description: description('description'),
    params: z
      .record(z.string().regex(PARAM_NAME), recipeParamSchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? PARAM_NAME_RULE
            : issue.code === 'invalid_type'
              ? 'params must be an object of named parameters'
              : undefined,
      })
      .optional(),
    steps: z
      .record(z.string().regex(STEP_NAME), recipeStepSchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? STEP_NAME_RULE
            : issue.code === 'invalid_type'
              ? 'steps must be an object of named steps'
              : undefined,
      })
      .superRefine((steps, ctx) => {
        const count = Object.keys(steps).length;
        if (count < 1 || count > MAX_RECIPE_STEPS) {
          ctx.addIssue({
            code: 'custom',
            message: `a recipe has 1 to ${MAX_RECIPE_STEPS} steps, got ${count}`,
            params: { rule: 'step_count' },
          });
        }
      }),
  },
  { error: objectError('a recipe', 'name, description, params and steps') },
);

/** A recipe as written (defaults not yet applied). */
export type RecipeInput = z.input<typeof recipeSchema>;
/** A recipe that passed {@link recipeSchema}. */
export type Recipe = z.output<typeof recipeSchema>;
export type RecipeStep = z.output<typeof recipeStepSchema>;
export type RecipeParam = z.output<typeof recipeParamSchema>;
export type StepOutputRef = z.output<typeof stepOutputRefSchema>;

/** Messages for a strict object: what it must be, and the keys it holds. */
function objectError(what: string, keys: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `${what} holds ${keys}, not ${(issue.keys ?? []).join(', ')}`
      : issue.code === 'invalid_type'
        ? `${what} must be an object`
        : undefined;
}

/**
 * The path of the first array or object nested deeper than Adobe's bodies may be, found without
 * recursion, so that every later walk over a step is safe.
 */
function tooDeep(root: Record<string, unknown>): PropertyKey[] | undefined {
  const todo: { node: unknown; path: PropertyKey[] }[] = Object.entries(root).map(([k, v]) => ({
    node: v,
    path: [k],
  }));
  for (let next = todo.pop(); next; next = todo.pop()) {
    const { node, path } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length > MAX_NESTING_DEPTH) return path;
    const array = Array.isArray(node);
    for (const [key, value] of Object.entries(node)) {
      todo.push({ node: value, path: [...path, array ? Number(key) : key] });
    }
  }
  return undefined;
}
