import { Router } from 'express';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import type { EditQueue } from '@darkroom/jobs';
import { cancelEdit } from './edit-handlers/cancel-edit';
import { enqueueBatch } from './edit-handlers/enqueue-batch';
import { enqueueEdit } from './edit-handlers/enqueue-edit';
import { getEdit } from './edit-handlers/get-edit';
import { listEdits } from './edit-handlers/list-edits';
import { retryEdit } from './edit-handlers/retry-edit';
import { streamEditEvents } from './edit-handlers/stream-edit-events';

export interface EditRoutesOptions {
  edits: EditQueue;
  maxBatch: number;
  /** Longest `?wait=` accepted, in seconds. */
  maxWaitSeconds: number;
  /** How often a server-sent event stream re-reads a job that has not finished yet. */
  eventsIntervalMs: number;
  /** Delivery state of callbacks, shown with each edit; queues an empty batch's callback. */
  callbacks?: CallbackDispatcher;
}

/**
 * `/v1/edits` routes: enqueue one, enqueue a batch, list and search, read, long-poll, stream,
 * cancel, retry. Each handler lives in its own module under `edit-handlers/`.
 */
export function editRoutes(options: EditRoutesOptions): Router {
  const { edits, maxBatch, maxWaitSeconds, eventsIntervalMs } = options;
  const router = Router();
  router.post('/v1/edits', enqueueEdit(edits));
  // path-to-regexp reads `:batch` as a parameter unless the colon is escaped.
  router.post('/v1/edits\\:batch', enqueueBatch(edits, maxBatch, options.callbacks));
  router.get('/v1/edits', listEdits(edits));
  router.get('/v1/edits/:id', getEdit(edits, maxWaitSeconds, options.callbacks));
  router.get('/v1/edits/:id/events', streamEditEvents(edits, eventsIntervalMs));
  router.delete('/v1/edits/:id', cancelEdit(edits));
  router.post('/v1/edits/:id\\:retry', retryEdit(edits));
  return router;
}
