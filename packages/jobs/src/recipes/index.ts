export {
  MAX_DESCRIPTION_CHARS,
  MAX_RECIPE_STEPS,
  STEP_NAME,
  recipeSchema,
  recipeStepSchema,
  stepOutputRefSchema,
} from './recipe-schema';
export type { Recipe, RecipeInput, RecipeParam, RecipeStep, StepOutputRef } from './recipe-schema';
export { PARAM_NAME } from './placeholders';
export {
  DEFAULT_PARAM_MAX_CHARS,
  MAX_PARAM_PATTERN_CHARS,
  MAX_PARAM_VALUE_CHARS,
} from './param-rules';
export { CHECK_SCRATCH, validateRecipe } from './validate-recipe';
export type { ValidateRecipeOptions } from './validate-recipe';
export { RUN_ID, bindRecipe } from './bind-recipe';
export type { BindRecipeOptions, BoundRecipe, BoundStep } from './bind-recipe';
export { RecipeValidationError } from './recipe-validation-error';
export {
  exampleRecipes,
  exampleRecipesAt,
  localisedBannerRecipe,
  productCutoutRecipe,
  type ExampleLocations,
} from './examples';
