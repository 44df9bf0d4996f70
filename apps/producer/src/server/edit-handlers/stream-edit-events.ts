import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { EditJobStatus, EditQueue } from '@darkroom/jobs';
import { instanceOf, toApiError } from '../error-handler';
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

/**
 * The id of a `status` event: a digest of the status it carries. Ids name what the client has
 * seen rather than a count, so any producer replica can tell, from a reconnecting client's
 * `Last-Event-ID`, whether the job has changed since, with nothing stored per stream.
 */
export function statusEventId(status: EditJobStatus): string {
  return createHash('sha256').update(JSON.stringify(status)).digest('hex').slice(0, 24);
}

/** The id of the `end` event of a job that finished as `status`. */
export function endEventId(status: EditJobStatus): string {
  return `end-${statusEventId(status)}`;
}

/** `Last-Event-ID` as the client sent it (EventSource sends it on every reconnection). */
function lastEventId(req: Request): string | undefined {
  const value = req.headers['last-event-id'];
  return typeof value === 'string' && value.length > 0 ? value.trim() : undefined;
}

/** Opens the event stream and returns a writer of events, with an id when given one. */
function openEventStream(res: Response): (event: string, data: unknown, id?: string) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Reverse proxies (nginx) buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  // Before any event, so an idle proxy sees bytes and the client knows the stream is open.
  res.write(': open\n\n');
  return (event, data, id) => {
    res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * `GET /v1/edits/:id/events`: server-sent events, `status` now and on every change, then `end`
 * when the job finishes, `gone` when it is removed, or `error` (problem details) when reading
 * fails. `status` and `end` carry an `id:`; a client that reconnects with `Last-Event-ID` resumes
 * after that event: the current status is sent only if it differs from the one the id names
 * (an unknown id replays it), and a client that already had the `end` of a finished job gets
 * `204 No Content`, which tells EventSource to stop reconnecting.
 */
export function streamEditEvents(
  edits: EditQueue,
  eventsIntervalMs: number,
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const { id } = req.params;
    let status = await edits.get(id);
    if (!status) throw notFound(id);
    const resumeAfter = lastEventId(req);
    if (isFinished(status) && resumeAfter === endEventId(status)) {
      res.status(204).end();
      return;
    }
    const gone = clientGone(res);
    const send = openEventStream(res);
    if (resumeAfter !== statusEventId(status)) send('status', status, statusEventId(status));
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
        if (changed(status, next)) send('status', next, statusEventId(next));
        else res.write(': waiting\n\n');
        status = next;
      }
      if (!gone.aborted && isFinished(status)) {
        send('end', { id, state: status.state }, endEventId(status));
      }
    } catch (err) {
      if (!gone.aborted) send('error', toApiError(err).toProblem(instanceOf(req)));
    } finally {
      release();
    }
    res.end();
  };
}
