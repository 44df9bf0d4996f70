import { statusLimitClasses, type StatusFamily } from '@darkroom/photoshop';
import { type EmulatorContext } from '../emulator-context';
import { type ApiGeneration, notFound } from '../http/error-bodies';
import { authenticate } from '../http/gateway';
import { reply, replyError } from '../http/reply';
import { requestOrigin } from '../http/request-origin';
import { type RouteHandler, type RouteRequest } from '../http/route-handler';
import { statusDocumentFor } from './status-documents';
import { passGate } from '../limits/request-gate';

/**
 * A status read (`GET <family>/status/<id>`): gateway, then rate limit and faults, then the
 * job, which must belong to the family whose path was asked (an unknown id answers 404 after
 * the gate, as before).
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
  const job = findJob(context, tail, family);
  // The class is the job's own (remove-background jobs poll /v2/status under the remove-background
  // GET limit); a read that names no job of this family is charged to the family's class.
  const budget = job?.op.limitClasses.status ?? statusLimitClasses[family];
  const gated = { ...auth, req, res, kind: 'status', budget, route, generation } as const;
  if (await passGate(context, gated)) return;
  if (!job) return replyError(context, res, route, notFound(generation));
  job.statusGets += 1;
  context.evidence.statusGet(job.id);
  reply(context, res, route, 200, statusDocumentFor(requestOrigin(req, context.origin), job));
}

/** The job a status path names, if it exists and belongs to the family whose path was asked. */
function findJob(context: EmulatorContext, tail: string, family: StatusFamily) {
  let jobId: string;
  try {
    jobId = decodeURIComponent(tail);
  } catch {
    return undefined;
  }
  const job = context.jobs.get(jobId);
  return job && job.op.statusFamily === family ? job : undefined;
}

/** The status handler for one family's status path. */
export function statusHandler(family: StatusFamily): RouteHandler {
  return (context, request) => status(context, request, family);
}
