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

  it('serves HTTPS with a self-signed certificate and accepts bearer tokens with oauth', async () => {
    const azurite = await startAzurite({ oauth: true });
    try {
      expect(azurite.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      expect(azurite.ca).toContain('BEGIN CERTIFICATE');
      await expect(azurite.createContainer()).resolves.toMatch(/^container-/);
      // Without trusting the certificate, a client refuses the connection.
      await expect(fetch(`${azurite.endpoint}?comp=list`)).rejects.toThrow();
    } finally {
      await azurite.close();
    }
  });
});
