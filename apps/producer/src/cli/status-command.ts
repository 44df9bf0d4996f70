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
  --wait <seconds>  wait up to this long for the job to finish first
Exit code: 0, or 1 when the job failed, 4 when there is no such job.`;

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
    return status.state === 'failed' ? EXIT.failed : EXIT.ok;
  });
}
