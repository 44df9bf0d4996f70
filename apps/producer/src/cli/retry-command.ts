import {
  FAILURE_REASONS,
  RedisUnavailableError,
  isConnectionError,
  parseFailedReason,
  type EditQueue,
} from '@darkroom/jobs';
import { withQueue, type CommandContext } from './command-context';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { JobNotFoundError, UsageError } from './usage-error';

export const RETRY_HELP = `darkroom retry <id> [--json]
darkroom retry --failed [--reason <code>] [--json]

Runs failed jobs again from the start (a fresh submit).
  --failed         every failed job in the queue
  --reason <code>  only those that failed with this reason: ${FAILURE_REASONS.join(', ')}, unknown
Exit code: 0; for one job, 1 when it is not failed, 4 when there is no such job.`;

const PAGE = 500;

export async function retryCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('retry', argv, {
    failed: { type: 'boolean' },
    reason: { type: 'string' },
  });
  if (values.failed) {
    if (positionals.length > 0) {
      throw new UsageError('give either a job id or --failed, not both');
    }
    const reason = values.reason;
    if (
      reason !== undefined &&
      reason !== 'unknown' &&
      !(FAILURE_REASONS as readonly string[]).includes(reason)
    ) {
      throw new UsageError(
        `unknown failure reason ${JSON.stringify(reason)}; use one of: ${FAILURE_REASONS.join(', ')}, unknown`,
      );
    }
    return withQueue(config, async (edits) => {
      const summary = await retryFailed(edits, reason);
      out.result(summary, (s) => [
        `retried ${s.retried} failed job${s.retried === 1 ? '' : 's'}${reason ? ` with reason ${reason}` : ''}` +
          (s.skipped > 0 ? ` (${s.skipped} changed meanwhile and were skipped)` : ''),
        ...Object.entries(s.byReason).map(([r, n]) => `  ${r}: ${n}`),
      ]);
      return EXIT.ok;
    });
  }
  if (values.reason !== undefined) throw new UsageError('--reason needs --failed');
  const id = singleId('retry', positionals);
  return withQueue(config, async (edits) => {
    const status = await edits.get(id);
    if (!status) throw new JobNotFoundError(id, config.queueName);
    if (status.state !== 'failed') {
      out.note(`job ${id} is ${status.state}; only failed jobs can be retried`);
      out.result({ id, retried: false, state: status.state }, () => []);
      return EXIT.failed;
    }
    await edits.retry(id);
    out.result({ id, retried: true }, () => [`${id}: retried from the start`]);
    return EXIT.ok;
  });
}

interface RetrySummary {
  retried: number;
  skipped: number;
  byReason: Record<string, number>;
}

/**
 * Lists the failed jobs first and retries them afterwards: retrying moves a job out of the
 * failed set, which would shift the pages of a list read at the same time.
 */
async function retryFailed(edits: EditQueue, reason: string | undefined): Promise<RetrySummary> {
  const chosen: { id: string; reason: string }[] = [];
  for (let start = 0; ; start += PAGE) {
    const jobs = await edits.queue.getJobs(['failed'], start, start + PAGE - 1, true);
    for (const job of jobs) {
      const failure = parseFailedReason(job.failedReason);
      if (job.id && (reason === undefined || failure.reason === reason)) {
        chosen.push({ id: job.id, reason: failure.reason });
      }
    }
    if (jobs.length < PAGE) break;
  }
  const summary: RetrySummary = { retried: 0, skipped: 0, byReason: {} };
  for (const job of chosen) {
    try {
      await edits.retry(job.id);
      summary.retried += 1;
      summary.byReason[job.reason] = (summary.byReason[job.reason] ?? 0) + 1;
    } catch (err) {
      // Removed or already retried by someone else since it was listed; Redis errors still stop.
      if (err instanceof RedisUnavailableError || isConnectionError(err)) throw err;
      summary.skipped += 1;
    }
  }
  return summary;
}
