import { CloseError, closeAll, closeOnce } from '../src';

describe('closeAll', () => {
  it('runs every cleanup in order when all succeed', async () => {
    const order: string[] = [];
    await closeAll([
      () => order.push('workers'),
      undefined,
      async () => {
        await Promise.resolve();
        order.push('queues');
      },
      () => order.push('redis'),
    ]);
    expect(order).toEqual(['workers', 'queues', 'redis']);
  });

  it('runs the cleanups after a failing one, then rejects with that one error', async () => {
    const order: string[] = [];
    const failure = new Error('queue did not close');
    await expect(
      closeAll([
        () => order.push('workers'),
        () => {
          throw failure;
        },
        () => order.push('redis'),
      ]),
    ).rejects.toBe(failure);
    expect(order).toEqual(['workers', 'redis']);
  });

  it('reports every failure, not just the first', async () => {
    const result = closeAll([
      () => Promise.reject(new Error('server')),
      () => undefined,
      () => {
        // Code Darkroom closes may throw anything; a string is reported as an Error too.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'redis';
      },
    ]);
    await expect(result).rejects.toBeInstanceOf(CloseError);
    const err = (await result.catch((e: unknown) => e)) as CloseError;
    expect(err.errors.map((e: Error) => e.message)).toEqual(['server', 'redis']);
    expect(err.message).toBe('2 cleanups failed: server; redis');
  });

  it('starts every cleanup at once when asked to', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done = closeAll(
      ['a', 'b', 'c'].map((name) => async () => {
        started.push(name);
        await gate;
      }),
      { concurrent: true },
    );
    // All three started before any finished: none waits for the one before it.
    await Promise.resolve();
    expect(started).toEqual(['a', 'b', 'c']);
    release();
    await done;
  });
});

describe('closeOnce', () => {
  it('does the work once and gives every caller the same promise', async () => {
    let runs = 0;
    const close = closeOnce(async () => {
      runs += 1;
      await Promise.resolve();
    });
    const first = close();
    const second = close();
    expect(second).toBe(first);
    await first;
    expect(close()).toBe(first);
    expect(runs).toBe(1);
  });

  it('keeps a failure for every later caller instead of trying again', async () => {
    let runs = 0;
    const close = closeOnce(() => {
      runs += 1;
      return Promise.reject(new Error('port still bound'));
    });
    await expect(close()).rejects.toThrow('port still bound');
    await expect(close()).rejects.toThrow('port still bound');
    expect(runs).toBe(1);
  });
});
