import { Router, type RequestHandler } from 'express';
import type { Cluster, Redis } from 'ioredis';
import {
  TenantUsage,
  UsageQueryError,
  editJobInputSchema,
  parseUsageSince,
  type EditQueue,
} from '@darkroom/jobs';
import { ApiError } from './api-error';

/** The tenant rule of the edit job itself, so `?tenant=` accepts exactly what an edit may name. */
const tenantParam = editJobInputSchema.shape.tenant.unwrap();

function badParam(field: string, rule: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', message, [{ path: field, rule, message }]);
}

/** `?since=` (default `24h`) and `?tenant=` of `GET /v1/usage`, or a 400 naming the field. */
export function parseUsageQuery(
  query: Record<string, unknown>,
  now = Date.now(),
): { since: Date; tenant?: string } {
  const { since = '24h', tenant } = query;
  if (typeof since !== 'string') throw badParam('since', 'format', 'since must be given once');
  let start: Date;
  try {
    start = parseUsageSince(since, now);
  } catch (err) {
    if (err instanceof UsageQueryError) throw badParam(err.field, err.rule, err.message);
    throw err;
  }
  if (tenant === undefined) return { since: start };
  const name = tenantParam.safeParse(tenant);
  if (!name.success) {
    throw badParam('tenant', 'format', name.error.issues[0]?.message ?? 'tenant is invalid');
  }
  return { since: start, tenant: name.data };
}

/**
 * The Redis connection an `EditQueue`'s BullMQ queue runs on: the ioredis client EditQueue
 * handed it (BullMQ types it loosely).
 */
export async function queueRedis(edits: EditQueue): Promise<Redis | Cluster> {
  return (await edits.queue.getBackend().client) as unknown as Redis | Cluster;
}

/**
 * `GET /v1/usage?since=24h&tenant=T`: what each tenant used, summed from the hourly buckets the
 * workers write (`TenantUsage`), on the queue's own Redis connection.
 */
export function usageRoutes(edits: EditQueue): Router {
  let usage: Promise<TenantUsage> | undefined;
  const store = (): Promise<TenantUsage> => {
    usage ??= queueRedis(edits).then(
      (redis) => new TenantUsage({ redis, prefix: edits.prefix, queueName: edits.queueName }),
    );
    // A connection that failed is asked for again by the next request.
    usage.catch(() => {
      usage = undefined;
    });
    return usage;
  };
  const report: RequestHandler = async (req, res) => {
    const query = parseUsageQuery(req.query);
    const found = await (await store()).report(query);
    res.json({
      since: found.since.toISOString(),
      until: found.until.toISOString(),
      tenants: found.tenants,
    });
  };
  const router = Router();
  router.get('/v1/usage', report);
  return router;
}
