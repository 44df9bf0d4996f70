import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { closeServer } from '@darkroom/core';
import { QuotaExceededError } from '@darkroom/jobs';
import { guardAgainstLeaks } from '@darkroom/testing';
import { errorHandler, quotaError } from '../src/server/error-handler';
import { requestContext } from '../src/server/request-context';
import { createLogger } from '@darkroom/observability';
import { Writable } from 'node:stream';

guardAgainstLeaks();

const refusal = (resetAt: Date) =>
  new QuotaExceededError({ quota: 'maxPerDay', tenant: 'shop-1', limit: 100, used: 100, resetAt });

describe('a spent tenant quota over HTTP', () => {
  it('maps to 429 quota_exceeded with Retry-After until the reset', () => {
    const now = Date.UTC(2030, 0, 1, 23, 0);
    const apiError = quotaError(refusal(new Date(Date.UTC(2030, 0, 2))), now);
    expect(apiError.status).toBe(429);
    expect(apiError.headers).toEqual({ 'Retry-After': '3600' });
    expect(apiError.toProblem('/v1/edits')).toEqual({
      type: 'https://darkroom.dev/problems/quota_exceeded',
      title: "The tenant's daily quota is spent",
      status: 429,
      detail:
        'tenant shop-1 has used 100 of its 100 edits for today (maxPerDay); one more does not fit until 2030-01-02T00:00:00.000Z; nothing was enqueued',
      instance: '/v1/edits',
      code: 'quota_exceeded',
      quota: 'maxPerDay',
      tenant: 'shop-1',
      limit: 100,
      resetAt: '2030-01-02T00:00:00.000Z',
    });
  });

  it('is answered that way by the error handler of a real server', async () => {
    const app = express();
    const quiet = new Writable({ write: (_c, _e, cb) => cb() });
    app.use(requestContext(createLogger({ destination: quiet })));
    const resetAt = new Date(Date.now() + 90_000);
    app.post('/v1/edits', () => {
      throw refusal(resetAt);
    });
    app.use(errorHandler);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/v1/edits?tenant=x`, { method: 'POST' });
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(89);
      expect(retryAfter).toBeLessThanOrEqual(90);
      expect(await res.json()).toEqual(
        expect.objectContaining({
          type: 'https://darkroom.dev/problems/quota_exceeded',
          status: 429,
          // The path only: a query string may carry anything.
          instance: '/v1/edits',
          code: 'quota_exceeded',
          tenant: 'shop-1',
          limit: 100,
          resetAt: resetAt.toISOString(),
        }),
      );
    } finally {
      server.closeAllConnections();
      await closeServer(server);
    }
  });
});
