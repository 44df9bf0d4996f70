import { fromZodIssues, type LegacyPolicy } from '@darkroom/photoshop';
import { placeholderIssues } from './placeholder-checks';
import { graphIssues } from './recipe-graph';
import { planRecipe } from './recipe-plan';
import { namedRefsOf, refConflictIssues, scratchIssues, storeRootIssues } from './recipe-refs';
import { recipeSchema, type Recipe } from './recipe-schema';
import { RecipeValidationError } from './recipe-validation-error';
import { stepEditIssues } from './step-edit-issues';

/**
 * Where intermediate outputs are imagined while a recipe is checked without a run: a store that
 * is never written (the `.invalid` name is reserved, RFC 6761).
 */
export const CHECK_SCRATCH = 's3://scratch.invalid/';

/** The run id intermediate outputs are imagined under while a recipe is checked. */
const CHECK_RUN_ID = 'check';

/** What {@link validateRecipe} needs to know beyond the recipe. */
export interface ValidateRecipeOptions {
  /** What to do with steps on retired Adobe APIs, as for a single edit. @defaultValue 'allow' */
  legacyApi?: LegacyPolicy;
  /**
   * The deployment's scratch prefix, so intermediate outputs are checked in the kind of store
   * they will be written to. @defaultValue {@link CHECK_SCRATCH}
   */
  scratch?: string;
}

/**
 * The checks that need no edit: the shape, the placeholders against the params, the stores
 * references name, the graph, and outputs that collide. Throws `RecipeValidationError`.
 */
export function checkRecipe(recipe: unknown): Recipe {
  const parsed = recipeSchema.safeParse(recipe);
  if (!parsed.success) throw new RecipeValidationError(fromZodIssues(parsed.error.issues));
  const checked = parsed.data;
  const issues = [
    ...placeholderIssues(checked),
    ...storeRootIssues(checked),
    ...graphIssues(checked),
    ...refConflictIssues(namedRefsOf(checked)),
  ];
  if (issues.length > 0) throw new RecipeValidationError(issues);
  return checked;
}

/**
 * Validates a recipe and returns it parsed, or throws `RecipeValidationError` (an
 * `EditJobValidationError`) listing every issue with its path (`steps.composite.input.from`) and
 * rule. Beyond the shape and the graph, each step is checked as the edit it becomes: each
 * placeholder filled with its parameter's default (or `x`), each intermediate output and each
 * `{ from }` given a scratch reference, and the result held to every rule of `validateEditJob`.
 * Nothing here touches Redis, storage or the network.
 */
export async function validateRecipe(
  recipe: unknown,
  options: ValidateRecipeOptions = {},
): Promise<Recipe> {
  const checked = checkRecipe(recipe);
  const scratch = options.scratch ?? CHECK_SCRATCH;
  const scratchProblems = scratchIssues(scratch, CHECK_RUN_ID);
  if (scratchProblems.length > 0) throw new RecipeValidationError(scratchProblems);
  const params = checked.params ?? {};
  const plan = planRecipe(
    checked,
    (name) => (Object.hasOwn(params, name) ? params[name]?.default : undefined) ?? 'x',
    `${scratch}${CHECK_RUN_ID}/`,
  );
  const issues = await stepEditIssues(plan, options);
  if (issues.length > 0) throw new RecipeValidationError(issues);
  return checked;
}
