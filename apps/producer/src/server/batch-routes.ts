import { Router, type RequestHandler } from 'express';
import type { CallbackDispatcher, DeliveryState } from '@darkroom/callbacks';
import type { EditBatchStatus, EditQueue } from '@darkroom/jobs';
import { callbackStatusOf, type CallbackStatus } from '../callbacks/callback-status';
import { ApiError } from './api-error';

/** A batch's callback: `awaiting_batch` until its last edit ends, then the delivery's state. */
export type BatchCallbackStatus = Omit<CallbackStatus, 'state'> & {
  state: DeliveryState | 'awaiting_batch';
};

/** A batch as the API answers it. */
export type BatchView = Omit<EditBatchStatus, 'callback'> & { callback?: BatchCallbackStatus };

async function withBatchCallback(
  batch: EditBatchStatus,
  callbacks: Pick<CallbackDispatcher, 'getDelivery'> | undefined,
): Promise<BatchView> {
  const { callback, ...rest } = batch;
  if (!callback) return rest;
  const view = callbacks ? await callbacks.getDelivery(batch.id) : null;
  if (view) return { ...rest, callback: { ...callbackStatusOf(view), state: view.state } };
  return { ...rest, callback: { state: 'awaiting_batch', attempts: 0, ...callback } };
}

/**
 * `GET /v1/batches/:id`: the batch's members by state now, `done` once none can change, and
 * its callback; 404 for an unknown batch (or one past its retention).
 */
function getBatch(
  edits: EditQueue,
  callbacks: Pick<CallbackDispatcher, 'getDelivery'> | undefined,
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    const batch = await edits.getBatch(id);
    if (!batch) throw new ApiError(404, 'not_found', `no batch ${id}`);
    res.json(await withBatchCallback(batch, callbacks));
  };
}

/** The batch routes; batches are created by `POST /v1/edits:batch`. */
export function batchRoutes(edits: EditQueue, callbacks?: CallbackDispatcher): Router {
  const router = Router();
  router.get('/v1/batches/:id', getBatch(edits, callbacks));
  return router;
}
