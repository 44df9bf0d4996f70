import { guardAgainstLeaks, startAzurite } from '../src';

guardAgainstLeaks();

describe('startAzurite', () => {
  it('serves the blob API on a free port, creates containers, and closes idempotently', async () => {
    const azurite = await startAzurite();
    try {
      expect(azurite.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      const name = await azurite.createContainer();
      // Creating it again proves the first call reached the service: Azurite answers 409.
      await expect(azurite.createContainer(name)).rejects.toThrow(/409/);
      // Unsigned requests are refused: the emulator enforces auth.
      const anonymous = await fetch(`${azurite.endpoint}/${name}?restype=container`);
      expect(anonymous.status).toBeGreaterThanOrEqual(400);
    } finally {
      const first = azurite.close();
      expect(azurite.close()).toBe(first);
      await first;
    }
    await expect(fetch(`${azurite.endpoint}/x?restype=container`)).rejects.toThrow();
  });
});
