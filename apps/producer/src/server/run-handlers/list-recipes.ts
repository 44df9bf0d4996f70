import type { RequestHandler } from 'express';
import type { NamedRecipes } from '../../recipes/named-recipes';
import { recipeSummary } from '../../recipes/run-schemas';

/**
 * `GET /v1/recipes`: the recipes this deployment names (DARKROOM_RECIPES), in the file's order,
 * each with its parameters and its steps' names; none without the variable.
 */
export function listRecipes(recipes: NamedRecipes): RequestHandler {
  return (_req, res) => {
    res.json({ items: [...recipes.values()].map(recipeSummary) });
  };
}
