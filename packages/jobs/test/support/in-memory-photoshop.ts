import type { NormalizedStatus } from '@darkroom/photoshop';
import type { ApiPort } from '../../src/step-machine';
import type { CallLog } from './call-log';
import type { FakeClock } from './fake-clock';

type Submitted = { statusUrl: string; jobId?: string };

/**
 * One scripted reply: a value, an error, or a call that stays in flight until its abort signal
 * fires (then it rejects with the signal's reason, as the client does). `takesMs` moves the fake
 * clock while the call is in flight.
 */
type Reply<T> =
  | { kind: 'value'; value: T; takesMs: number }
  | { kind: 'error'; error: Error; takesMs: number }
  | { kind: 'hang' };

type Method = 'submit' | 'getStatus';

/**
 * The Photoshop API as the step machine sees it (`ApiPort`), answering from scripts a test
 * queues per method. A call with nothing queued fails the test loudly rather than guessing.
 */
export class InMemoryPhotoshop {
  /** The accounts the machine asked a client for, in order. */
  readonly accounts: string[] = [];
  private readonly scripts: { submit: Reply<Submitted>[]; getStatus: Reply<NormalizedStatus>[] } = {
    submit: [],
    getStatus: [],
  };
  private readonly counts: Record<Method, number> = { submit: 0, getStatus: 0 };
  private readonly waiters: { method: Method; nth: number; resolve: () => void }[] = [];

  constructor(
    private readonly log: CallLog,
    private readonly clock: FakeClock,
  ) {}

  acceptSubmit(reply: Submitted, opts: { takesMs?: number } = {}): this {
    this.scripts.submit.push({ kind: 'value', value: reply, takesMs: opts.takesMs ?? 0 });
    return this;
  }

  failSubmit(error: Error, opts: { takesMs?: number } = {}): this {
    this.scripts.submit.push({ kind: 'error', error, takesMs: opts.takesMs ?? 0 });
    return this;
  }

  hangSubmit(): this {
    this.scripts.submit.push({ kind: 'hang' });
    return this;
  }

  replyStatus(status: NormalizedStatus, opts: { takesMs?: number } = {}): this {
    this.scripts.getStatus.push({ kind: 'value', value: status, takesMs: opts.takesMs ?? 0 });
    return this;
  }

  failStatus(error: Error, opts: { takesMs?: number } = {}): this {
    this.scripts.getStatus.push({ kind: 'error', error, takesMs: opts.takesMs ?? 0 });
    return this;
  }

  hangStatus(): this {
    this.scripts.getStatus.push({ kind: 'hang' });
    return this;
  }

  /** Resolves once `method` has been called `nth` times: the call is then in flight. */
  called(method: Method, nth = 1): Promise<void> {
    if (this.counts[method] >= nth) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ method, nth, resolve }));
  }

  /** The client for `account`, as the step machine's `api` option returns it. */
  client(account: string): ApiPort {
    this.accounts.push(account);
    return {
      submit: (operationId, body, opts) =>
        this.answer('submit', [operationId, body, opts], opts.signal),
      getStatus: (statusUrl, opts) => this.answer('getStatus', [statusUrl, opts], opts.signal),
    };
  }

  private answer<M extends Method>(
    method: M,
    args: unknown[],
    signal: AbortSignal | undefined,
  ): Promise<M extends 'submit' ? Submitted : NormalizedStatus> {
    type Result = M extends 'submit' ? Submitted : NormalizedStatus;
    this.log.record('photoshop', method, args);
    this.counts[method] += 1;
    for (const waiter of this.waiters.filter((w) => w.method === method)) {
      if (this.counts[method] >= waiter.nth) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    const reply = this.scripts[method].shift() as Reply<Result> | undefined;
    if (!reply) return Promise.reject(new Error(`no ${method} reply was scripted`));
    if (reply.kind === 'hang') {
      if (!signal) return Promise.reject(new Error(`a hanging ${method} needs an abort signal`));
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    }
    this.clock.pass(reply.takesMs);
    return reply.kind === 'value' ? Promise.resolve(reply.value) : Promise.reject(reply.error);
  }
}
