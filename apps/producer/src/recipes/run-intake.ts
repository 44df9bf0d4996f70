import { z } from 'zod';
import {
  RecipeValidationError,
  validateRecipe,
  type EditQueue,
  type EnqueueResult,
  type JobIssue,
  type Recipe,
} from '@darkroom/jobs';
import { fromZodIssues } from '@darkroom/photoshop';
import { prefixPath } from '../validate-jobs';
import { runRequestSchema } from './run-schemas';

/**
 * How a run comes in, whichever door: the HTTP routes and the CLI's Redis path both go through
 * here, so a run is refused with the same issues, at the same paths, by either.
 */

/** The fields of an inline run besides its recipe, which is checked on its own. */
const inlineEnvelopeSchema = runRequestSchema.extend({ recipe: z.unknown().optional() }).strict();

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An issue in the recipe's steps, found once it was bound to the run's values. */
const inSteps = (path: string): boolean => path === 'steps' || /^steps[.[]/.test(path);

/**
 * Stores the run (`EditQueue.enqueueRecipe`); `stepPaths` places the issues the recipe's steps
 * have with this run's values (under `recipe.` for a recipe given whole).
 * @throws {RecipeValidationError} every issue of the run
 * @throws {IdempotencyConflictError} the key names a run of another recipe, values, payer or callback
 */
async function enqueueRun(
  edits: EditQueue,
  input: Record<string, unknown>,
  stepPaths: (path: string) => string,
): Promise<EnqueueResult> {
  try {
    return await edits.enqueueRecipe(input);
  } catch (err) {
    if (!(err instanceof RecipeValidationError)) throw err;
    throw new RecipeValidationError(
      err.issues.map((i) => (inSteps(i.path) ? { ...i, path: stepPaths(i.path) } : i)),
    );
  }
}

/**
 * A run of a named recipe with `body` (`runRequestSchema`: `params`, `account`, `tenant`,
 * `priority`, `deadline`, `idempotencyKey`). Issues name the body's fields (`params.sku`), or the
 * recipe's steps the values make invalid (`steps.card.outputs[0].ref`).
 * @throws {RecipeValidationError} every issue of the run
 * @throws {IdempotencyConflictError} the key names a run of another recipe, values, payer or callback
 */
export async function enqueueNamedRun(
  edits: EditQueue,
  recipe: Recipe,
  body: unknown,
): Promise<EnqueueResult> {
  const envelope = runRequestSchema.safeParse(body);
  if (!envelope.success) throw new RecipeValidationError(fromZodIssues(envelope.error.issues));
  return enqueueRun(edits, { ...(body as Record<string, unknown>), recipe }, (path) => path);
}

/**
 * A run of the recipe `body.recipe`, beside the fields of a named run. The recipe is checked as
 * a named one is at start-up (with `scratch`, the prefix `edits` writes under), then bound; every
 * issue names its place in the body (`recipe.steps.card.input.from`, `params.sku`), and those
 * of the recipe and of the other fields come all at once.
 * @throws {RecipeValidationError} every issue of the recipe or the run
 * @throws {IdempotencyConflictError} the key names a run of another recipe, values, payer or callback
 */
export async function enqueueInlineRun(
  edits: EditQueue,
  body: unknown,
  scratch: string | undefined,
): Promise<EnqueueResult> {
  const envelope = inlineEnvelopeSchema.safeParse(body);
  const issues: JobIssue[] = envelope.success ? [] : fromZodIssues(envelope.error.issues);
  const recipe = isObject(body) ? body.recipe : undefined;
  if (recipe === undefined) {
    issues.push({
      path: 'recipe',
      rule: 'required',
      message: 'recipe is required: the recipe to run',
    });
  } else {
    try {
      await validateRecipe(recipe, { legacyApi: edits.legacyApi, ...(scratch ? { scratch } : {}) });
    } catch (err) {
      if (!(err instanceof RecipeValidationError)) throw err;
      issues.push(...err.issues.map((i) => ({ ...i, path: prefixPath('recipe', i.path) })));
    }
  }
  if (issues.length > 0) throw new RecipeValidationError(issues);
  return enqueueRun(edits, body as Record<string, unknown>, (path) => prefixPath('recipe', path));
}
