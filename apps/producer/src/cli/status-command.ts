import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { statusLines } from './status-text';
import { overHttpWhenSet } from './talks-to';
import { UsageError } from './usage-error';

export const STATUS_HELP = `darkroom status <id> [--wait <seconds>] [--json]

Prints a job's state, step, polls, result (output references and sizes) or failure reason, and
its callback's delivery (state, attempts, last HTTP status, target as origin and path).
  --wait <seconds>  wait up to this long for the job to finish first, then print it
${overHttpWhenSet('GET /v1/edits/{id}?wait=')}
Exit code: 0; 1 when the job failed; 4 when there is no such job; ${EXIT.waitTimedOut} when --wait ended
(time ran out, or Ctrl-C) before the job finished.`;

export async function statusCommand({ argv, out, config, io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', argv, { wait: { type: 'string' } });
  const id = singleId('status', positionals);
  const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    throw new UsageError('--wait takes a number of seconds, e.g. --wait 60');
  }
  return withEditService(config, async (edits) => {
    const status = await edits.show(id, {
      waitMs: waitSeconds * 1000,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (!status) throw edits.notFound(id);
    out.result(status, statusLines);
    if (status.state === 'failed') return EXIT.failed;
    // Neither failed nor completed: the wait ended first.
    if (waitSeconds > 0 && status.state !== 'completed') {
      out.note(`darkroom: job ${id} is still ${status.state}: --wait ${values.wait} ended first`);
      return EXIT.waitTimedOut;
    }
    return EXIT.ok;
  });
}
