import { callbackLine } from '../callbacks/callback-status';
import type { CommandContext } from './command-context';
import { withEditService, type DeadCallbackPage } from './edit-service';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { overHttpWhenSet } from './talks-to';
import { UsageError } from './usage-error';

export const CALLBACKS_HELP = `darkroom callbacks dead [--limit <n>] [--cursor <c>] [--json]
darkroom callbacks redeliver <id> [--json]

dead       lists callbacks given up (attempts or time ran out, or the URL was refused), oldest
           first; --cursor continues a list that printed one
redeliver  sends an edit's dead callback again: attempts from 0 and a fresh time window
Reads and changes delivery state only (DARKROOM_CALLBACK_QUEUE, default callbacks): workers
sign and send.
${overHttpWhenSet('GET /v1/callbacks/dead, POST /v1/edits/{id}/callback:redeliver')}
Exit code: 0, 1 when the callback is not dead, 4 when the edit has no callback delivery.`;

const deadLine = (item: DeadCallbackPage['items'][number]): string =>
  `${item.editId}  ${item.type}  ${callbackLine(item)}${item.lastError ? `: ${item.lastError}` : ''}`;

async function listDead({ argv, out, config }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('callbacks', argv, {
    limit: { type: 'string' },
    cursor: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom callbacks dead takes no arguments');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new UsageError('--limit takes a whole number from 1 to 1000');
  }
  return withEditService(config, async (edits) => {
    const doc = await edits.deadCallbacks({
      limit,
      ...(values.cursor ? { cursor: values.cursor } : {}),
    });
    out.result(doc, () => [
      ...(doc.items.length === 0 ? ['no dead callbacks'] : doc.items.map(deadLine)),
      ...(doc.cursor ? [`more: darkroom callbacks dead --cursor ${doc.cursor}`] : []),
    ]);
    return EXIT.ok;
  });
}

async function redeliver({ argv, out, config }: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('callbacks', argv, {});
  const id = singleId('callbacks redeliver', positionals);
  return withEditService(config, async (edits) => {
    const done = await edits.redeliverCallback(id);
    if (done.outcome === 'not_dead') {
      out.note(`darkroom: ${done.message}`);
      return EXIT.failed;
    }
    if (done.outcome === 'not_found') {
      out.note(`darkroom: no callback delivery for edit job ${id}`);
      return EXIT.notFound;
    }
    out.result({ id, callback: done.callback }, () => [
      `${id}: callback queued again to ${done.callback.target}`,
    ]);
    return EXIT.ok;
  });
}

/** `darkroom callbacks dead|redeliver`. */
export async function callbacksCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.argv;
  if (sub === 'dead') return listDead({ ...ctx, argv: rest });
  if (sub === 'redeliver') return redeliver({ ...ctx, argv: rest });
  throw new UsageError(
    `darkroom callbacks takes dead or redeliver, got ${JSON.stringify(sub ?? '')}; run darkroom callbacks --help`,
  );
}
