import { statusLimitClasses, type StatusFamily } from '@darkroom/photoshop';
import { type EmulatorContext } from '../emulator-context';
import { type ApiGeneration, notFound } from '../http/error-bodies';
import { authenticate } from '../http/gateway';
import { reply, replyError } from '../http/reply';
import { requestOrigin } from '../http/request-origin';
import { type RouteHandler, type RouteRequest } from '../http/route-handler';
import { statusDocument } from '../jobs/status-views';
import { passGate } from '../limits/request-gate';

/**
 * A status read (`GET <family>/status/<id>`): gateway, then rate limit and faults, then the
 * job, which must belong to the family whose path was asked.
 */
async function status(
  context: EmulatorContext,
  { req, res, tail }: RouteRequest,
  family: StatusFamily,
): Promise<void> {
  req.resume();
  const route = 'status';
  const generation: ApiGeneration = family === 'v2' ? 'v2' : 'v1';
  const auth = authenticate(context, req);
  if ('status' in auth) return replyError(context, res, route, auth);
  const { clientId } = auth;
  context.evidence.client(clientId).statusGets += 1;
  // The gate runs before the job is looked up, so the class comes from the status path's
  // family; the catalog gives every operation the class of its family.
  const budget = statusLimitClasses[family];
  const gated = { ...auth, req, res, kind: 'status', budget, route, generation } as const;
  if (await passGate(context, gated)) return;
  let jobId: string;
  try {
    jobId = decodeURIComponent(tail);
  } catch {
    return replyError(context, res, route, notFound(generation));
  }
  const job = context.jobs.get(jobId);
  if (!job || job.op.statusFamily !== family)
    return replyError(context, res, route, notFound(generation));
  job.statusGets += 1;
  context.evidence.statusGet(job.id);
  reply(context, res, route, 200, statusDocument(requestOrigin(req, context.origin), job));
}

/** The status handler for one family's status path. */
export function statusHandler(family: StatusFamily): RouteHandler {
  return (context, request) => status(context, request, family);
}
