import { startWatchdog, type Watchdog, type WatchdogOptions } from '../src/watchdog';
import { capturedLogger } from './support/log-capture';

/** A consumer as the watchdog sees it, idle for `idleMs` whenever asked, `active` jobs in hand. */
function fakeConsumer(idleMs: number, active = 0) {
  return {
    active: jest.fn(() => active),
    lastPickupAt: jest.fn(() => Date.now() - idleMs),
    restart: jest.fn(() => Promise.resolve()),
  };
}

describe('startWatchdog', () => {
  let watchdog: Watchdog | undefined;
  const start = (options: WatchdogOptions): Watchdog => (watchdog = startWatchdog(options));

  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    watchdog?.stop();
    watchdog = undefined;
    jest.useRealTimers();
  });

  it('restarts a consumer that took nothing for longer than wedgeAfterMs while jobs wait', async () => {
    const { logger, records } = capturedLogger();
    const consumer = fakeConsumer(60 * 60_000);
    start({
      backlog: () => Promise.resolve(3),
      consumer,
      concurrency: 5,
      wedgeAfterMs: 20_000,
      logger,
    });

    // Idle for an hour, but the jobs were first seen waiting just now.
    await watchdog!.check();
    expect(consumer.restart).not.toHaveBeenCalled();
    expect(watchdog!.isWedged()).toBe(false);
    jest.setSystemTime(Date.now() + 20_001);
    await watchdog!.check();

    expect(consumer.restart).toHaveBeenCalledTimes(1);
    expect(watchdog!.isWedged()).toBe(true);
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'error',
        backlog: 3,
        idleMs: 20_001,
        msg: 'consumer took no job while jobs wait; restarting it',
      }),
    ]);
  });

  it('does not take jobs that arrive at an idle consumer and are taken at once for a wedge', async () => {
    let backlog = 0;
    let lastPickupAt = Date.now() - 60 * 60_000;
    const consumer = {
      active: () => 0,
      lastPickupAt: () => lastPickupAt,
      restart: jest.fn(() => Promise.resolve()),
    };
    start({
      backlog: () => Promise.resolve(backlog),
      consumer,
      concurrency: 5,
      wedgeAfterMs: 20_000,
      logger: capturedLogger().logger,
    });
    await watchdog!.check();

    // A burst arrives after an hour of nothing; the check lands before the pick-up.
    backlog = 4;
    await watchdog!.check();
    jest.setSystemTime(Date.now() + 50);
    lastPickupAt = Date.now();
    jest.setSystemTime(Date.now() + 19_000);
    await watchdog!.check();
    // The queue drained; later jobs are seen afresh.
    backlog = 0;
    jest.setSystemTime(Date.now() + 60_000);
    await watchdog!.check();
    backlog = 1;
    await watchdog!.check();

    expect(consumer.restart).not.toHaveBeenCalled();
    expect(watchdog!.isWedged()).toBe(false);
  });

  it.each([
    ['nothing waits', 0, 25_000, 0],
    ['every slot is busy', 3, 25_000, 5],
    ['a job was taken within wedgeAfterMs', 3, 19_000, 0],
    ['the idle time equals wedgeAfterMs', 3, 20_000, 0],
  ])('leaves the consumer alone when %s', async (_case, backlog, idleMs, active) => {
    const consumer = fakeConsumer(idleMs, active);
    start({
      backlog: () => Promise.resolve(backlog),
      consumer,
      concurrency: 5,
      wedgeAfterMs: 20_000,
      logger: capturedLogger().logger,
    });

    // The backlog has been seen for a minute by the time of the check that counts.
    await watchdog!.check();
    jest.setSystemTime(Date.now() + 60_000);
    await watchdog!.check();

    expect(consumer.restart).not.toHaveBeenCalled();
    expect(watchdog!.isWedged()).toBe(false);
  });

  it('keeps its last verdict and restarts nothing while the backlog cannot be read', async () => {
    const consumer = fakeConsumer(25_000);
    let redisUp = true;
    start({
      backlog: () => (redisUp ? Promise.resolve(1) : Promise.reject(new Error('ECONNREFUSED'))),
      consumer,
      concurrency: 5,
      wedgeAfterMs: 20_000,
      logger: capturedLogger().logger,
    });
    await watchdog!.check();
    jest.setSystemTime(Date.now() + 20_001);
    await watchdog!.check();
    expect(consumer.restart).toHaveBeenCalledTimes(1);

    redisUp = false;
    await expect(watchdog!.check()).resolves.toBeUndefined();
    expect(consumer.restart).toHaveBeenCalledTimes(1);
    expect(watchdog!.isWedged()).toBe(true);
  });

  it.each([
    [4_000, 2_000],
    [60_000, 5_000],
  ])('with wedgeAfterMs %i checks every %i ms on its own', async (wedgeAfterMs, everyMs) => {
    const backlog = jest.fn(() => Promise.resolve(0));
    start({
      backlog,
      consumer: fakeConsumer(0),
      concurrency: 5,
      wedgeAfterMs,
      logger: capturedLogger().logger,
    });

    await jest.advanceTimersByTimeAsync(everyMs - 1);
    expect(backlog).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(backlog).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(everyMs);
    expect(backlog).toHaveBeenCalledTimes(2);
  });

  it('after stop, neither the timer nor a check already under way restarts the consumer', async () => {
    const consumer = fakeConsumer(25_000);
    let answer: (backlog: number) => void = () => undefined;
    const backlog = jest
      .fn<Promise<number>, []>()
      .mockResolvedValueOnce(7)
      .mockImplementation(
        () =>
          new Promise<number>((resolve) => {
            answer = resolve;
          }),
      );
    start({
      backlog,
      consumer,
      concurrency: 5,
      wedgeAfterMs: 20_000,
      logger: capturedLogger().logger,
    });
    await watchdog!.check();
    jest.setSystemTime(Date.now() + 20_001);

    const underWay = watchdog!.check();
    watchdog!.stop();
    answer(7);
    await underWay;
    await jest.advanceTimersByTimeAsync(60_000);

    expect(backlog).toHaveBeenCalledTimes(2);
    expect(consumer.restart).not.toHaveBeenCalled();
    // Still reported: /readyz of a stopping worker says why it is not ready.
    expect(watchdog!.isWedged()).toBe(true);
  });
});
