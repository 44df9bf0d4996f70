import { QueueEvents } from 'bullmq';
import { closeAll, closeOnce, coerceError } from '@darkroom/core';
import { createWorkerConnection, type RedisConnection, type RedisTarget } from './redis-connection';

/** One events connection, shared by everyone who waits while it is open. */
interface Session {
  /** Set once the stream's position is known; until then nothing reads. */
  queueEvents: QueueEvents | undefined;
  connection: RedisConnection;
  closed: boolean;
  /** `queueEvents` once its subscription is live. */
  events: Promise<QueueEvents>;
  refs: number;
}

/** A share of the events connection: `events` once it is subscribed, and `release` when done. */
export interface EventsLease {
  events: Promise<QueueEvents>;
  release: () => void;
}

/**
 * BullMQ's events stream for one queue, on one blocking connection opened by the first waiter
 * and closed when the last one is done: an idle producer holds no XREAD connection, and a
 * thousand waiters hold one.
 */
export class FinishEvents {
  private session: Session | undefined;
  private closeCalled = false;
  private readonly sessionsClosing = new Set<Promise<void>>();
  private readonly waiters = new Set<() => void>();
  private readonly shutdown = closeOnce(() => {
    for (const done of [...this.waiters]) done();
    const session = this.session;
    this.session = undefined;
    if (session) this.track(session);
    return closeAll(
      [...this.sessionsClosing].map((closing) => () => closing),
      { concurrent: true },
    );
  });

  constructor(
    private readonly target: RedisTarget,
    private readonly queueName: string,
    private readonly prefix: string,
  ) {}

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closeCalled;
  }

  /** A share of the connection, opening it if nobody holds one; release it exactly once. */
  acquire(): EventsLease {
    if (this.closeCalled) throw new Error(`the events of queue ${this.queueName} are closed`);
    this.session ??= this.open();
    const session = this.session;
    session.refs += 1;
    let released = false;
    return {
      events: session.events,
      release: () => {
        if (released) return;
        released = true;
        this.release(session);
      },
    };
  }

  /**
   * Resolves once job `id` completes, fails or is removed, `ms` pass, or `signal` aborts,
   * whichever comes first. `check` runs after the subscription is live, so a job that finished
   * just before the call is not missed: when it returns true the wait ends at once.
   * Rejects only when the connection cannot be opened or `check` throws.
   */
  async wait(
    id: string,
    ms: number,
    signal: AbortSignal,
    check: () => Promise<boolean>,
  ): Promise<void> {
    if (this.closeCalled || signal.aborted || ms <= 0) return;
    const lease = this.acquire();
    try {
      const events = await lease.events;
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
            reject(coerceError(err));
          },
        );
      });
    } finally {
      lease.release();
    }
  }

  /**
   * Ends every pending `wait` and closes the connection, and waits for closes already under way.
   * Rejects when a connection failed to close (a `CloseError` of `@darkroom/core` when several
   * did); a second call returns the same promise.
   */
  close(): Promise<void> {
    this.closeCalled = true;
    return this.shutdown();
  }

  private release(session: Session): void {
    session.refs -= 1;
    if (session.refs > 0) return;
    if (this.session === session) this.session = undefined;
    this.track(session);
  }

  /**
   * Closes `session` in the background. `close()` waits for (and reports) the closes still under
   * way; one that failed earlier left nothing open, since its connection is dropped either way.
   */
  private track(session: Session): void {
    const closing = closeSession(session);
    this.sessionsClosing.add(closing);
    const settled = (): void => {
      this.sessionsClosing.delete(closing);
    };
    closing.then(settled, settled);
  }

  private open(): Session {
    // Ours to close: BullMQ leaves a connection it was handed open. A worker connection blocks on
    // XREAD and waits out reconnects.
    const connection = createWorkerConnection(this.target);
    const session: Session = {
      queueEvents: undefined,
      connection,
      closed: false,
      refs: 0,
    } as Session;
    session.events = (async () => {
      // Read from the stream's newest entry as of now rather than from `$` whenever the blocking
      // read happens to start: an event published in between would reach no waiter, and a
      // waiter that checked its job just before would wait out its whole timeout.
      const [newest] = await connection.xrevrange(
        `${this.prefix}:${this.queueName}:events`,
        '+',
        '-',
        'COUNT',
        1,
      );
      if (session.closed) throw new Error(`the events of queue ${this.queueName} are closed`);
      const queueEvents = new QueueEvents(this.queueName, {
        connection,
        prefix: this.prefix,
        lastEventId: newest?.[0] ?? '0-0',
      });
      session.queueEvents = queueEvents;
      queueEvents.on('error', () => undefined);
      // Every waiter listens on it: thousands may wait at once.
      queueEvents.setMaxListeners(0);
      await queueEvents.waitUntilReady();
      return queueEvents;
    })();
    session.events.catch(() => undefined);
    return session;
  }
}

async function closeSession(session: Session): Promise<void> {
  session.closed = true;
  try {
    await session.queueEvents?.close();
  } finally {
    session.connection.disconnect();
  }
}
