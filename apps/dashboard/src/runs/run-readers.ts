import { closeAll, closeOnce } from '@darkroom/core';
import { EditQueue, type RedisTarget } from '@darkroom/jobs';

/** Where the runs page reads runs: the edit queues, and the `EditQueue` of each. */
export interface RunSource {
  /** The edit queues whose runs are shown, in the order they are shown. */
  readonly queues: readonly string[];
  /** The `EditQueue` of `queue`, one of `queues`; only its reads are used. */
  edits(queue: string): EditQueue;
}

export interface RunReadersOptions {
  /** Redis holding the queues (an `EditQueue` opens a connection of its own). */
  redis: RedisTarget;
  prefix: string;
  /** The edit queues whose runs are read. */
  queues: readonly string[];
}

/**
 * One `EditQueue` per edit queue, opened on the first read of its runs: a run's status (each
 * step's edit and state, its outputs or failure) is what `EditQueue.getRun` gives, and each
 * `EditQueue` holds a connection of its own, so a dashboard nobody asks for runs opens none.
 * Nothing here writes.
 */
export class RunReaders implements RunSource {
  readonly queues: readonly string[];
  private readonly opened = new Map<string, EditQueue>();
  private closing = false;

  constructor(private readonly options: RunReadersOptions) {
    this.queues = [...options.queues];
  }

  edits(queue: string): EditQueue {
    if (this.closing) throw new Error('the run readers are closed');
    if (!this.queues.includes(queue)) throw new Error(`${queue} is not an edit queue shown here`);
    let edits = this.opened.get(queue);
    if (!edits) {
      edits = new EditQueue({
        connection: this.options.redis,
        prefix: this.options.prefix,
        queueName: queue,
      });
      this.opened.set(queue, edits);
    }
    return edits;
  }

  /** Closes every `EditQueue` opened; each is closed even when another fails. */
  readonly close = closeOnce(() => {
    this.closing = true;
    return closeAll([...this.opened.values()].map((edits) => () => edits.close()));
  });
}
