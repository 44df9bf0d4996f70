import type { RequestHandler } from 'express';
import {
  EditSearchError,
  parseEditSearchParams,
  type EditQueue,
  type EditSearchParams,
} from '@darkroom/jobs';
import { ApiError } from '../api-error';

/** The query parameters `GET /v1/edits` reads; any other is refused rather than ignored. */
const PARAMS = [
  'state',
  'tenant',
  'operation',
  'account',
  'adobeJobId',
  'since',
  'cursor',
  'limit',
] as const satisfies readonly (keyof EditSearchParams)[];

function badParam(field: string, rule: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', message, [{ path: field, rule, message }]);
}

/**
 * `GET /v1/edits?state=&tenant=&operation=&account=&adobeJobId=&since=&cursor=&limit=`: edits
 * matching every filter given, a page at a time (`EditQueue.list`): `{ items, cursor? }`. A
 * page may hold fewer than `limit` items and still have a cursor: the scan's budget for one
 * request ran out; follow the cursor.
 */
export function listEdits(edits: EditQueue): RequestHandler {
  return async (req, res) => {
    const unknown = Object.keys(req.query).find(
      (name) => !(PARAMS as readonly string[]).includes(name),
    );
    if (unknown !== undefined) {
      throw badParam(unknown, 'unknown', `unknown parameter ${unknown}; use ${PARAMS.join(', ')}`);
    }
    try {
      const page = await edits.list(parseEditSearchParams(req.query));
      res.json({ items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) });
    } catch (err) {
      throw err instanceof EditSearchError ? badParam(err.field, err.rule, err.message) : err;
    }
  };
}
