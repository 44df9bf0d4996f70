import type { RequestHandler, Response } from 'express';
import type { EditJobStatus, EditQueue } from '@darkroom/jobs';
import { toApiError } from '../error-handler';
import { isFinished } from '../wait-for-change';
import { clientGone, notFound } from './request-input';

/** True when a client following the job would see something new. */
function changed(a: EditJobStatus, b: EditJobStatus): boolean {
  return (
    a.state !== b.state ||
    a.step !== b.step ||
    a.polls !== b.polls ||
    a.attemptsMade !== b.attemptsMade
  );
}

/** Opens the event stream and returns a writer of numbered events on it. */
function openEventStream(res: Response): (event: string, data: unknown) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Reverse proxies (nginx) buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  let seq = 0;
  return (event, data) => {
    seq += 1;
    res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * `GET /v1/edits/:id/events`: server-sent events, `status` now and on every change, then `end`
 * when the job finishes, `gone` when it is removed, or `error` with a code when reading fails.
 */
export function streamEditEvents(
  edits: EditQueue,
  eventsIntervalMs: number,
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    let status = await edits.get(id);
    if (!status) throw notFound(id);
    const gone = clientGone(res);
    const send = openEventStream(res);
    send('status', status);
    // Waits come one after another; the events connection stays open between them.
    const release = edits.holdFinishEvents();
    try {
      while (!isFinished(status) && !gone.aborted) {
        const next: EditJobStatus | null = await edits.waitForFinish(id, {
          timeoutMs: eventsIntervalMs,
          signal: gone,
        });
        if (gone.aborted) break;
        if (!next) {
          send('gone', { id, message: 'the job was removed' });
          break;
        }
        if (changed(status, next)) send('status', next);
        else res.write(': waiting\n\n');
        status = next;
      }
      if (!gone.aborted && isFinished(status)) send('end', { id, state: status.state });
    } catch (err) {
      const { code } = toApiError(err);
      if (!gone.aborted) send('error', { code });
    } finally {
      release();
    }
    res.end();
  };
}
