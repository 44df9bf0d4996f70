import type { RequestHandler } from 'express';
import type { EditQueue } from '@darkroom/jobs';
import { editLocation } from '../locations';
import { jsonBody } from './request-input';

/**
 * `POST /v1/edits`: 201 with the new job's id and its `Location`, or 200 with the earlier job's
 * on a replay.
 */
export function enqueueEdit(edits: EditQueue): RequestHandler {
  return async (req, res) => {
    const result = await edits.enqueue(jsonBody(req));
    if (result.duplicate) {
      res.status(200).json(result);
      return;
    }
    res.status(201).location(editLocation(result.id)).json(result);
  };
}
