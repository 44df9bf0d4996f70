import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { overHttpWhenSet } from './talks-to';

export const CANCEL_HELP = `darkroom cancel <id> [--json]

Cancels a job; it ends failed with reason "cancelled". One never sent to Adobe fails as soon as
a worker takes it (it moves to the front of the queue); one already sent stops at its next step,
but Adobe cannot be stopped and may still write its outputs.
${overHttpWhenSet('DELETE /v1/edits/{id}')}
Exit code: 0, or 1 when the job already finished, 4 when there is no such job.`;

const SAYS = {
  cancelled:
    'cancelled: never sent to Adobe; it ends failed (cancelled) as soon as a worker takes it',
  requested:
    'cancellation requested: it stops at its next step and ends failed (cancelled); Adobe already has it and may still write its outputs',
  already_finished: 'already finished: nothing to cancel',
} as const;

export async function cancelCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('cancel', argv, {});
  const id = singleId('cancel', positionals);
  return withEditService(config, async (edits) => {
    const outcome = await edits.cancel(id);
    if (outcome === 'not_found') throw edits.notFound(id);
    out.result({ id, outcome }, () => [`${id}: ${SAYS[outcome]}`]);
    return outcome === 'already_finished' ? EXIT.failed : EXIT.ok;
  });
}
