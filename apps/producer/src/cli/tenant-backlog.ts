import { TenantUsage, fairBacklog, type EditQueue, type TenantUsageTotals } from '@darkroom/jobs';
import { queueRedis } from '../server/usage-route';

/** Edits waiting for admission, per tenant and account (the fair dispatcher's lines). */
export interface TenantBacklogRow {
  tenant: string;
  account: string;
  waiting: number;
}

/** Per-tenant backlog and the current UTC hour's usage, for `darkroom watch`. */
export async function tenantView(
  edits: EditQueue,
): Promise<{ backlog: TenantBacklogRow[]; thisHour: TenantUsageTotals[] }> {
  const redis = await queueRedis(edits);
  const queue = { prefix: edits.prefix, queueName: edits.queueName };
  const [backlog, usage] = await Promise.all([
    fairBacklog(redis, queue),
    new TenantUsage({ redis, ...queue }).report({ since: new Date() }),
  ]);
  return { backlog, thisHour: usage.tenants };
}
