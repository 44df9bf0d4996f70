import type { RequestHandler, Response } from 'express';
import {
  IdempotencyConflictError,
  RecipeValidationError,
  type EditQueue,
  type EnqueueResult,
} from '@darkroom/jobs';
import type { NamedRecipes } from '../../recipes/named-recipes';
import { enqueueInlineRun, enqueueNamedRun } from '../../recipes/run-intake';
import { ApiError } from '../api-error';
import { jsonBody } from '../edit-handlers/request-input';
import { runLocation } from '../locations';

/**
 * Answers a run's intake as `POST /v1/edits` answers an edit's: 201 with the run's id and its
 * `Location`, or 200 with the earlier run on a replay of its idempotency key; 400 naming every
 * issue, 409 for a key used by another run.
 */
async function answerRun(res: Response, enqueue: () => Promise<EnqueueResult>): Promise<void> {
  let result: EnqueueResult;
  try {
    result = await enqueue();
  } catch (err) {
    if (err instanceof RecipeValidationError) {
      throw new ApiError(
        400,
        'invalid_request',
        'nothing was enqueued: the run is invalid',
        err.issues,
      );
    }
    if (err instanceof IdempotencyConflictError) {
      throw new ApiError(
        409,
        'idempotency_conflict',
        `the idempotency key was already used for run ${err.jobId} with another recipe, parameters, payer or callback; use a new key or resend the original run`,
      );
    }
    throw err;
  }
  if (result.duplicate) {
    res.status(200).json(result);
    return;
  }
  res.status(201).location(runLocation(result.id)).json(result);
}

/**
 * `POST /v1/recipes/{name}/runs`: a run of a recipe the deployment names (DARKROOM_RECIPES) with
 * the body's parameter values; 404 for a name it does not have.
 */
export function runNamedRecipe(
  edits: EditQueue,
  recipes: NamedRecipes,
): RequestHandler<{ name: string }> {
  return async (req, res) => {
    const { name } = req.params;
    const recipe = recipes.get(name);
    if (!recipe) {
      throw new ApiError(404, 'not_found', `no recipe ${name}; GET /v1/recipes lists them`);
    }
    const body = jsonBody(req);
    await answerRun(res, () => enqueueNamedRun(edits, recipe, body));
  };
}

/**
 * `POST /v1/runs`: a run of the recipe the body carries, checked as a named one is at start-up;
 * issues name their place in the body (`recipe.steps.card.input.from`, `params.sku`).
 */
export function runInlineRecipe(edits: EditQueue, scratch: string | undefined): RequestHandler {
  return async (req, res) => {
    const body = jsonBody(req);
    await answerRun(res, () => enqueueInlineRun(edits, body, scratch));
  };
}
