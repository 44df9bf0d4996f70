import type { RequestHandler } from 'express';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import type { EditQueue } from '@darkroom/jobs';
import { withCallback } from '../../callbacks/callback-status';
import { ApiError } from '../api-error';
import { isFinished } from '../wait-for-change';
import { clientGone, notFound } from './request-input';

/** `?wait=` in seconds: absent is 0; anything but a number from 0 to `max` is a 400. */
function parseWait(raw: unknown, max: number): number {
  if (raw === undefined) return 0;
  const seconds = typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(seconds) || seconds > max) {
    throw new ApiError(
      400,
      'invalid_request',
      `wait must be a number of seconds from 0 to ${max}`,
      [{ path: 'wait', rule: 'range', message: `wait must be between 0 and ${max} seconds` }],
    );
  }
  return seconds;
}

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
