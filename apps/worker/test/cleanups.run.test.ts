import { Cleanups } from '../src/cleanups';

describe('Cleanups.run', () => {
  it('releases last taken first, each once, and goes on past releases that fail', async () => {
    const released: string[] = [];
    const cleanups = new Cleanups();
    cleanups.add(() => {
      released.push('redis');
    });
    cleanups.add(() => {
      released.push('storage');
      return Promise.reject(new Error('already closed'));
    });
    cleanups.add(() => {
      released.push('queue');
      throw new Error('thrown before any promise');
    });
    cleanups.add(async () => {
      await Promise.resolve();
      released.push('consumer connections');
    });

    await expect(cleanups.run()).resolves.toBeUndefined();
    expect(released).toEqual(['consumer connections', 'queue', 'storage', 'redis']);

    await cleanups.run();
    expect(released).toHaveLength(4);
  });
});
