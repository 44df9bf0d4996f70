import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import { jsonBody } from './request-input';

/** `POST /v1/edits`: 201 with the new job's id, or 200 with the earlier job's on a replay. */
export function enqueueEdit(edits: EditQueue): RequestHandler {
  return async (req, res) => {
    const result = await edits.enqueue(jsonBody(req));
    res.status(result.duplicate ? 200 : 201).json(result);
  };
}
