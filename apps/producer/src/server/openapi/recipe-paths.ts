import { z } from 'zod';
import { recipeSchema } from '@darkroom/jobs';
import {
  inlineRunRequestSchema,
  recipeSummarySchema,
  runRequestSchema,
  runRetrySchema,
  runStatusSchema,
} from '../../recipes/run-schemas';
import { waitParam } from './job-paths';
import { COMMON_ERRORS, error, json, ref, type Schema } from './openapi-parts';

/** Drops the `{}` branches of every `anyOf`: the forms JSON cannot carry (a `Date`). */
function withoutOpenBranches(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutOpenBranches);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'anyOf' && Array.isArray(value)
        ? (value as unknown[])
            .filter((branch) => typeof branch !== 'object' || Object.keys(branch ?? {}).length > 0)
            .map(withoutOpenBranches)
        : withoutOpenBranches(value);
  }
  return out;
}

/**
 * A zod schema of the run routes as a component of the document (`io: 'input'` for bodies, what
 * a client sends; `'output'` for answers). None of them is recursive, so none has `$defs`.
 */
function component(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _dialect, ...root } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as Schema;
  if ('$defs' in root) throw new Error('a run component grew $defs: name its parts instead');
  return withoutOpenBranches(root) as Schema;
}

/**
 * The components the run routes refer to: `Recipe` (what `validateRecipe` takes), the two run
 * requests, `RecipeSummary`, `RecipeRunStatus` and the answer of a retry.
 */
export function recipeComponents(): Schema {
  const inline = component(inlineRunRequestSchema, 'input');
  const properties = inline.properties as Schema;
  return {
    Recipe: {
      ...component(recipeSchema, 'input'),
      description:
        "A recipe: named steps, each an edit, whose input or option files may be an earlier step's output (`{ from: '<step>', output?: <index> }`) and whose strings may hold `{{param}}` placeholders; an output without a `ref` is an intermediate file, written under the run's scratch folder and deleted when the run completes",
    },
    RunRequest: component(runRequestSchema, 'input'),
    // The recipe by reference, rather than a second copy of its schema.
    InlineRunRequest: { ...inline, properties: { ...properties, recipe: ref('Recipe') } },
    RecipeSummary: component(recipeSummarySchema, 'output'),
    RecipeRunStatus: component(runStatusSchema, 'output'),
    RunRetryResult: component(runRetrySchema, 'output'),
  };
}

const runIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the run id (`run-` and 32 or 40 hex digits) a run route returned',
};

/** The answers of both ways to start a run. */
const RUN_ANSWERS: Schema = {
  '201': {
    ...json(ref('EnqueueResult'), 'the run is stored; its steps start as their inputs are ready'),
    headers: {
      Location: { schema: { type: 'string' }, description: '`/v1/runs/{id}`, the new run' },
    },
  },
  '200': json(ref('EnqueueResult'), 'a replay of an idempotency key: the earlier run'),
  '409': error(
    'the idempotency key was used for a run of another recipe, parameters, payer or callback (`idempotency_conflict`)',
  ),
  '413': error('the body is larger than the configured limit'),
  '415': error('the body is not JSON'),
  ...COMMON_ERRORS,
};

/** `GET /v1/recipes` and the two ways to start a run. */
const START_PATHS: Schema = {
  '/v1/recipes': {
    get: {
      operationId: 'listRecipes',
      summary: 'The recipes this deployment names (DARKROOM_RECIPES), with their parameters',
      responses: {
        '200': json(
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('RecipeSummary') } },
          },
          'every named recipe, in the order of its file',
        ),
        ...COMMON_ERRORS,
      },
    },
  },
  '/v1/recipes/{name}/runs': {
    post: {
      operationId: 'runRecipe',
      summary: 'Run a named recipe with these parameter values',
      parameters: [
        {
          name: 'name',
          in: 'path',
          required: true,
          schema: { type: 'string' },
          description: 'a name GET /v1/recipes lists',
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('RunRequest') } },
      },
      responses: {
        ...RUN_ANSWERS,
        '400': error(
          'the run is invalid (`invalid_request`): issues name each field (`params.sku`), or a step the values make invalid (`steps.card.outputs[0].ref`)',
        ),
        '404': error('no recipe of this name'),
      },
    },
  },
  '/v1/runs': {
    post: {
      operationId: 'runInlineRecipe',
      summary: 'Run the recipe the body carries',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('InlineRunRequest') } },
      },
      responses: {
        ...RUN_ANSWERS,
        '400': error(
          'the recipe or the run is invalid (`invalid_request`): issues name each field (`recipe.steps.card.input.from`, `params.sku`)',
        ),
      },
    },
  },
};

/** `POST /v1/runs/{id}:retry`. */
const RETRY_PATHS: Schema = {
  '/v1/runs/{id}:retry': {
    post: {
      operationId: 'retryRun',
      summary:
        'Run a failed run again from where it stopped: failed steps retried, completed ones kept',
      parameters: [runIdParam],
      responses: {
        '202': json(ref('RunRetryResult'), 'going again; `state` is where it is now'),
        '404': error('no such run'),
        '409': error('the run is not failed (`not_failed`); nothing changed'),
        ...COMMON_ERRORS,
      },
    },
  },
};

/**
 * `GET /v1/recipes`, the two ways to start a run, and reading (with `?wait=` up to
 * `maxWaitSeconds`) and retrying one.
 */
export function recipePaths(maxWaitSeconds: number): Schema {
  return {
    ...START_PATHS,
    '/v1/runs/{id}': {
      get: {
        operationId: 'getRun',
        summary:
          'Read a run: its state, each step with its edit, its outputs or failure; with ?wait=, wait for it to end',
        parameters: [runIdParam, waitParam(maxWaitSeconds, 'the run to complete or fail')],
        responses: {
          '200': json(ref('RecipeRunStatus'), 'the run'),
          '400': error('bad wait value'),
          '404': error('no such run'),
          ...COMMON_ERRORS,
        },
      },
    },
    ...RETRY_PATHS,
  };
}
