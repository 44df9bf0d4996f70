import type { EditJobStatus } from '@darkroom/jobs';
import { withQueue, type CommandContext } from './command-context';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { withCallback } from '../callbacks/callback-status';
import { withCallbacks } from './callbacks-command';
import { statusLines } from './status-text';
import { JobNotFoundError, UsageError } from './usage-error';

export const STATUS_HELP = `darkroom status <id> [--wait <seconds>] [--json]

Prints a job's state, step, polls, result (output references and sizes) or failure reason, and
its callback's delivery (state, attempts, last HTTP status, target as origin and path).
  --wait <seconds>  wait up to this long for the job to finish first, then print it
Exit code: 0; 1 when the job failed; 4 when there is no such job; ${EXIT.waitTimedOut} when --wait ended
(time ran out, or Ctrl-C) before the job finished.`;

const finished = (s: EditJobStatus) => s.state === 'completed' || s.state === 'failed';

export async function statusCommand({ argv, out, config, io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', argv, { wait: { type: 'string' } });
  const id = singleId('status', positionals);
  const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    throw new UsageError('--wait takes a number of seconds, e.g. --wait 60');
  }
  return withQueue(config, async (edits) => {
    let status = await edits.get(id);
    if (!status) throw new JobNotFoundError(id, config.queueName);
    if (waitSeconds > 0 && !finished(status)) {
      status = await edits.waitForFinish(id, {
        timeoutMs: waitSeconds * 1000,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      if (!status) throw new JobNotFoundError(id, config.queueName);
    }
    const finalStatus = status;
    const shown = await withCallbacks(config, (callbacks) => withCallback(finalStatus, callbacks));
    out.result(shown, statusLines);
    if (status.state === 'failed') return EXIT.failed;
    if (waitSeconds > 0 && !finished(status)) {
      out.note(`darkroom: job ${id} is still ${status.state}: --wait ${values.wait} ended first`);
      return EXIT.waitTimedOut;
    }
    return EXIT.ok;
  });
}
