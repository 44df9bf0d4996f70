import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';

/**
 * `POST /v1/edits/:id:retry`: a failed edit runs again, as the dashboard's Retry button does
 * (`EditQueue.retry`): `202 {id, state}` with the state it is in now; `404` for an unknown id;
 * `409 not_failed` for an edit that is not failed (nothing changed).
 */
export function retryEdit(edits: EditQueue): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    await edits.retry(id);
    const status = await edits.get(id);
    res.status(202).json({ id, state: status?.state ?? 'waiting' });
  };
}
