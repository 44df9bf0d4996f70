import {
  DEFAULT_SEARCH_LIMIT,
  EditSearchError,
  MAX_SEARCH_LIMIT,
  editSearchStates,
  parseEditSearchParams,
  type EditJobStatus,
  type EditSearchQuery,
} from '@darkroom/jobs';
import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs } from './parse-command-args';
import { overHttpWhenSet } from './talks-to';
import { UsageError } from './usage-error';

/** Most edits one `darkroom jobs` prints; it reads them a page (at most 500) at a time. */
export const MAX_JOBS_LISTED = 10_000;

export const JOBS_HELP = `darkroom jobs [--state <state>[,<state>…]] [--tenant <name>] [--operation <op>]
              [--account <name>] [--adobe-job-id <id>] [--since <30m|24h|7d|ISO time>]
              [--limit <n>] [--cursor <c>] [--json]

Lists edits: those not yet ended first (active, waiting, prioritized, delayed, each newest
first), then ended ones by end time, newest first. One line per edit: id, state, tenant,
operation, age (since it was enqueued) and Adobe job id.
  --state          ${editSearchStates.join(', ')}; waiting includes edits parked for fair dispatch
  --tenant         default also matches edits that named no tenant
  --adobe-job-id   the edit whose submit created that Adobe job
  --since          only edits enqueued since then
  --limit <n>      most edits printed (default ${DEFAULT_SEARCH_LIMIT}, at most ${MAX_JOBS_LISTED})
  --cursor <c>     go on where an earlier run stopped (it prints the cursor on stderr)
  --json           one JSON object per line (JSON lines), each as GET /v1/edits/{id} shows it
${overHttpWhenSet('GET /v1/edits')}
Exit code: 0, also when nothing matches; 2 for a bad flag; 3 Redis (or the producer) down.`;

/** The search's parameter names, as the flags spell them. */
const FLAG_OF: Record<string, string> = { adobeJobId: 'adobe-job-id' };

function parseOptions(argv: string[]): { query: EditSearchQuery; limit: number } {
  const { values, positionals } = parseCommandArgs('jobs', argv, {
    state: { type: 'string' },
    tenant: { type: 'string' },
    operation: { type: 'string' },
    account: { type: 'string' },
    'adobe-job-id': { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom jobs takes no arguments');
  const limit = values.limit === undefined ? DEFAULT_SEARCH_LIMIT : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '1') || limit < 1 || limit > MAX_JOBS_LISTED) {
    throw new UsageError(`--limit takes a whole number from 1 to ${MAX_JOBS_LISTED}`);
  }
  const { 'adobe-job-id': adobeJobId, limit: _read, ...rest } = values;
  try {
    return { query: parseEditSearchParams({ ...rest, adobeJobId }), limit };
  } catch (err) {
    throw usageOf(err);
  }
}

/** A refused search parameter as a usage error naming its flag (exit 2); anything else as is. */
function usageOf(err: unknown): unknown {
  if (!(err instanceof EditSearchError)) return err;
  return new UsageError(`--${FLAG_OF[err.field] ?? err.field}: ${err.message}`);
}

/** How long ago, in the largest whole unit: `45s`, `12m`, `5h`, `3d`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** One line per edit under a header, columns padded to their widest cell. */
export function jobsTable(edits: readonly EditJobStatus[], now = Date.now()): string[] {
  const header = ['id', 'state', 'tenant', 'operation', 'age', 'adobe job id'];
  const rows = edits.map((e) => [
    e.id,
    e.state,
    e.tenant ?? '-',
    e.operation,
    formatAge(now - e.enqueuedAt),
    e.remoteJobId ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((cells) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  '),
  );
}

/**
 * `darkroom jobs`: the search of `GET /v1/edits`, read from Redis directly or from the producer,
 * page after page until `--limit` edits are printed or none are left.
 */
export async function jobsCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { query, limit } = parseOptions(argv);
  return withEditService(config, async (edits) => {
    const found: EditJobStatus[] = [];
    let cursor = query.cursor;
    do {
      // A cursor is checked only when it is read: a foreign one is still a bad flag.
      const page = await edits
        .list({
          ...query,
          ...(cursor === undefined ? {} : { cursor }),
          limit: Math.min(MAX_SEARCH_LIMIT, limit - found.length),
        })
        .catch((err: unknown) => {
          throw usageOf(err);
        });
      found.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined && found.length < limit);
    if (out.json) {
      for (const edit of found) out.write(`${JSON.stringify(edit)}\n`);
    } else {
      out.result(found, (list) => (list.length === 0 ? ['no edits match'] : jobsTable(list)));
    }
    if (cursor !== undefined) out.note(`more edits may match: add --cursor ${cursor}`);
    return EXIT.ok;
  });
}
