import { drainConsumer } from '../src/drain';
import { capturedLogger } from './support/log-capture';

/** A consumer whose in-flight jobs settle when `settle` is called, or never. */
function fakeConsumer(active = 2) {
  let settle: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const closed = new Promise<void>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  return {
    consumer: {
      active: jest.fn(() => active),
      close: jest.fn(() => closed),
      abort: jest.fn(() => Promise.resolve()),
    },
    settle: () => settle(),
    fail: (err: Error) => fail(err),
  };
}

describe('drainConsumer', () => {
  it('waits for the jobs in flight and aborts nothing when they settle before the deadline', async () => {
    const { logger, records } = capturedLogger();
    const { consumer, settle } = fakeConsumer();
    const draining = drainConsumer(consumer, 60_000, logger);
    settle();
    await expect(draining).resolves.toBe('drained');
    expect(consumer.abort).not.toHaveBeenCalled();
    expect(records()).toEqual([]);
  });

  it('aborts the calls in flight once the deadline passes, saying how many there were', async () => {
    const { logger, records } = capturedLogger();
    const { consumer } = fakeConsumer(3);
    const started = Date.now();
    await expect(drainConsumer(consumer, 50, logger)).resolves.toBe('aborted');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(consumer.abort).toHaveBeenCalledWith('shutdown');
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'warn',
        active: 3,
        msg: 'drain deadline passed; aborting in-flight calls',
      }),
    ]);
  });

  it('passes on a failed close without aborting', async () => {
    const { consumer, fail } = fakeConsumer();
    const draining = drainConsumer(consumer, 60_000, capturedLogger().logger);
    fail(new Error('connection is closed'));
    await expect(draining).rejects.toThrow('connection is closed');
    expect(consumer.abort).not.toHaveBeenCalled();
  });
});
