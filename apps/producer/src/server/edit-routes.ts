import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { EditJobStatus, EditQueue, IdempotencyConflictError, JobIssue } from '@darkroom/jobs';
import { prefixPath, validateJobs } from '../validate-jobs';
import { ApiError } from './api-error';
import { toApiError } from './error-handler';
import { isFinished } from './wait-for-change';

export interface EditRoutesOptions {
  edits: EditQueue;
  maxBatch: number;
  /** Longest `?wait=` accepted, in seconds. */
  maxWaitSeconds: number;
  /** How often a server-sent event stream re-reads a job that has not finished yet. */
  eventsIntervalMs: number;
}

/** The body, or a 415/400 naming why there is none. */
function jsonBody(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json', [
      { path: '', rule: 'content_type', message: 'Content-Type must be application/json' },
    ]);
  }
  throw new ApiError(400, 'invalid_request', 'the request needs a JSON body', [
    { path: '', rule: 'required', message: 'send the edit job as a JSON body' },
  ]);
}

function issuesOf(error: z.ZodError): JobIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    rule: i.code,
    message: i.message,
  }));
}

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

function notFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `no edit job ${id}`);
}

/** An AbortSignal that fires when the client goes away before the response is sent. */
function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

/** `/v1/edits` routes: enqueue one, enqueue a batch, read, long-poll, stream, cancel. */
export function editRoutes(options: EditRoutesOptions): Router {
  const { edits, maxBatch, maxWaitSeconds, eventsIntervalMs } = options;
  const router = Router();
  const batchSchema = z.strictObject({
    jobs: z
      .array(z.unknown(), { error: 'jobs must be an array of edit jobs' })
      .min(1, 'jobs must hold at least one edit job')
      .max(maxBatch, `at most ${maxBatch} jobs per batch; split larger sets`),
  });

  router.post('/v1/edits', async (req, res) => {
    const result = await edits.enqueue(jsonBody(req));
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  // path-to-regexp reads `:batch` as a parameter unless the colon is escaped.
  router.post('/v1/edits\\:batch', async (req, res) => {
    const parsed = batchSchema.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_request', 'the batch is invalid', issuesOf(parsed.error));
    }
    const { jobs } = parsed.data;
    const checked = await validateJobs(jobs);
    if (checked.rejected.length > 0) {
      const issues = checked.rejected.flatMap(({ index, issues: list }) =>
        list.map((i) => ({ ...i, path: prefixPath(`jobs[${index}]`, i.path) })),
      );
      throw new ApiError(
        400,
        'invalid_request',
        'nothing was enqueued: some jobs are invalid',
        issues,
      );
    }
    const conflicts = await edits.findIdempotencyConflicts(checked.valid.map((v) => v.job));
    if (conflicts.size > 0) {
      const [index, conflict] = [...conflicts][0] as [number, IdempotencyConflictError];
      throw new ApiError(
        409,
        'idempotency_conflict',
        `nothing was enqueued: jobs[${index}] reuses the idempotency key of job ${conflict.jobId} with a different body`,
        [...conflicts].map(([i]) => ({
          path: `jobs[${i}].idempotencyKey`,
          rule: 'idempotency_conflict',
          message: 'this key was already used with a different body',
        })),
      );
    }
    // One chunk, so one pipelined round trip. Every rule that can refuse a job was checked above;
    // only Redis failing during that round trip could leave part of the batch stored.
    const results = await edits.enqueueMany(jobs, { chunkSize: maxBatch });
    res.status(201).json({ results });
  });

  router.get('/v1/edits/:id', async (req, res) => {
    const wait = parseWait(req.query.wait, maxWaitSeconds);
    const { id } = req.params;
    const first = await edits.get(id);
    if (!first) throw notFound(id);
    if (wait === 0 || isFinished(first)) {
      res.json(first);
      return;
    }
    const status = await edits.waitForFinish(id, {
      timeoutMs: wait * 1000,
      signal: clientGone(res),
    });
    if (!status) throw notFound(id);
    if (!res.writableEnded && !res.destroyed) res.json(status);
  });

  router.get('/v1/edits/:id/events', async (req, res) => {
    const { id } = req.params;
    let status = await edits.get(id);
    if (!status) throw notFound(id);
    const gone = clientGone(res);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies (nginx) buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    let seq = 0;
    const send = (event: string, data: unknown): void => {
      seq += 1;
      res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
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
  });

  router.delete('/v1/edits/:id', async (req, res) => {
    const { id } = req.params;
    const outcome = await edits.cancel(id);
    if (outcome === 'not_found') throw notFound(id);
    if (outcome === 'already_finished') {
      throw new ApiError(
        409,
        'already_finished',
        `edit job ${id} already finished; nothing to cancel`,
      );
    }
    res.status(202).json({ id, outcome });
  });

  return router;
}

function changed(a: EditJobStatus, b: EditJobStatus): boolean {
  return (
    a.state !== b.state ||
    a.step !== b.step ||
    a.polls !== b.polls ||
    a.attemptsMade !== b.attemptsMade
  );
}
