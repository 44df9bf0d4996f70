import { EditQueue } from '@darkroom/jobs';
import type { Logger } from '@darkroom/observability';
import type { CliConfig } from './cli-config';
import type { CliIo } from './cli-io';
import type { Output } from './output';

/** What every command gets: its own arguments, the output, the config and the outside world. */
export interface CommandContext {
  argv: string[];
  /** The outside world; its `signal` also aborts when the reader of stdout goes away. */
  io: CliIo;
  out: Output;
  config: CliConfig;
  /** JSON lines on stderr with `--log-json` or `--verbose`; silent otherwise. */
  log: Logger;
}

/** An `EditQueue` on the configured queue; the caller closes it. */
export function queueOf(config: CliConfig): EditQueue {
  return new EditQueue({
    connection: config.redis,
    prefix: config.prefix,
    queueName: config.queueName,
    legacyApi: config.legacyApi,
    fair: true,
    tenants: config.tenants,
    ...(config.scratch ? { scratch: config.scratch } : {}),
  });
}

/** Runs `fn` with an `EditQueue` on the configured queue and closes it afterwards. */
export async function withQueue<T>(
  config: CliConfig,
  fn: (edits: EditQueue) => Promise<T>,
): Promise<T> {
  const edits = queueOf(config);
  try {
    // Fails within a second when Redis is down; BullMQ's own reads would wait for it forever.
    await edits.counts();
    return await fn(edits);
  } finally {
    await edits.close().catch(() => undefined);
  }
}
