/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { type Harness, startHarness } from './support/harness';

guardAgainstLeaks();

function rendition(h: Harness, n: number) {
  return {
    inputs: [{ href: `${h.files.url}/in/missing-${n}.psd`, storage: 'external' }],
    outputs: [
      { href: `${h.files.url}/out/${n}.jpg?sig=abc`, storage: 'external', type: 'image/jpeg' },
    ],
  };
}

/** A remove-background or masking body: both take one `input` and one `output`. */
function sensei(h: Harness, n: number) {
  return {
    input: { href: `${h.files.url}/in/${n}.jpg`, storage: 'external' },
    output: { href: `${h.files.url}/out/${n}.png`, storage: 'external' },
  };
}

describe("Adobe's rate limits", () => {
  it('accepts exactly 16 of 20 submits in one 3 s window; the rest get 429 with Retry-After', async () => {
    const h = await startHarness({ limits: {} });
    try {
      const replies = [];
      for (let n = 0; n < 20; n += 1)
        replies.push(await h.post('/pie/psdService/renditionCreate', rendition(h, n)));
      expect(replies.filter((r) => r.status === 202)).toHaveLength(16);
      const refused = replies.filter((r) => r.status === 429);
      expect(refused).toHaveLength(4);
      for (const r of refused) {
        const seconds = Number(r.headers.get('retry-after'));
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(3);
        expect(Number(r.headers.get('retry-after-ms'))).toBeLessThanOrEqual(3000);
        expect(r.body).toMatchObject({ code: 429, type: 'TooManyRequests' });
      }
      const stats = h.emulator.stats().clients['darkroom-dev'];
      expect(stats).toMatchObject({ submits: 20, accepted: 16, throttled: 4 });
      // The 429s were not charged: submits per output location count accepted jobs only.
      expect(Object.values(h.emulator.stats().submitsByLocation).reduce((a, b) => a + b, 0)).toBe(
        16,
      );
    } finally {
      await h.close();
    }
  });

  it('remove-background submits have their own tighter budget (3 per 3 s) and v2 answers in its shape', async () => {
    const h = await startHarness({ limits: {} });
    try {
      const statuses = [];
      for (let n = 0; n < 4; n += 1) {
        const reply = await h.post('/sensei/cutout', sensei(h, n));
        statuses.push(reply.status);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      // The general budget is separate and still open.
      expect((await h.post('/pie/psdService/renditionCreate', rendition(h, 1))).status).toBe(202);
    } finally {
      await h.close();
    }
  });

  it('masking submits count against the masking limit, apart from remove background', async () => {
    const h = await startHarness({
      limits: { 'submit-mask': [{ limit: 2, windowMs: 60_000 }] },
    });
    try {
      const cutouts = [];
      for (let n = 0; n < 4; n += 1)
        cutouts.push((await h.post('/sensei/cutout', sensei(h, n))).status);
      expect(cutouts).toEqual([202, 202, 202, 429]);
      const masks = [];
      for (let n = 0; n < 3; n += 1)
        masks.push((await h.post('/sensei/mask', sensei(h, n))).status);
      expect(masks).toEqual([202, 202, 429]);
    } finally {
      await h.close();
    }
  });

  it('limits status reads and answers v2 429s with unauthorized_rate_limited', async () => {
    const h = await startHarness({ limits: { status: [{ limit: 3, windowMs: 60_000 }] } });
    try {
      const submitted = await h.post('/v2/create-composite', {
        image: { width: 10, height: 10 },
        outputs: [{ destination: { url: `${h.files.url}/out/blank.png` }, mediaType: 'image/png' }],
      });
      const link = String(submitted.body.statusUrl);
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push(await h.get(link));
      expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(statuses[3]?.body).toEqual({
        error_code: 'unauthorized_rate_limited',
        message: expect.any(String),
      });
    } finally {
      await h.close();
    }
  });

  it('scales windows by timeFactor when asked, with fractional Retry-After seconds', async () => {
    const h = await startHarness({
      timeFactor: 0.5,
      scaleRateLimits: true,
      limits: { submit: [{ limit: 2, windowMs: 2000 }] },
      durations: { simple: { minMs: 0, maxMs: 0 } },
    });
    try {
      const first = [];
      for (let n = 0; n < 3; n += 1)
        first.push(await h.post('/pie/psdService/renditionCreate', rendition(h, n)));
      expect(first.map((r) => r.status)).toEqual([202, 202, 429]);
      const retryAfter = Number(first[2]?.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(1);
      expect(Number.isInteger(retryAfter * 1000)).toBe(true);
      // The scaled 1 s window passes and the budget refills.
      await waitFor(
        async () =>
          (await h.post('/pie/psdService/renditionCreate', rendition(h, 9))).status === 202,
        {
          timeoutMs: 3000,
          intervalMs: 100,
          what: 'the scaled window to pass',
        },
      );
    } finally {
      await h.close();
    }
  });

  it('sends decimal Retry-After seconds when running sped up', async () => {
    const h = await startHarness({
      timeFactor: 0.01,
      faults: { throttle: { nextRequests: 1, retryAfterMs: 120 } },
    });
    try {
      const reply = await h.post('/pie/psdService/renditionCreate', rendition(h, 1));
      expect(reply.status).toBe(429);
      expect([reply.headers.get('retry-after'), reply.headers.get('retry-after-ms')]).toEqual([
        '0.12',
        '120',
      ]);
    } finally {
      await h.close();
    }
  });

  it.each([{ limits: false as const }, { limits: {}, rateLimits: false }])(
    'can be switched off (%j)',
    async (off) => {
      const h = await startHarness(off);
      try {
        const statuses = new Set<number>();
        for (let n = 0; n < 30; n += 1)
          statuses.add((await h.post('/pie/psdService/renditionCreate', rendition(h, n))).status);
        expect([...statuses]).toEqual([202]);
      } finally {
        await h.close();
      }
    },
  );
});
