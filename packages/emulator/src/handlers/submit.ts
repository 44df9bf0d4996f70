import { type IncomingMessage, type ServerResponse } from 'node:http';
import { coerceError, withoutQuery } from '@darkroom/core';
import { type OperationSpec, validateRequestBody } from '@darkroom/photoshop';
import { type EmulatorContext } from '../emulator-context';
import {
  gatewayErrors,
  invalidContentType,
  invalidJson,
  payloadTooLarge,
  validationError,
} from '../http/error-bodies';
import { authenticate } from '../http/gateway';
import { reply, replyError } from '../http/reply';
import { requestOrigin } from '../http/request-origin';
import { BodyTooLargeError, readBody } from '../http/respond';
import { type RouteHandler, type RouteRequest } from '../http/route-handler';
import { type AcceptedReplyFaultKind, type JobRecord } from '../jobs/job-record';
import { statusUrl } from '../jobs/status-views';
import { passGate } from '../limits/request-gate';
import { mainInputHref, outputTargets } from '../operations/job-files';
import { hrefIssues } from '../validation/href-rules';

const MAX_BODY_BYTES = 1024 * 1024;

/** Where a submit writes (outputs without query strings), or its input when it has no outputs. */
function submitLocations(op: OperationSpec, body: unknown): Set<string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return new Set();
  const record = body as Record<string, unknown>;
  const locations = outputTargets(op, record).flatMap((o) =>
    o.href ? [withoutQuery(o.href)] : [],
  );
  const input = mainInputHref(op, record);
  if (locations.length === 0 && input) locations.push(withoutQuery(input));
  return new Set(locations);
}

function parseJson(raw: Buffer): { body: unknown; parseError?: string } {
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    return { body: undefined, parseError: coerceError(err).message };
  }
}

/**
 * A job submit (`POST` on an operation's path). Checks run in Adobe's order: body size, the
 * gateway, the rate limit and faults, then content type, JSON and the request contract; a
 * valid body becomes a job and a 202 with its status link.
 */
async function submit(
  context: EmulatorContext,
  { req, res }: RouteRequest,
  op: OperationSpec,
): Promise<void> {
  const route = op.id;
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return replyError(context, res, route, payloadTooLarge(op.generation, err.limit));
    }
    throw err;
  }
  const { body, parseError } = parseJson(raw);
  const locations = submitLocations(op, body);
  const { evidence } = context;
  // Counted on arrival, before the gateway: every POST a client sent shows up here.
  for (const location of locations) evidence.received(location);
  const auth = authenticate(context, req);
  if ('status' in auth) return replyError(context, res, route, auth);
  const { clientId } = auth;
  const stats = evidence.client(clientId);
  stats.submits += 1;
  // Every submit that reached the service counts as an attempt for its locations, whatever
  // the answer (429, 5xx, dropped, 400 or 202): retries show up here, jobs in submitsByLocation.
  for (const location of locations) evidence.attempt(location);
  const budget = op.limitClasses.submit;
  const gated = { ...auth, req, res, kind: 'submit', budget, route } as const;
  const gate = await passGate(context, { ...gated, generation: op.generation });
  if (gate === 'throttled') for (const location of locations) evidence.throttled(location);
  if (gate) return;

  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !contentType.toLowerCase().includes('json')) {
    stats.rejected += 1;
    return replyError(context, res, route, invalidContentType(op.generation, contentType));
  }
  if (parseError !== undefined) {
    stats.rejected += 1;
    return replyError(context, res, route, invalidJson(op.generation, parseError));
  }
  const checked = validateRequestBody(op.id, body);
  const issues = [
    ...(checked.ok ? [] : checked.issues),
    ...hrefIssues(op, body, context.options.allowHttpLoopbackStorage),
  ];
  if (!checked.ok || issues.length > 0) {
    stats.rejected += 1;
    return replyError(context, res, route, validationError(op.generation, issues));
  }
  const origin = requestOrigin(req, context.origin);
  const org = req.headers['x-gw-ims-org-id'];
  // The gateway checked the header against the client's org; a job without it publishes no event.
  const imsOrgId = typeof org === 'string' && org.trim() !== '' ? org : undefined;
  const job = context.jobs.submit(op, checked.body, clientId, origin, imsOrgId);
  stats.accepted += 1;
  for (const location of submitLocations(op, job.body)) evidence.location(location, job.id);
  const link = statusUrl(origin, job);
  const accepted =
    op.generation === 'v1'
      ? { _links: { self: { href: link } } }
      : { jobId: job.id, statusUrl: link };
  await answerAccepted(context, { req, res, route, job }, accepted);
}

/** Counts a fault on an accepted submit's reply, on the job, in the evidence and the metrics. */
function noteReplyFault(context: EmulatorContext, job: JobRecord, kind: AcceptedReplyFaultKind) {
  job.replyFaults.push(kind);
  context.evidence.replyFault(job.clientId, kind);
  context.metrics.faults.inc({ kind });
}

/**
 * The reply to a submit whose job now exists and runs. The seeded faults may lose it, hold it
 * (waits end when the emulator closes), or turn it into a gateway 5xx: the client cannot tell
 * that the job exists, as happens at Adobe.
 */
async function answerAccepted(
  context: EmulatorContext,
  {
    req,
    res,
    route,
    job,
  }: { req: IncomingMessage; res: ServerResponse; route: string; job: JobRecord },
  accepted: unknown,
): Promise<void> {
  const fault = context.faults.forAcceptedReply();
  if (fault.drop) {
    noteReplyFault(context, job, 'dropAfterAccept');
    req.socket.destroy();
    return;
  }
  if (fault.latencyMs > 0) {
    noteReplyFault(context, job, 'slowAccept');
    await context.delays.sleep(fault.latencyMs);
    // The client gave up (its timeout) or the emulator is closing: nobody is left to answer.
    if (res.destroyed || req.socket.destroyed) return;
  }
  if (fault.errorStatus !== undefined) {
    noteReplyFault(context, job, 'errorAfterAccept');
    return replyError(context, res, route, gatewayErrors.upstreamFailure(fault.errorStatus));
  }
  reply(context, res, route, 202, accepted);
}

/** The submit handler for one operation of the catalog. */
export function submitHandler(op: OperationSpec): RouteHandler {
  return (context, request) => submit(context, request, op);
}
