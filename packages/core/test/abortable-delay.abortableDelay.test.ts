import { abortableDelay } from '../src';

describe('abortableDelay', () => {
  it('resolves after the delay, or as soon as the signal aborts', async () => {
    const started = Date.now();
    await abortableDelay(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);

    const abort = new AbortController();
    const long = abortableDelay(60_000, abort.signal);
    abort.abort();
    await expect(long).resolves.toBeUndefined();
    await expect(abortableDelay(60_000, abort.signal)).resolves.toBeUndefined();
  });
});
