import { type ServerResponse } from 'node:http';
import { type EmulatorContext } from '../emulator-context';
import { InvalidPositionError, type JournalEntry } from '../events/event-journal';
import { authenticate } from '../http/gateway';
import { countReply, reply, replyError } from '../http/reply';
import { requestOrigin } from '../http/request-origin';
import { sendText } from '../http/respond';
import { type RouteHandler } from '../http/route-handler';

/** Where consumers that cannot expose a webhook read the events of their organization. */
export const JOURNAL_PATH = '/events/journal';
const ROUTE = 'events';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** What a 204 (nothing newer) tells the reader to wait before asking again, in seconds. */
export const JOURNAL_RETRY_AFTER_SECONDS = 1;

/** A query parameter or header the journal refuses, named with the rule it breaks. */
function invalidParameter(
  context: EmulatorContext,
  res: ServerResponse,
  field: string,
  rule: string,
): void {
  reply(context, res, ROUTE, 400, {
    error_code: 'invalid_parameter',
    message: `${field} ${rule}`,
    field,
    rule,
  });
}

/** `limit`: absent is the default; otherwise a whole number from 1 to MAX_LIMIT. */
function limitOf(raw: string | null): number | undefined {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\d{1,7}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

/**
 * `GET /events/journal?since=<position>&limit=<n>`: the journal of the caller's organization
 * (the token's client's org, else the request's `x-gw-ims-org-id`), oldest first, behind the
 * same gateway check as status reads. 200 with a page and a `Link: <…>; rel="next"`, or 204
 * with `retry-after` when nothing newer is kept.
 */
export const eventJournal: RouteHandler = (context, { req, res, rawUrl }) => {
  req.resume();
  const auth = authenticate(context, req);
  if ('status' in auth) return replyError(context, res, ROUTE, auth);
  const header = req.headers['x-gw-ims-org-id'];
  const orgId = auth.orgId ?? (typeof header === 'string' && header !== '' ? header : undefined);
  if (orgId === undefined) {
    return invalidParameter(
      context,
      res,
      'x-gw-ims-org-id',
      'is required when the client has no organization',
    );
  }
  const query = new URL(rawUrl, 'http://emulator').searchParams;
  const limit = limitOf(query.get('limit'));
  if (limit === undefined) {
    return invalidParameter(context, res, 'limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  let entries: JournalEntry[];
  try {
    entries = context.events.journal.read(orgId, query.get('since') ?? undefined, limit);
  } catch (err) {
    if (!(err instanceof InvalidPositionError)) throw err;
    return invalidParameter(context, res, 'since', 'must be a position the journal gave out');
  }
  const last = entries.at(-1)?.position;
  if (last === undefined) {
    countReply(context, ROUTE, 204);
    res.writeHead(204, { 'retry-after': String(JOURNAL_RETRY_AFTER_SECONDS) });
    res.end();
    return;
  }
  const origin = requestOrigin(req, context.origin);
  const next = `${origin}${JOURNAL_PATH}?since=${last}${query.has('limit') ? `&limit=${limit}` : ''}`;
  reply(
    context,
    res,
    ROUTE,
    200,
    { events: entries, _page: { last, count: entries.length } },
    { link: `<${next}>; rel="next"` },
  );
};

/**
 * `GET /events/keys/<name>.pem`: the public keys that verify event signatures, at the paths the
 * deliveries name in `x-adobe-public-key1-path` and `x-adobe-public-key2-path`. No gateway
 * check: they are public, as Adobe's are.
 */
export const eventKey: RouteHandler = async (context, { req, res, path }) => {
  req.resume();
  const pem = await context.events.keys.publicKeyAt(path);
  if (pem === undefined) return reply(context, res, ROUTE, 404, { error: 'not_found' });
  countReply(context, ROUTE, 200);
  sendText(res, 200, pem, 'application/x-pem-file');
};
