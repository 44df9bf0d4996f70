import type { RequestHandler } from 'express';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import type { EditQueue } from '@darkroom/jobs';
import { withCallback } from '../../callbacks/callback-status';
import { isFinished } from '../wait-for-change';
import { clientGone, notFound, parseWait } from './request-input';

/**
 * `GET /v1/edits/:id[?wait=]`: the job now, or, with a wait, once it finishes or the wait is
 * over, whichever comes first; with its `callback` when it has one.
 */
export function getEdit(
  edits: EditQueue,
  maxWaitSeconds: number,
  callbacks?: Pick<CallbackDispatcher, 'getDelivery'>,
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const wait = parseWait(req.query.wait, maxWaitSeconds);
    const { id } = req.params;
    const first = await edits.get(id);
    if (!first) throw notFound(id);
    if (wait === 0 || isFinished(first)) {
      res.json(await withCallback(first, callbacks));
      return;
    }
    const status = await edits.waitForFinish(id, {
      timeoutMs: wait * 1000,
      signal: clientGone(res),
    });
    if (!status) throw notFound(id);
    const shown = await withCallback(status, callbacks);
    if (!res.writableEnded && !res.destroyed) res.json(shown);
  };
}
