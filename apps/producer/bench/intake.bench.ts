/**
 * How fast the producer takes jobs in: single POSTs (with concurrency), batches, and a JSONL
 * manifest through the CLI. Prints numbers; asserts nothing. Needs Redis (REDIS_URL or
 * 127.0.0.1:6379); uses a fresh queue and removes it afterwards.
 *
 *   pnpm --filter @darkroom/producer bench
 *   BENCH_SINGLE=5000 BENCH_CONCURRENCY=32 BENCH_BATCHES=50 BENCH_MANIFEST=50000 pnpm ... bench
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { redisUrl, uniqueName } from '@darkroom/testing';
import { createServer, runCli } from '../src';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const BATCH_SIZE = 1000;
const MANIFEST = Number(process.env.BENCH_MANIFEST ?? 10_000);
const TOKEN = 'bench-token';

const job = (n: number) => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/bench/${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/bench/${n}.jpg`, type: 'image/jpeg', width: 1024 }],
});

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const sink = (): Writable =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

async function main(): Promise<void> {
  const queueName = uniqueName('bench-producer');
  const edits = new EditQueue({ connection: redisUrl(), queueName });
  const app = createServer({
    edits,
    tokens: [TOKEN],
    logger: createLogger({ level: 'silent' }),
    maxBatch: BATCH_SIZE,
    bodyLimit: '4mb',
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-'));
  try {
    // Single jobs, CONCURRENCY requests in flight.
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SINGLE) {
          const n = next++;
          const t = performance.now();
          const res = await fetch(`${base}/v1/edits`, {
            method: 'POST',
            headers,
            body: JSON.stringify(job(n)),
          });
          await res.arrayBuffer();
          if (res.status !== 201) throw new Error(`POST /v1/edits answered ${res.status}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const singleSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `POST /v1/edits: ${SINGLE} jobs, concurrency ${CONCURRENCY}: ${(SINGLE / singleSeconds).toFixed(0)} jobs/s, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );

    // Batches of 1,000, one after another.
    const batchStarted = performance.now();
    for (let b = 0; b < BATCHES; b += 1) {
      const body = JSON.stringify({
        jobs: Array.from({ length: BATCH_SIZE }, (_, i) => job(1_000_000 + b * BATCH_SIZE + i)),
      });
      const res = await fetch(`${base}/v1/edits:batch`, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST /v1/edits:batch answered ${res.status}`);
    }
    const batchSeconds = (performance.now() - batchStarted) / 1000;
    console.log(
      `POST /v1/edits:batch: ${BATCHES} x ${BATCH_SIZE} jobs: ${((BATCHES * BATCH_SIZE) / batchSeconds).toFixed(0)} jobs/s, ` +
        `${((batchSeconds / BATCHES) * 1000).toFixed(0)} ms per batch`,
    );

    // A JSONL manifest through the CLI (in-process, as `darkroom enqueue --from`).
    const file = join(dir, 'manifest.jsonl');
    await writeFile(
      file,
      Array.from({ length: MANIFEST }, (_, i) => JSON.stringify(job(2_000_000 + i))).join('\n'),
    );
    const cliStarted = performance.now();
    const code = await runCli(['enqueue', '--from', file, '--chunk-size', '1000'], {
      stdout: sink(),
      stderr: sink(),
      env: { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName },
    });
    const cliSeconds = (performance.now() - cliStarted) / 1000;
    if (code !== 0) throw new Error(`darkroom enqueue --from exited ${code}`);
    console.log(
      `darkroom enqueue --from (JSONL): ${MANIFEST} lines: ${(MANIFEST / cliSeconds).toFixed(0)} jobs/s, ${cliSeconds.toFixed(2)} s`,
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
