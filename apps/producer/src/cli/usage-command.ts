import {
  UsageQueryError,
  editJobInputSchema,
  parseUsageSince,
  type TenantUsageTotals,
} from '@darkroom/jobs';
import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs } from './parse-command-args';
import { overHttpWhenSet } from './talks-to';
import { UsageError } from './usage-error';

export const USAGE_HELP = `darkroom usage [--since <90m|24h|7d|ISO time>] [--tenant <name>] [--json]

What each tenant used, summed over whole UTC hours from the hour of --since (default 24h, at most
7d) to now: edits completed, failed and cancelled, Adobe calls (accepted submits, status reads),
429s, output bytes and Adobe processing time. Edits without a tenant are tenant default.
With --json, the document GET /v1/usage answers.
${overHttpWhenSet('GET /v1/usage')}
Exit code: 0; 2 for a bad --since or --tenant; 3 Redis (or the producer) down.`;

const tenantName = editJobInputSchema.shape.tenant.unwrap();

const COLUMNS = [
  ['completed', (t: TenantUsageTotals) => t.edits.completed],
  ['failed', (t: TenantUsageTotals) => t.edits.failed],
  ['cancelled', (t: TenantUsageTotals) => t.edits.cancelled],
  ['submits', (t: TenantUsageTotals) => t.adobeCalls.submit],
  ['status', (t: TenantUsageTotals) => t.adobeCalls.status],
  ['429s', (t: TenantUsageTotals) => t.rateLimited],
  ['output MB', (t: TenantUsageTotals) => (t.outputBytes / 1e6).toFixed(1)],
  ['Adobe s', (t: TenantUsageTotals) => t.adobeSeconds.toFixed(1)],
] as const;

/** One line per tenant under a header, columns right-aligned. */
export function usageTable(tenants: readonly TenantUsageTotals[]): string[] {
  const width = Math.max(6, ...tenants.map((t) => t.tenant.length));
  const cell = (value: string | number, name: string): string =>
    String(value).padStart(Math.max(name.length, 9) + 2);
  return [
    `${'tenant'.padEnd(width)}${COLUMNS.map(([name]) => cell(name, name)).join('')}`,
    ...tenants.map(
      (t) => `${t.tenant.padEnd(width)}${COLUMNS.map(([name, of]) => cell(of(t), name)).join('')}`,
    ),
  ];
}

/** `--since` (checked here, before anything connects, and sent on as given) and `--tenant`. */
function parseOptions(argv: string[]): { since: string; tenant?: string } {
  const { values, positionals } = parseCommandArgs('usage', argv, {
    since: { type: 'string' },
    tenant: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom usage takes no arguments');
  const since = values.since ?? '24h';
  try {
    parseUsageSince(since);
  } catch (err) {
    if (err instanceof UsageQueryError) throw new UsageError(`--${err.message}`);
    throw err;
  }
  if (values.tenant === undefined) return { since };
  const tenant = tenantName.safeParse(values.tenant);
  if (!tenant.success) {
    throw new UsageError(`--${tenant.error.issues[0]?.message ?? 'tenant is invalid'}`);
  }
  return { since, tenant: tenant.data };
}

/** `darkroom usage`: the report of `GET /v1/usage`, read from Redis directly or from the producer. */
export async function usageCommand({ argv, out, config }: CommandContext): Promise<number> {
  const query = parseOptions(argv);
  return withEditService(config, async (edits) => {
    const doc = await edits.usage(query);
    out.result(doc, (d) => [
      `usage from ${d.since} to ${d.until} (${edits.source})`,
      ...(d.tenants.length === 0 ? ['no usage recorded'] : usageTable(d.tenants)),
    ]);
    return EXIT.ok;
  });
}
