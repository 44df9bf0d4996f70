import { Router, type RequestHandler } from 'express';
import {
  DeliveryNotFoundError,
  DeliveryStateError,
  type CallbackDispatcher,
} from '@darkroom/callbacks';
import { callbackStatusOf } from '../callbacks/callback-status';
import { ApiError } from './api-error';

/** `?limit=` of the dead list: 1 to 1000, 50 when absent. */
function parseLimit(raw: unknown): number {
  if (raw === undefined) return 50;
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 1000)) {
    throw new ApiError(400, 'invalid_request', 'limit must be a whole number from 1 to 1000', [
      { path: 'limit', rule: 'range', message: 'limit must be a whole number from 1 to 1000' },
    ]);
  }
  return limit;
}

/** `GET /v1/callbacks/dead[?limit=&cursor=]`: dead deliveries, oldest first, a page at a time. */
function listDead(callbacks: CallbackDispatcher): RequestHandler {
  return async (req, res) => {
    const limit = parseLimit(req.query.limit);
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const page = await callbacks.listDead({ limit, ...(cursor ? { cursor } : {}) });
    res.json({
      items: page.items.map((view) => ({ editId: view.editId, ...callbackStatusOf(view) })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  };
}

/**
 * `POST /v1/edits/:id/callback:redeliver`: a dead delivery sent again (pending, attempts from
 * 0, a fresh time window). 404 when the edit has no delivery, 409 when it is not dead.
 */
function redeliver(callbacks: CallbackDispatcher): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    try {
      const view = await callbacks.redeliver(id);
      res.status(202).json({ id, callback: callbackStatusOf(view) });
    } catch (err) {
      if (err instanceof DeliveryNotFoundError) {
        throw new ApiError(404, 'not_found', `no callback delivery for edit job ${id}`);
      }
      if (err instanceof DeliveryStateError) {
        throw new ApiError(409, 'callback_not_dead', err.message);
      }
      throw err;
    }
  };
}

/**
 * The callback routes: the dead list and redelivery. Both read and write Redis only; the
 * workers hold the signing secrets and send.
 */
export function callbackRoutes(callbacks: CallbackDispatcher): Router {
  const router = Router();
  router.get('/v1/callbacks/dead', listDead(callbacks));
  // path-to-regexp reads `:redeliver` as a parameter unless the colon is escaped.
  router.post('/v1/edits/:id/callback\\:redeliver', redeliver(callbacks));
  return router;
}
