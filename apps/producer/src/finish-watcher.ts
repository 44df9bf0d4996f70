import { QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';

interface Session {
  events: Promise<QueueEvents>;
  connection: Redis | undefined;
  refs: number;
}

/**
 * Tells when jobs of one queue finish, from BullMQ's events stream: one XREAD connection shared
 * by every waiter, opened by the first and closed when the last one is done, so nothing stays
 * open while nobody waits. (`EditQueue.waitFor` would leave its events connection open after
 * `EditQueue.close()`.)
 */
export class FinishWatcher {
  private session: Session | undefined;
  private closing: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly queue: Queue) {}

  /**
   * Keeps the events connection open between waits (an event stream waits many times in a row);
   * call the returned function when done.
   */
  hold(): () => void {
    const session = this.acquire();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(session);
    };
  }

  /**
   * Resolves once job `id` completes, fails or is removed, `ms` pass, or `signal` aborts,
   * whichever comes first. `check` runs after the subscription is live, so a job that finished
   * just before the call is not missed: when it returns true the wait ends at once.
   */
  async wait(
    id: string,
    ms: number,
    signal: AbortSignal,
    check: () => Promise<boolean>,
  ): Promise<void> {
    if (this.closing || signal.aborted || ms <= 0) return;
    const session = this.acquire();
    try {
      const events = await session.events;
      await new Promise<void>((resolve, reject) => {
        const names = [`completed:${id}`, `failed:${id}`, `removed:${id}`] as const;
        const timer = setTimeout(() => done(), ms);
        const done = (): void => {
          clearTimeout(timer);
          for (const name of names) events.off(name as 'completed', done);
          signal.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        // QueueEvents also emits `<event>:<jobId>`, which its typings do not list.
        for (const name of names) events.on(name as 'completed', done);
        signal.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
        check().then(
          (finished) => {
            if (finished) done();
          },
          (err: unknown) => {
            done();
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    } finally {
      this.release(session);
    }
  }

  private acquire(): Session {
    this.session ??= this.open();
    this.session.refs += 1;
    return this.session;
  }

  private release(session: Session): void {
    session.refs -= 1;
    if (session.refs > 0) return;
    if (this.session === session) this.session = undefined;
    closeSession(session).catch(() => undefined);
  }

  private open(): Session {
    const session: Session = {
      events: Promise.resolve(undefined as never),
      connection: undefined,
      refs: 0,
    };
    session.events = (async () => {
      const base = (await this.queue.getBackend().client) as unknown as Redis;
      // The events stream needs a blocking connection that waits out reconnects.
      const connection = base.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
      connection.on('error', () => undefined);
      session.connection = connection;
      const events = new QueueEvents(this.queue.name, {
        connection,
        prefix: this.queue.opts.prefix ?? 'bull',
      });
      events.on('error', () => undefined);
      await events.waitUntilReady();
      return events;
    })();
    session.events.catch(() => undefined);
    return session;
  }

  /** Ends every pending wait and closes the events connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const done of [...this.waiters]) done();
      const session = this.session;
      this.session = undefined;
      if (session) await closeSession(session);
    })();
    return this.closing;
  }
}

async function closeSession(session: Session): Promise<void> {
  try {
    const events = await session.events;
    await events.close();
  } finally {
    session.connection?.disconnect();
  }
}
