import { ConfigError } from '@darkroom/config';
import { FAILURE_REASONS, isRunId } from '@darkroom/jobs';
import type { CommandContext } from './command-context';
import { withEditService, type EditService } from './edit-service';
import { EXIT } from './exit-codes';
import type { Output } from './output';
import { parseCommandArgs, singleId } from './parse-command-args';
import { overHttpWhenSet } from './talks-to';
import { isUnreachable } from './unreachable';
import { UsageError } from './usage-error';

export const RETRY_HELP = `darkroom retry <id> [--json]
darkroom retry --failed [--reason <code>] [--json]

Runs failed jobs again from the start (a fresh submit). A recipe run's id (run-…) runs the
failed run again from where it stopped: its failed steps are retried, completed ones kept.
  --failed         every failed job in the queue
  --reason <code>  only those that failed with this reason: ${FAILURE_REASONS.join(', ')}, unknown
${overHttpWhenSet('POST /v1/edits/{id}:retry; --failed lists GET /v1/edits first; a run: POST /v1/runs/{id}:retry')}
Exit code: 0; for one job or run, 1 when it is not failed, 4 when there is no such job or run.`;

/** `--reason`, checked against the failure reasons there are. */
function parseReason(reason: string | undefined): string | undefined {
  if (
    reason !== undefined &&
    reason !== 'unknown' &&
    !(FAILURE_REASONS as readonly string[]).includes(reason)
  ) {
    throw new UsageError(
      `unknown failure reason ${JSON.stringify(reason)}; use one of: ${FAILURE_REASONS.join(', ')}, unknown`,
    );
  }
  return reason;
}

export async function retryCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('retry', argv, {
    failed: { type: 'boolean' },
    reason: { type: 'string' },
  });
  if (values.failed) {
    if (positionals.length > 0) {
      throw new UsageError('give either a job id or --failed, not both');
    }
    const reason = parseReason(values.reason);
    return withEditService(config, async (edits) => {
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
  if (isRunId(id)) return retryRun(out, config, id);
  return withEditService(config, async (edits) => {
    const state = await edits.state(id);
    if (state === undefined) throw edits.notFound(id);
    if (state !== 'failed') return notFailed(out, id, state);
    const outcome = await edits.retry(id);
    if (outcome === 'not_found') throw edits.notFound(id);
    // Retried or removed by someone else between the read and the retry.
    if (outcome === 'not_failed') return notFailed(out, id, (await edits.state(id)) ?? state);
    out.result({ id, retried: true }, () => [`${id}: retried from the start`]);
    return EXIT.ok;
  });
}

/** `retry <run-id>`: a failed run goes on from where it stopped. */
async function retryRun(
  out: Output,
  config: CommandContext['config'],
  id: string,
): Promise<number> {
  return withEditService(config, async (edits) => {
    const run = await edits.showRun(id, { waitMs: 0 });
    if (!run) throw edits.notFound(id);
    if (run.state !== 'failed') return notFailed(out, id, run.state);
    const outcome = await edits.retryRun(id);
    if (outcome === 'not_found') throw edits.notFound(id);
    // Retried by someone else between the read and the retry.
    if (outcome === 'not_failed') {
      return notFailed(out, id, (await edits.showRun(id, { waitMs: 0 }))?.state ?? run.state);
    }
    out.result({ id, retried: true }, () => [`${id}: retried from where it stopped`]);
    return EXIT.ok;
  });
}

function notFailed(out: Output, id: string, state: string): number {
  const what = isRunId(id) ? 'run' : 'job';
  out.note(`${what} ${id} is ${state}; only failed ${what}s can be retried`);
  out.result({ id, retried: false, state }, () => []);
  return EXIT.failed;
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
async function retryFailed(edits: EditService, reason: string | undefined): Promise<RetrySummary> {
  const chosen = (await edits.failed()).filter(
    (job) => reason === undefined || job.reason === reason,
  );
  const summary: RetrySummary = { retried: 0, skipped: 0, byReason: {} };
  for (const job of chosen) {
    let outcome;
    try {
      outcome = await edits.retry(job.id);
    } catch (err) {
      // What cannot be reached, or refuses the token, stops the command; anything else is
      // this job's own trouble.
      if (isUnreachable(err) || err instanceof ConfigError) throw err;
      outcome = 'skipped';
    }
    if (outcome === 'retried') {
      summary.retried += 1;
      summary.byReason[job.reason] = (summary.byReason[job.reason] ?? 0) + 1;
    } else {
      // Removed or already retried by someone else since it was listed.
      summary.skipped += 1;
    }
  }
  return summary;
}
