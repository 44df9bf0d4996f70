import { guardAgainstLeaks, startS3rver } from '../src';

guardAgainstLeaks();

describe('startS3rver', () => {
  it('serves buckets on a free port and closes idempotently', async () => {
    const s3 = await startS3rver();
    try {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const bucket = await s3.createBucket();
      // s3rver serves anonymous requests, so a plain GET lists the new, empty bucket.
      const listing = await fetch(`${s3.endpoint}/${bucket}`);
      expect(listing.status).toBe(200);
      expect(await listing.text()).toContain(`<Name>${bucket}</Name>`);
      const missing = await fetch(`${s3.endpoint}/no-such-bucket-here`);
      expect(missing.status).toBe(404);
      await missing.text();
    } finally {
      const first = s3.close();
      expect(s3.close()).toBe(first);
      await first;
    }
    await expect(fetch(`${s3.endpoint}/x`)).rejects.toThrow();
  });
});
