import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import { closeServer } from '@darkroom/core';
import { guardAgainstLeaks, redisClient, uniqueName } from '@darkroom/testing';
import express from 'express';
import { FairKeys } from '@darkroom/jobs';
import { type Redis } from 'ioredis';
import { type TenantsSnapshot } from '../src';
import { tenantsRouter } from '../src/tenants/tenants-router';
import { PREFIX } from './seed-queue';

guardAgainstLeaks();

async function serve(redis: Redis, queues: string[]): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(tenantsRouter({ redis, prefix: PREFIX, queues, basePath: '/' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('tenantsRouter', () => {
  it('shows a queue without tenants as an empty list and an explicit row', async () => {
    const redis = redisClient();
    const { url, server } = await serve(redis, [uniqueName('darkroom-edits')]);
    try {
      const body = (await (await fetch(`${url}/tenants.json`)).json()) as TenantsSnapshot;
      expect(body.queues[0]?.tenants).toEqual([]);
      const html = await (await fetch(`${url}/tenants`)).text();
      expect(html).toContain('no tenant has waiting edits or usage in the last day');
    } finally {
      await closeServer(server);
      await redis.quit();
    }
  });

  it('answers 503 with a fixed message, no Redis detail, when Redis cannot be read', async () => {
    const redis = redisClient();
    const queue = uniqueName('darkroom-edits');
    // A key of the wrong type makes every read of the backlog fail with Redis's WRONGTYPE.
    const accounts = new FairKeys(PREFIX, queue).accounts();
    await redis.set(accounts, 'not a set');
    const { url, server } = await serve(redis, [queue]);
    try {
      for (const path of ['/tenants', '/tenants.json']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({
          error: 'unavailable',
          message: 'tenant backlog and usage could not be read from Redis',
        });
      }
    } finally {
      await closeServer(server);
      await redis.del(accounts);
      await redis.quit();
    }
  });
});
