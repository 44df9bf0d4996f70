import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { coerceError } from '@darkroom/core';
import { startRedisServer } from '@darkroom/testing';
import { Redis } from 'ioredis';
import { BenchArgsError, parseBenchArgs } from './cli-args';
import { redisVersion } from './harness/bench-stack';
import { describeMachine } from './machine';
import { renderReport, type BenchReport, type ScenarioId, type ScenarioResult } from './report';
import { officialSdk } from './scenarios/official-sdk';
import { overhead } from './scenarios/overhead';
import { pushEvents } from './scenarios/push-events';
import { rateBudget } from './scenarios/rate-budget';
import { recipes } from './scenarios/recipes';
import { scale } from './scenarios/scale';
import type { Scenario } from './scenarios/scenario';
import { slotEfficiency } from './scenarios/slot-efficiency';
import { tenants } from './scenarios/tenants';
import { workers } from './scenarios/workers';

const SCENARIOS: Record<ScenarioId, Scenario> = {
  overhead,
  'slot-efficiency': slotEfficiency,
  'official-sdk': officialSdk,
  'rate-budget': rateBudget,
  scale,
  workers,
  'push-events': pushEvents,
  tenants,
  recipes,
};

async function probeRedisVersion(): Promise<string> {
  const server = await startRedisServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    return await redisVersion(client);
  } finally {
    client.disconnect();
    await server.close();
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const outDir = args.outDir ?? join(__dirname, '../../../bench/results');
  const started = Date.now();
  const log = (message: string): void => {
    const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    console.log(`[${s} s] ${message}`);
  };
  const machine = describeMachine(await probeRedisVersion());
  const results: ScenarioResult[] = [];
  for (const id of args.only) {
    log(`scenario ${id}: starting`);
    const loadAtStart = loadavg()[0] ?? 0;
    const result = await SCENARIOS[id]({ quick: args.quick, runs: args.runs, log });
    results.push({ ...result, loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 } });
    log(`scenario ${id}: done`);
  }
  const flags = [
    ...(args.only.length < Object.keys(SCENARIOS).length ? ['--only', args.only.join(',')] : []),
    ...(args.quick ? ['--quick'] : []),
    ...(args.runs !== 3 ? ['--runs', String(args.runs)] : []),
  ];
  const report: BenchReport = {
    command: `pnpm bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
    date: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    quick: args.quick,
    machine,
    scenarios: results,
  };
  await mkdir(outDir, { recursive: true });
  const markdown = renderReport(report);
  await writeFile(join(outDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  await writeFile(join(outDir, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  console.log(`written to ${outDir}/latest.json and latest.md`);
}

main().catch((err: unknown) => {
  if (err instanceof BenchArgsError) {
    console.error(err.message);
    process.exit(2);
  }
  const error = coerceError(err);
  console.error(error.stack ?? error.message);
  process.exit(1);
});
