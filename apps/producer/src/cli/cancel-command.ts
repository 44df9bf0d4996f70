import { withQueue, type CommandContext } from './command-context';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { JobNotFoundError } from './usage-error';

export const CANCEL_HELP = `darkroom cancel <id> [--json]

Cancels a job. One that never ran is removed; one that was submitted stops at its next step and
ends failed with reason "cancelled".
Exit code: 0, or 1 when the job already finished, 4 when there is no such job.`;

const SAYS = {
  removed: 'removed: it had not started',
  requested: 'cancellation requested: it stops at its next step and ends failed (cancelled)',
  already_finished: 'already finished: nothing to cancel',
} as const;

export async function cancelCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('cancel', argv, {});
  const id = singleId('cancel', positionals);
  return withQueue(config, async (edits) => {
    const outcome = await edits.cancel(id);
    if (outcome === 'not_found') throw new JobNotFoundError(id, config.queueName);
    out.result({ id, outcome }, () => [`${id}: ${SAYS[outcome]}`]);
    return outcome === 'already_finished' ? EXIT.failed : EXIT.ok;
  });
}
