import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import { ApiError } from '../api-error';
import { runView } from '../../recipes/run-schemas';
import { clientGone, parseWait } from '../edit-handlers/request-input';

/** The 404 of every route that names a run by id. */
export function runNotFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `no run ${id}`);
}

/**
 * `GET /v1/runs/{id}[?wait=]`: the run now, each step with its edit's id and state, its outputs
 * or its failure; with a wait, once it ends or the wait is over, whichever comes first. 404 for an
 * unknown id (one not shaped as a run id never reaches Redis).
 */
export function getRun(edits: EditQueue, maxWaitSeconds: number): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const wait = parseWait(req.query.wait, maxWaitSeconds);
    const { id } = req.params;
    const first = await edits.getRun(id);
    if (!first) throw runNotFound(id);
    if (wait === 0 || first.state === 'completed' || first.state === 'failed') {
      res.json(runView(first));
      return;
    }
    const status = await edits.waitForRun(id, {
      timeoutMs: wait * 1000,
      signal: clientGone(res),
    });
    if (!status) throw runNotFound(id);
    if (!res.writableEnded && !res.destroyed) res.json(runView(status));
  };
}
