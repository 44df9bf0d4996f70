import { isRunId } from '@darkroom/jobs';
import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs, parseWaitFlag, singleId } from './parse-command-args';
import { runStatusLines } from './run-status-text';
import { statusLines } from './status-text';
import { overHttpWhenSet } from './talks-to';

export const STATUS_HELP = `darkroom status <id> [--wait <seconds>] [--json]

Prints a job's state, step, polls, result (output references and sizes) or failure reason, and
its callback's delivery (state, attempts, last HTTP status, target as origin and path).
A recipe run's id (run-…) prints the run: its state, each step (state, edit id, Adobe job id,
failure), and its outputs or why it failed.
  --wait <seconds>  wait up to this long for the job or run to finish first, then print it
${overHttpWhenSet('GET /v1/edits/{id}?wait=; a run: GET /v1/runs/{id}')}
Exit code: 0; 1 when it failed; 4 when there is no such job or run; ${EXIT.waitTimedOut} when --wait ended
(time ran out, or Ctrl-C) before it finished.`;

/** The exit code of a job or run shown after `--wait` (`waitMs` 0: no wait), noting a wait cut short. */
export function shownExitCode(
  ctx: Pick<CommandContext, 'out'>,
  shown: { id: string; state: string },
  waitMs: number,
  waitFlag: string | undefined,
): number {
  if (shown.state === 'failed') return EXIT.failed;
  // Neither failed nor completed: the wait ended first.
  if (waitMs > 0 && shown.state !== 'completed') {
    const what = isRunId(shown.id) ? 'run' : 'job';
    ctx.out.note(
      `darkroom: ${what} ${shown.id} is still ${shown.state}: --wait ${waitFlag} ended first`,
    );
    return EXIT.waitTimedOut;
  }
  return EXIT.ok;
}

export async function statusCommand({ argv, out, config, io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', argv, { wait: { type: 'string' } });
  const id = singleId('status', positionals);
  const waitMs = parseWaitFlag(values.wait);
  const wait = { waitMs, ...(io.signal ? { signal: io.signal } : {}) };
  return withEditService(config, async (edits) => {
    if (isRunId(id)) {
      const run = await edits.showRun(id, wait);
      if (!run) throw edits.notFound(id);
      out.result(run, runStatusLines);
      return shownExitCode({ out }, run, waitMs, values.wait);
    }
    const status = await edits.show(id, wait);
    if (!status) throw edits.notFound(id);
    out.result(status, statusLines);
    return shownExitCode({ out }, status, waitMs, values.wait);
  });
}
