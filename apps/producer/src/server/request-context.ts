import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '@darkroom/observability';

/** Incoming ids are echoed only when they are short and plain, so they cannot forge log lines. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
  errorCode?: string;
}

/** The per-request id and logger set up by {@link requestContext}. */
export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Gives every request an id (the caller's `x-request-id` when acceptable, else a new UUID),
 * echoes it on the response and writes one JSON log line when the response ends: method, path,
 * status, duration. Bodies, query strings and headers are never logged.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const log = logger.child({ requestId });
    Object.assign(res.locals, { requestId, log } satisfies RequestLocals);
    const started = process.hrtime.bigint();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const { errorCode } = locals(res);
      log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          ...(errorCode ? { errorCode } : {}),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
