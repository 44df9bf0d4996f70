import { randomBytes } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  guardAgainstLeaks,
  S3RVER_ACCESS_KEY_ID,
  S3RVER_SECRET_ACCESS_KEY,
  startS3rver,
  uniqueName,
  type S3rverFixture,
} from '@darkroom/testing';
import { S3Presigner, type S3Ref } from '../src';

guardAgainstLeaks();

// A URL signed with temporary credentials (web identity, instance role, SSO) dies with the
// session. These tests give the presigner's S3 client a credential provider of their own, as the
// AWS default chain would be, with sessions that end at chosen times.

const MINUTE = 60_000;

/**
 * A credential provider handing out sessions of the given lengths, one per call, noting calls.
 * s3rver knows one access key, so sessions differ by their token.
 */
function sessions(lengthsMs: (number | undefined)[]): {
  provider: (options?: Record<string, unknown>) => Promise<AwsCredentialIdentity>;
  calls: { forceRefresh: boolean }[];
} {
  const calls: { forceRefresh: boolean }[] = [];
  const provider = (options?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    const n = calls.length;
    calls.push({ forceRefresh: options?.forceRefresh === true });
    const length = lengthsMs[Math.min(n, lengthsMs.length - 1)];
    return Promise.resolve({
      accessKeyId: S3RVER_ACCESS_KEY_ID,
      secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
      sessionToken: `session-token-${n}`,
      ...(length === undefined ? {} : { expiration: new Date(Date.now() + length) }),
    });
  };
  return { provider, calls };
}

describe('S3 URLs signed with temporary credentials', () => {
  let s3: S3rverFixture;
  let bucket: string;
  const presigners: S3Presigner[] = [];
  const newRef = (): S3Ref => ({ scheme: 's3', bucket, key: `out/${uniqueName('obj')}.png` });
  const presignerWith = (provider: ReturnType<typeof sessions>['provider']): S3Presigner => {
    const { credentials: _static, ...target } = s3.config;
    const presigner = new S3Presigner(target, { credentials: provider });
    presigners.push(presigner);
    return presigner;
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    bucket = await s3.createBucket();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(presigners.map((p) => p.close()));
    await s3?.close();
  });

  it('refreshes a session that would end before the URL once, and signs with the fresh one', async () => {
    const { provider, calls } = sessions([10 * MINUTE, 120 * MINUTE]);
    const presigner = presignerWith(provider);
    const before = Date.now();
    const url = await presigner.presignWrite(newRef(), 3600);
    expect(calls).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
    const query = new URL(url.href).searchParams;
    expect(query.get('X-Amz-Security-Token')).toBe('session-token-1');
    expect(url.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    expect(url.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('reports when the session ends when even a fresh one ends before the URL', async () => {
    const { provider, calls } = sessions([20 * MINUTE]);
    const presigner = presignerWith(provider);
    const before = Date.now();
    const ref = newRef();
    const write = await presigner.presignWrite(ref, 3600);
    expect(calls).toHaveLength(2);
    expect(new URL(write.href).searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(write.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 20 * MINUTE);
    expect(write.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 20 * MINUTE);
    // The refreshed session is the provider's best: later URLs do not refresh it again.
    const read = await presigner.presignRead(ref, 3600);
    expect(calls).toHaveLength(2);
    expect(read.expiresAt.getTime()).toBe(write.expiresAt.getTime());
    // The URLs are real: s3rver takes the bytes and gives them back.
    const bytes = randomBytes(128);
    const put = await fetch(write.href, { method: 'PUT', body: bytes });
    await put.arrayBuffer();
    expect(put.status).toBe(200);
    const got = await fetch(read.href);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('leaves a session that outlives the URL alone, and keys that never expire', async () => {
    const long = sessions([120 * MINUTE]);
    const before = Date.now();
    const url = await presignerWith(long.provider).presignRead(newRef(), 600);
    expect(long.calls).toHaveLength(1);
    expect(url.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(url.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);

    const keys = sessions([undefined]);
    const forever = await presignerWith(keys.provider).presignWrite(newRef(), 604_800);
    expect(keys.calls).toHaveLength(1);
    expect(forever.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 604_800_000);
  });

  it('shares one forced refresh among concurrent presigns', async () => {
    const { provider, calls } = sessions([10 * MINUTE, 120 * MINUTE]);
    const presigner = presignerWith(provider);
    const urls = await Promise.all(
      Array.from({ length: 8 }, () => presigner.presignWrite(newRef(), 3600)),
    );
    expect(calls.filter((c) => c.forceRefresh)).toHaveLength(1);
    for (const url of urls) {
      expect(new URL(url.href).searchParams.get('X-Amz-Security-Token')).toBe('session-token-1');
    }
  });
});
