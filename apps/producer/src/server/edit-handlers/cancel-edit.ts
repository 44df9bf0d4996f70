import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import { ApiError } from '../api-error';
import { notFound } from './request-input';

/**
 * `DELETE /v1/edits/:id`: 202 with `cancelled` (never sent to Adobe; it ends failed/cancelled as
 * soon as a worker takes it) or `requested` (sent to Adobe, which cannot be stopped: it ends
 * failed/cancelled at its next step, but Adobe may still write its outputs); 404 for an unknown
 * id; 409 once the job has finished.
 */
export function cancelEdit(edits: EditQueue): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    const outcome = await edits.cancel(id);
    if (outcome === 'not_found') throw notFound(id);
    if (outcome === 'already_finished') {
      throw new ApiError(
        409,
        'already_finished',
        `edit job ${id} already finished; nothing to cancel`,
      );
    }
    res.status(202).json({ id, outcome });
  };
}
