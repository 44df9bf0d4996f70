import {
  CallbackDispatcher,
  DeliveryNotFoundError,
  DeliveryStateError,
  type DeliveryView,
} from '@darkroom/callbacks';
import { createProducerConnection } from '@darkroom/jobs';
import { callbackLine, callbackStatusOf } from '../callbacks/callback-status';
import type { CliConfig } from './cli-config';
import type { CommandContext } from './command-context';
import { EXIT } from './exit-codes';
import { parseCommandArgs, singleId } from './parse-command-args';
import { UsageError } from './usage-error';

export const CALLBACKS_HELP = `darkroom callbacks dead [--limit <n>] [--cursor <c>] [--json]
darkroom callbacks redeliver <id> [--json]

dead       lists callbacks given up (attempts or time ran out, or the URL was refused), oldest
           first; --cursor continues a list that printed one
redeliver  sends an edit's dead callback again: attempts from 0 and a fresh time window
Reads and writes Redis only (DARKROOM_CALLBACK_QUEUE, default callbacks): workers sign and send.
Exit code: 0, 1 when the callback is not dead, 4 when the edit has no callback delivery.`;

/** Runs `fn` with a dispatcher that reads and redelivers (no worker, no secrets), then closes it. */
export async function withCallbacks<T>(
  config: Pick<CliConfig, 'redis' | 'prefix' | 'callbackQueue'>,
  fn: (callbacks: CallbackDispatcher) => Promise<T>,
): Promise<T> {
  // Commands wait for the first connect (the CLI and a fresh producer start unconnected); in an
  // outage they still fail after one reconnect attempt.
  const redis = createProducerConnection(config.redis, { enableOfflineQueue: true });
  const callbacks = new CallbackDispatcher({
    connection: redis,
    prefix: config.prefix,
    queueName: config.callbackQueue,
    worker: false,
  });
  try {
    return await fn(callbacks);
  } finally {
    await callbacks.close().catch(() => undefined);
    redis.disconnect();
  }
}

const deadLine = (view: DeliveryView): string =>
  `${view.editId}  ${view.type}  ${callbackLine(callbackStatusOf(view))}${view.lastError ? `: ${view.lastError}` : ''}`;

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
  return withCallbacks(config, async (callbacks) => {
    const page = await callbacks.listDead({
      limit,
      ...(values.cursor ? { cursor: values.cursor } : {}),
    });
    const doc = {
      items: page.items.map((view) => ({ editId: view.editId, ...callbackStatusOf(view) })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
    out.result(doc, () => [
      ...(page.items.length === 0 ? ['no dead callbacks'] : page.items.map(deadLine)),
      ...(page.cursor ? [`more: darkroom callbacks dead --cursor ${page.cursor}`] : []),
    ]);
    return EXIT.ok;
  });
}

async function redeliver({ argv, out, config }: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('callbacks', argv, {});
  const id = singleId('callbacks redeliver', positionals);
  return withCallbacks(config, async (callbacks) => {
    try {
      const view = await callbacks.redeliver(id);
      out.result({ id, callback: callbackStatusOf(view) }, () => [
        `${id}: callback queued again to ${view.target}`,
      ]);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof DeliveryStateError) {
        out.note(`darkroom: ${err.message}`);
        return EXIT.failed;
      }
      if (err instanceof DeliveryNotFoundError) {
        out.note(`darkroom: no callback delivery for edit job ${id}`);
        return EXIT.notFound;
      }
      throw err;
    }
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
