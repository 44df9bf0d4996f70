import { coerceError } from '@darkroom/core';
import { formatChaosReport } from './chaos-report';
import { runChaos } from './run-chaos';

/**
 * `pnpm test:chaos`: the full chaos program. CHAOS_JOBS and CHAOS_SEED change its size and
 * schedule; the exit code is 1 when any guarantee was breached.
 */
async function main(): Promise<void> {
  const jobs = Number(process.env.CHAOS_JOBS ?? 2_000);
  const seed = Number(process.env.CHAOS_SEED ?? 7);
  const report = await runChaos({
    jobs,
    seed,
    log: (line) => console.log(`[chaos +${process.uptime().toFixed(1)}s] ${line}`),
  });
  console.log(formatChaosReport(report));
  process.exitCode = report.breaches.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  const error = coerceError(err);
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
