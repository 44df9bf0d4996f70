import type { Redis } from 'ioredis';
import request from 'supertest';
import {
  EditQueue,
  TenantUsage,
  fairBacklog,
  type TenantUsageTotals,
  type UsageReport,
} from '@darkroom/jobs';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName } from '@darkroom/testing';
import { EXIT, type WatchSnapshot } from '../src';
import { auth, bodyOf, errorOf, startApi, type ApiHarness } from './support/api-harness';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

type UsageBody = Omit<UsageReport, 'since' | 'until'> & { since: string; until: string };

/** Usage as the workers write it: through TenantUsage on the queue's keys. */
async function writeUsage(redis: Redis, queueName: string): Promise<void> {
  const usage = new TenantUsage({ redis, queueName });
  await usage.record('shop-1', {
    edits_completed: 3,
    edits_failed: 1,
    submits: 4,
    status_reads: 9,
    rate_limited: 2,
    output_bytes: 3_500_000,
    remote_ms: 12_500,
  });
  await usage.record('shop-2', { edits_cancelled: 1 });
  await usage.record(undefined, { edits_completed: 1, submits: 1, status_reads: 2 });
}

const shop1: TenantUsageTotals = {
  tenant: 'shop-1',
  edits: { completed: 3, failed: 1, cancelled: 0 },
  adobeCalls: { submit: 4, status: 9 },
  rateLimited: 2,
  outputBytes: 3_500_000,
  adobeSeconds: 12.5,
};

describe('GET /v1/usage', () => {
  let api: ApiHarness;
  let redis: Redis;
  beforeAll(async () => {
    api = await startApi();
    redis = redisClient();
    await writeUsage(redis, api.edits.queueName);
  });
  afterAll(async () => {
    await api.close();
    await redis.quit();
  });

  it('sums every tenant over the last 24 hours by default', async () => {
    const res = await request(api.server).get('/v1/usage').set(auth).expect(200);
    const body = bodyOf<UsageBody>(res);
    expect(body.tenants.map((t) => t.tenant)).toEqual(['default', 'shop-1', 'shop-2']);
    expect(body.tenants[1]).toEqual(shop1);
    expect(Date.parse(body.until) - Date.parse(body.since)).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(Date.parse(body.until) - Date.parse(body.since)).toBeLessThan(25 * 3_600_000);
  });

  it('answers one tenant, from an ISO time', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const res = await request(api.server)
      .get('/v1/usage')
      .query({ since, tenant: 'shop-1' })
      .set(auth)
      .expect(200);
    expect(bodyOf<UsageBody>(res).tenants).toEqual([shop1]);
  });

  it.each([
    [{ since: '8d' }, 'since', /^since must be a duration such as 90m/],
    [{ since: 'last week' }, 'since', /^since must be a duration/],
    [{ since: '2001-01-01T00:00:00Z' }, 'since', /^since must lie in the last 7 days/],
    [{ tenant: 'not a tenant' }, 'tenant', /^tenant may hold letters/],
  ])('refuses %o with a 400 naming %s', async (query, field, message) => {
    const res = await request(api.server).get('/v1/usage').query(query).set(auth).expect(400);
    const error = errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: field, message: expect.stringMatching(message) as string }),
    ]);
  });

  it('needs a bearer token', async () => {
    await request(api.server).get('/v1/usage').expect(401);
  });

  it('is in the OpenAPI document, beside the 429 of intake', async () => {
    const res = await request(api.server).get('/openapi.json').set(auth).expect(200);
    const doc = bodyOf<{
      paths: Record<string, { get?: unknown; post?: { responses: Record<string, unknown> } }>;
    }>(res);
    expect(doc.paths['/v1/usage']?.get).toBeDefined();
    expect(doc.paths['/v1/edits']?.post?.responses['429']).toBeDefined();
    expect(doc.paths['/v1/edits:batch']?.post?.responses['429']).toBeDefined();
  });
});

describe('darkroom usage and the tenant lines of darkroom watch', () => {
  let redis: Redis;
  let edits: EditQueue;
  let env: Record<string, string>;
  beforeAll(async () => {
    redis = redisClient();
    const queueName = uniqueName('usage-cli');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    await writeUsage(redis, queueName);
  });
  afterAll(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    const keys = await redis.keys(`{darkroom}:${env.DARKROOM_QUEUE}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('prints the JSON document of GET /v1/usage with --json', async () => {
    const run = await cli(['usage', '--since', '90m', '--tenant', 'shop-1', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const doc = run.json<UsageBody>();
    expect(doc.tenants).toEqual([shop1]);
    expect(Date.parse(doc.since)).toBeLessThanOrEqual(Date.now() - 90 * 60_000);
  });

  it('prints a table of every tenant', async () => {
    const run = await cli(['usage'], env);
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^usage from \S+ to \S+ \(queue usage-cli-/);
    expect(lines[1]).toMatch(/^tenant\s+completed\s+failed\s+cancelled\s+submits\s+status\s+429s/);
    expect(lines.slice(2).map((l) => l.split(/\s+/))).toEqual([
      ['default', '1', '0', '0', '1', '2', '0', '0.0', '0.0'],
      ['shop-1', '3', '1', '0', '4', '9', '2', '3.5', '12.5'],
      ['shop-2', '0', '0', '1', '0', '0', '0', '0.0', '0.0'],
    ]);
  });

  it('exits 2 naming the flag for a bad --since or --tenant', async () => {
    const since = await cli(['usage', '--since', '30d'], env);
    expect(since.code).toBe(EXIT.usage);
    expect(since.stderr).toContain('darkroom: --since must be a duration such as 90m');
    const tenant = await cli(['usage', '--tenant', 'a!b'], env);
    expect(tenant.code).toBe(EXIT.usage);
    expect(tenant.stderr).toContain(
      "darkroom: --tenant may hold letters, digits, '.', '_' and '-'",
    );
  });

  it('watch shows each tenant: its backlog and this hour', async () => {
    await edits.enqueue({
      operation: 'renditionCreate',
      input: 's3://darkroom-in/1.psd',
      outputs: [{ ref: 's3://darkroom-out/1.jpg', type: 'image/jpeg' }],
      tenant: 'shop-1',
    });
    const run = await cli(['watch', '--once', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const snapshot = run.json<WatchSnapshot>();
    expect(snapshot.backlog).toEqual(
      await fairBacklog(redis, { prefix: edits.prefix, queueName: edits.queueName }),
    );
    expect(snapshot.thisHour).toContainEqual(shop1);
    const human = await cli(['watch', '--once'], env);
    expect(human.stdout).toContain('per tenant (waiting for admission by account; this UTC hour):');
    expect(human.stdout).toMatch(
      /shop-1 +waiting \d+.*; completed 3, failed 1, cancelled 0, submits 4, status reads 9, 429s 2/,
    );
  });
});
