import { z } from 'zod';
import {
  editJobStates,
  FAILURE_REASONS,
  recipeRunRequestSchema,
  recipeSchema,
  type Recipe,
  type RecipeRunStatus,
} from '@darkroom/jobs';

/**
 * The bodies and answers of the recipe and run routes as zod schemas: the routes check bodies
 * with them and the OpenAPI document is generated from them, so the two cannot drift.
 */

/** `POST /v1/recipes/{name}/runs`: the run request of `@darkroom/jobs`, as the queue takes it. */
export const runRequestSchema = recipeRunRequestSchema.describe(
  'a run of a named recipe: its parameter values, who pays, priority, deadline, idempotency key and callback',
);

/** `POST /v1/runs`: a run of a recipe given whole, beside the fields of a named run. */
export const inlineRunRequestSchema = runRequestSchema
  .extend({ recipe: recipeSchema })
  .strict()
  .describe('a run of the recipe it carries: the recipe, its parameter values, who pays, …');

const failureReason = z.enum([...FAILURE_REASONS, 'unknown']);

/** One step of a run, as `GET /v1/runs/{id}` shows it. */
const runStepSchema = z.object({
  name: z.string(),
  needs: z.array(z.string()).describe('the steps whose outputs this one reads'),
  editId: z
    .string()
    .describe("the step's edit (GET /v1/edits/{id}): known before it is enqueued, by key"),
  state: z
    .enum([...editJobStates, 'pending'])
    .describe("`pending` until the steps it reads from completed; then its edit's state"),
  remoteJobId: z.string().optional().describe("the Adobe job of the step's edit"),
  failure: z.object({ reason: failureReason, message: z.string() }).optional(),
});

/** A recipe run now: `GET /v1/runs/{id}`. */
export const runStatusSchema = z
  .object({
    id: z.string(),
    recipe: z.string().describe("the recipe's name"),
    state: z
      .enum(['waiting', 'running', 'completed', 'failed'])
      .describe(
        '`waiting` until a step starts, `running` while steps are under way, then how it ended',
      ),
    params: z
      .record(z.string(), z.string())
      .describe('the parameter values the run was bound with'),
    account: z.string(),
    tenant: z.string().optional(),
    priority: z
      .number()
      .int()
      .optional()
      .describe("the run's priority (1 is the highest); its later steps go one ahead of it"),
    deadlineAt: z
      .number()
      .int()
      .optional()
      .describe('epoch milliseconds after which the run ends `deadline_exceeded`'),
    callback: z
      .object({ target: z.string().describe('origin and path of the callback URL') })
      .optional()
      .describe('where `run.completed` or `run.failed` is POSTed'),
    round: z
      .number()
      .int()
      .describe('0, then one more each time a retry had to start every step again'),
    enqueuedAt: z.number().int().describe('epoch milliseconds'),
    finishedAt: z.number().int().optional().describe('epoch milliseconds'),
    steps: z.array(runStepSchema).describe('every step, each after the steps it reads from'),
    outputs: z
      .array(z.string())
      .optional()
      .describe('when completed: the storage references the run wrote (never a URL)'),
    failure: z
      .object({
        step: z.string().optional().describe('the step that failed, if one did'),
        reason: z
          .string()
          .describe("the failed step's reason, or the run's own (`deadline_exceeded`, …)"),
        message: z.string(),
      })
      .optional(),
  })
  .describe('a recipe run: its state, each step with its edit, its outputs or failure');

/** The answer of `POST /v1/runs/{id}:retry`. */
export const runRetrySchema = z.object({
  id: z.string(),
  state: runStatusSchema.shape.state,
});

/** One named recipe as `GET /v1/recipes` lists it: enough to run it, not its steps' edits. */
export const recipeSummarySchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  params: z
    .record(
      z.string(),
      z.object({
        description: z.string().optional(),
        pattern: z.string().optional().describe('the whole value must match it'),
        default: z.string().optional().describe('the value when a run gives none'),
      }),
    )
    .describe('the parameters a run gives values for; those without a default are required'),
  steps: z.array(z.string()).describe("the steps' names"),
});

export type RecipeSummary = z.output<typeof recipeSummarySchema>;
export type RunStatusView = z.output<typeof runStatusSchema>;

/** A named recipe as `GET /v1/recipes` lists it. */
export function recipeSummary(recipe: Recipe): RecipeSummary {
  return {
    name: recipe.name,
    ...(recipe.description !== undefined ? { description: recipe.description } : {}),
    params: Object.fromEntries(
      Object.entries(recipe.params ?? {}).map(([name, param]) => [
        name,
        {
          ...(param.description !== undefined ? { description: param.description } : {}),
          ...(param.pattern !== undefined ? { pattern: param.pattern } : {}),
          ...(param.default !== undefined ? { default: param.default } : {}),
        },
      ]),
    ),
    steps: Object.keys(recipe.steps),
  };
}

/**
 * A run as the API answers it: `getRun`'s object as it is. Typed through the schema the document
 * is made of, so a field `RecipeRunStatus` gains or changes fails to compile here first.
 */
export const runView = (status: RecipeRunStatus): RunStatusView => status;
