import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import { ApiError } from '../api-error';
import { runView } from '../../recipes/run-schemas';

/** The 404 of every route that names a run by id. */
export function runNotFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `no run ${id}`);
}

/**
 * `GET /v1/runs/{id}`: the run now, each step with its edit's id and state, its outputs or its
 * failure; 404 for an unknown id (one not shaped as a run id never reaches Redis).
 */
export function getRun(edits: EditQueue): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    const status = await edits.getRun(id);
    if (!status) throw runNotFound(id);
    res.json(runView(status));
  };
}
