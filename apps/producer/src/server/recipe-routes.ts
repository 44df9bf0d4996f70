import { Router } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import type { NamedRecipes } from '../recipes/named-recipes';
import { runInlineRecipe, runNamedRecipe } from './run-handlers/enqueue-run';
import { getRun } from './run-handlers/get-run';
import { listRecipes } from './run-handlers/list-recipes';
import { retryRun } from './run-handlers/retry-run';

export interface RecipeRoutesOptions {
  edits: EditQueue;
  /** The deployment's named recipes (DARKROOM_RECIPES). */
  recipes: NamedRecipes;
  /** DARKROOM_SCRATCH, the prefix `edits` was given: inline recipes are checked against it. */
  scratch: string | undefined;
  /** Longest `GET /v1/runs/{id}?wait=`, in seconds. */
  maxWaitSeconds: number;
}

/**
 * The recipe and run routes: list the named recipes, run one by name or a recipe given whole,
 * read a run, retry a failed one. Each handler lives in its own module under `run-handlers/`.
 */
export function recipeRoutes(options: RecipeRoutesOptions): Router {
  const { edits, recipes, scratch } = options;
  const router = Router();
  router.get('/v1/recipes', listRecipes(recipes));
  router.post('/v1/recipes/:name/runs', runNamedRecipe(edits, recipes));
  router.post('/v1/runs', runInlineRecipe(edits, scratch));
  router.get('/v1/runs/:id', getRun(edits, options.maxWaitSeconds));
  // path-to-regexp reads `:retry` as a parameter unless the colon is escaped.
  router.post('/v1/runs/:id\\:retry', retryRun(edits));
  return router;
}
