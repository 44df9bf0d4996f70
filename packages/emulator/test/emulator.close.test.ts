import { Agent, Server } from 'node:http';
import { CloseError } from '@darkroom/core';
import { guardAgainstLeaks } from '@darkroom/testing';
import { createEmulator, type Emulator } from '../src';

guardAgainstLeaks();

/** Lets the first storage connection pool end its sockets, then fail with `failure`. */
function failPoolDestroy(failure: Error): jest.SpyInstance {
  // Taken before the spy replaces it, and called with each pool as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realDestroy = Agent.prototype.destroy;
  return jest.spyOn(Agent.prototype, 'destroy').mockImplementationOnce(function (this: Agent) {
    realDestroy.call(this);
    throw failure;
  });
}

/** Lets every server stop listening, then report `failure` to whoever waits for it. */
function failServerClose(failure: Error): void {
  // Taken before the spy replaces it, and called with each server as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realClose = Server.prototype.close;
  jest.spyOn(Server.prototype, 'close').mockImplementation(function (
    this: Server,
    callback?: (err?: Error) => void,
  ) {
    return realClose.call(this, () => callback?.(failure));
  });
}

async function stopped(emulator: Emulator): Promise<boolean> {
  return fetch(`${emulator.url}/pie/psdService/hello`).then(
    () => false,
    () => true,
  );
}

describe('Emulator.close', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await createEmulator({ timeFactor: 0, limits: false });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await emulator.close().catch(() => undefined);
  });

  it('rejects when the job manager fails to close, and still stops the server', async () => {
    const failure = new Error('storage pool would not end');
    const destroy = failPoolDestroy(failure);

    await expect(emulator.close()).rejects.toBe(failure);
    expect(await stopped(emulator)).toBe(true);
    // Both pools (HTTP and HTTPS storage) were ended, though the first one failed.
    expect(destroy).toHaveBeenCalledTimes(2);
  });

  it('rejects when the server fails to close, and still ends the job manager', async () => {
    const failure = new Error('listening socket would not be released');
    failServerClose(failure);
    const destroy = jest.spyOn(Agent.prototype, 'destroy');

    await expect(emulator.close()).rejects.toBe(failure);
    expect(destroy).toHaveBeenCalledTimes(2);
  });

  it('reports every failure, not just the first', async () => {
    failServerClose(new Error('server failed'));
    failPoolDestroy(new Error('pool failed'));

    const err = await emulator.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    expect((err as CloseError).errors.map((e: Error) => e.message)).toEqual([
      'pool failed',
      'server failed',
    ]);
  });
});
