/*
 * Rate budget benchmark. Run from the repo root:  npx tsx packages/jobs/bench/budget.bench.ts
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); leaves no keys behind.
 *
 * 1. tryTake throughput from one process: one call in flight, then many in flight, both when
 *    tokens are granted and when they are refused.
 * 2. A fleet: three child processes call take() on one shared budget of 15 per 3 s (Adobe's soft
 *    submit limit) with its window multiplied by TIME_FACTOR (default 0.1: 15 per 300 ms), as
 *    against an emulator at that time factor. Reports the share of the budget the fleet used and
 *    how many sliding windows held more grants than the limit (must be 0).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RateBudget, scalePolicies, type BudgetPolicies } from '../src/budget';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIME_FACTOR = Number(process.env.TIME_FACTOR ?? 0.1);
const FLEET_MS = Number(process.env.FLEET_MS ?? 6_000);
const CHILDREN = 3;
const FLEET_POLICIES: BudgetPolicies = scalePolicies(
  { submit: { windows: [{ limit: 15, windowMs: 3_000 }] } },
  TIME_FACTOR,
);

interface ChildReport {
  grants: number[];
  timeouts: number;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

async function throughput(
  budget: RateBudget,
  account: string,
  inFlight: number,
  durationMs: number,
): Promise<{ opsPerSec: number; granted: number; calls: number }> {
  let calls = 0;
  let granted = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        const r = await budget.tryTake(account, 'bench');
        calls++;
        if (r.granted) granted++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { opsPerSec: Math.round((calls / elapsed) * 1000), granted, calls };
}

async function singleProcess(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const prefix = `bench-${randomUUID()}`;
  try {
    const open = new RateBudget({
      redis,
      prefix,
      // Room for everything: measures the granting path (TIME, trim, count, ZADD, PEXPIRE).
      policies: { bench: { windows: [{ limit: 1_000_000, windowMs: 1_000 }] } },
    });
    const tight = new RateBudget({
      redis,
      prefix,
      // Full after one grant: measures the refusing path, which also computes the retry hint.
      policies: {
        bench: {
          windows: [
            { limit: 1, windowMs: 60_000 },
            { limit: 1, windowMs: 3_000 },
          ],
        },
      },
    });
    console.log('tryTake from one process (one ioredis connection)');
    for (const inFlight of [1, 16, 64]) {
      const g = await throughput(open, 'granting', inFlight, 2_000);
      const d = await throughput(tight, `refusing-${inFlight}`, inFlight, 2_000);
      console.log(
        `  ${String(inFlight).padStart(2)} in flight: granting ${g.opsPerSec} ops/s` +
          ` (${g.granted}/${g.calls} granted), refusing ${d.opsPerSec} ops/s (${d.granted}/${d.calls} granted)`,
      );
    }
  } finally {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
}

function overLimitSpans(times: number[], limit: number, windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let spans = 0;
  for (let i = 0; i + limit < sorted.length; i++) {
    if (sorted[i + limit]! - sorted[i]! < windowMs) spans++;
  }
  return spans;
}

async function fleet(): Promise<void> {
  const prefix = `bench-${randomUUID()}`;
  const { limit, windowMs } = FLEET_POLICIES.submit!.windows[0]!;
  const startAt = Date.now() + 1_500; // children start together once all are connected
  const reports = await Promise.all(
    Array.from(
      { length: CHILDREN },
      (_, i) =>
        new Promise<ChildReport>((resolve, reject) => {
          const child = fork(__filename, ['child', prefix, String(startAt), String(i)]);
          let report: ChildReport | undefined;
          child.on('message', (m) => {
            report = m as ChildReport;
          });
          child.once('error', reject);
          child.once('exit', (code) => {
            if (code === 0 && report) resolve(report);
            else reject(new Error(`fleet child ${i} exited with ${String(code)}`));
          });
        }),
    ),
  );
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, prefix);
  await redis.quit();

  const all = reports.flatMap((r) => r.grants);
  const first = Math.min(...all);
  const windows = FLEET_MS / windowMs;
  console.log(
    `fleet: ${CHILDREN} processes, one budget of ${limit} per ${windowMs} ms ` +
      `(15 per 3 s at time factor ${TIME_FACTOR}), ${FLEET_MS} ms = ${windows} windows`,
  );
  console.log(`  grants per process: ${reports.map((r) => r.grants.length).join(', ')}`);
  console.log(
    `  processes that stopped on a take() timeout at the end: ${reports.reduce((n, r) => n + r.timeouts, 0)}`,
  );
  console.log(
    `  grants: ${all.length} of at most ${Math.ceil(windows) * limit} ` +
      `(share of budget used: ${((100 * all.length) / (Math.ceil(windows) * limit)).toFixed(1)}%)`,
  );
  console.log(`  span of grants: ${(Math.max(...all) - first).toFixed(0)} ms`);
  console.log(`  sliding windows over the limit: ${overLimitSpans(all, limit, windowMs)}`);
}

async function child(prefix: string, startAt: number): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const budget = new RateBudget({ redis, prefix, policies: FLEET_POLICIES });
  const report: ChildReport = { grants: [], timeouts: 0 };
  await redis.ping();
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const deadline = startAt + FLEET_MS;
  while (Date.now() < deadline) {
    try {
      const { at } = await budget.take('fleet', 'submit', { maxWaitMs: deadline - Date.now() });
      report.grants.push(at);
    } catch {
      // The next token lies past the end of the run.
      report.timeouts++;
      break;
    }
  }
  await redis.quit();
  process.send?.(report);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    await child(process.argv[3]!, Number(process.argv[4]));
    return;
  }
  await singleProcess();
  await fleet();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
