import { execFileSync } from 'node:child_process';
import {
  AZURITE_ACCOUNT_NAME,
  guardAgainstLeaks,
  redisClient,
  startAzurite,
  startDropboxDouble,
  uniqueName,
  type AzuriteFixture,
  type DropboxDouble,
} from '@darkroom/testing';
import type { DarkroomWorker } from '../src';
import { CLIENT, startStack, type Stack } from './support/stack';

guardAgainstLeaks();

/** What must never leave the worker's memory: presigned query strings, link tokens, secrets. */
const SECRET_PATTERNS = [
  /X-Amz-Signature/i,
  /X-Amz-Credential/i,
  /X-Amz-Security-Token/i,
  /[?&]sig=/i,
  /\/apitu?l\/1\/\w/, // Dropbox temporary link tokens
  /Bearer\s+[A-Za-z0-9._-]{8,}/,
];

/** Every value under every key Redis holds for this run, as text. */
async function dumpRedis(match: string): Promise<string[]> {
  const redis = redisClient();
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') out.push(`${key} ${await redis.get(key)}`);
        else if (type === 'hash') out.push(`${key} ${JSON.stringify(await redis.hgetall(key))}`);
        else if (type === 'list')
          out.push(`${key} ${JSON.stringify(await redis.lrange(key, 0, -1))}`);
        else if (type === 'set') out.push(`${key} ${JSON.stringify(await redis.smembers(key))}`);
        else if (type === 'zset')
          out.push(`${key} ${JSON.stringify(await redis.zrange(key, 0, -1))}`);
        else if (type === 'stream')
          out.push(`${key} ${JSON.stringify(await redis.xrange(key, '-', '+'))}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return out;
}

describe('what an operator sees: metrics, logs and Redis after real jobs', () => {
  let azurite: AzuriteFixture;
  let dropbox: DropboxDouble;
  let stack: Stack;
  let worker: DarkroomWorker;
  let container: string;
  const presignedSeen: string[] = [];

  beforeAll(async () => {
    azurite = await startAzurite();
    container = await azurite.createContainer();
    dropbox = await startDropboxDouble();
    stack = await startStack({
      storage: {
        azure: { accounts: { [AZURITE_ACCOUNT_NAME]: azurite.config } },
        dropbox: dropbox.config,
      },
    });
    worker = await stack.startWorker();
    const image = await stack.jpeg();
    const jobs: { input: string; output: string }[] = [
      {
        input: `s3://${stack.inBucket}/${uniqueName('a')}.jpg`,
        output: `s3://${stack.outBucket}/${uniqueName('a')}.png`,
      },
      {
        input: `azure://${AZURITE_ACCOUNT_NAME}/${container}/${uniqueName('b')}.jpg`,
        output: `azure://${AZURITE_ACCOUNT_NAME}/${container}/${uniqueName('b')}.png`,
      },
      { input: `dropbox:/${uniqueName('c')}.jpg`, output: `dropbox:/${uniqueName('c')}.png` },
    ];
    for (const { input } of jobs) {
      if (input.startsWith('dropbox:')) dropbox.putFile(input.slice('dropbox:'.length), image);
      else await stack.put(input, image, 'image/jpeg');
      // Positive control for the scan: what a presigned URL of each provider looks like.
      if (!input.startsWith('dropbox:'))
        presignedSeen.push((await stack.storage.presignRead(input, 60)).href);
    }
    presignedSeen.push((await stack.storage.presignWrite(jobs[2]!.output, 120)).href);
    stack.emulator.setFaults({ throttle: { nextRequests: 1, retryAfterMs: 50, scope: 'submit' } });
    const ids = await Promise.all(
      [
        ...jobs.map(({ input, output }) => ({
          operation: 'renditionCreate',
          input,
          outputs: [{ ref: output, type: 'image/png', width: 32 }],
        })),
        {
          operation: 'renditionCreate',
          input: `s3://${stack.inBucket}/missing.jpg`,
          outputs: [{ ref: `s3://${stack.outBucket}/never.png`, type: 'image/png' }],
        },
      ].map(async (job) => (await stack.edits.enqueue(job)).id),
    );
    for (const id of ids) await stack.edits.waitFor(id, { timeout: 30_000 });
  });
  afterAll(async () => {
    await stack.close();
    await dropbox.close();
    await azurite.close();
  });

  it('serves /metrics that promtool accepts, with the pipeline, API, budget and queue metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    // promtool reads the exposition from stdin, exits non-zero on errors and prints lint problems.
    const lint = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.trim()).toBe('');
    expect(text).toMatch(
      /^darkroom_jobs_completed_total\{operation="renditionCreate",account="default"\} 3$/m,
    );
    expect(text).toMatch(
      /^darkroom_jobs_failed_total\{operation="renditionCreate",account="default",reason="remote_failed"\} 1$/m,
    );
    expect(text).toMatch(
      /^darkroom_api_requests_total\{endpoint_class="submit",status_class="2xx",status="202"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^darkroom_api_requests_total\{endpoint_class="token",status_class="2xx",status="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^darkroom_api_rate_limited_total\{account="default",class="submit"\} 1$/m,
    );
    expect(text).toMatch(/^darkroom_job_detection_lag_seconds_count\{[^}]*\} 3$/m);
    expect(text).toMatch(
      /^darkroom_budget_effective_rate_per_second\{account="default",class="submit"\} /m,
    );
    expect(text).toMatch(/^darkroom_queue_jobs\{queue="[^"]+",state="completed"\} 3$/m);
    expect(text).toMatch(/^darkroom_queue_oldest_waiting_age_seconds\{/m);
    expect(text).toMatch(/^darkroom_nodejs_eventloop_lag_seconds /m);
    // Labels stay bounded: no job ids, no URLs, no storage keys.
    expect(text).not.toMatch(/https?:\/\/|s3:\/\/|azure:\/\/|dropbox:/);
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`http://127.0.0.1:${worker.port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('leaves no presigned signature, link token or secret in any log line or Redis key', async () => {
    // The scan would see one if it were there.
    for (const url of presignedSeen) expect(SECRET_PATTERNS.some((p) => p.test(url))).toBe(true);
    const logs = stack.logs.lines;
    expect(logs.length).toBeGreaterThan(10);
    const redis = [
      ...(await dumpRedis(`{darkroom}:${stack.queueName}*`)),
      ...(await dumpRedis('{darkroom}:budget*')),
    ];
    expect(redis.some((entry) => entry.includes(':events '))).toBe(true);
    const secrets = [
      CLIENT.clientSecret,
      dropbox.config.appSecret,
      dropbox.config.refreshToken,
      azurite.config.accountKey,
    ];
    const leaks = [...logs, ...redis].filter(
      (text) => SECRET_PATTERNS.some((p) => p.test(text)) || secrets.some((s) => text.includes(s)),
    );
    expect(leaks).toEqual([]);
  });
});
