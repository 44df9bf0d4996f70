import type { RequestHandler } from 'express';
import { EditJobNotFoundError, EditJobStateError, type EditQueue } from '@darkroom/jobs';
import { ApiError } from '../api-error';
import { runNotFound } from './get-run';

/**
 * `POST /v1/runs/{id}:retry`: a failed run goes on from where it stopped (`EditQueue.retryRun`:
 * its failed steps retried, the steps that never started enqueued in turn, completed steps left
 * as they are): `202 {id, state}` with the state it is in now; `404` for an unknown id; `409
 * not_failed` for a run that is not failed (nothing changed).
 */
export function retryRun(edits: EditQueue): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    try {
      await edits.retryRun(id);
    } catch (err) {
      if (err instanceof EditJobNotFoundError) throw runNotFound(id);
      if (err instanceof EditJobStateError) {
        throw new ApiError(
          409,
          'not_failed',
          `run ${id} is ${err.state}: only a failed run can be retried; nothing was changed`,
        );
      }
      throw err;
    }
    const status = await edits.getRun(id);
    res.status(202).json({ id, state: status?.state ?? 'waiting' });
  };
}
