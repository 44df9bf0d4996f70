import { delayJob, saveData, type StepContext, type StepRun } from './step-context';

/**
 * Takes one token of each budget class in `classes` (tightest first) from the job's budget. Short
 * waits happen in-process; a longer one frees the slot and brings the job back, delayed, when a
 * token is likely. The first time a job waits so, its start is saved: the wait is not queue time.
 */
export async function takeTokens(
  ctx: StepContext,
  run: StepRun,
  classes: readonly string[],
): Promise<void> {
  for (const cls of classes) await takeToken(ctx, run, cls);
}

/** Takes a token of budget class `cls`; see `takeTokens`. */
export async function takeToken(ctx: StepContext, run: StepRun, cls: string): Promise<void> {
  const { observer, inlineBudgetWaitMs } = ctx;
  const { account } = run.job.data;
  const key = ctx.budgetKey(account);
  const started = Date.now();
  for (;;) {
    const grant = await ctx.options.budget.tryTake(key, cls);
    if (grant.granted) {
      observer.budgetGranted?.(account, cls);
      if (Date.now() > started) observer.budgetWait?.(account, cls, Date.now() - started);
      return;
    }
    if (grant.retryInMs > inlineBudgetWaitMs || Date.now() - started > 4 * inlineBudgetWaitMs) {
      observer.budgetWait?.(account, cls, Date.now() - started);
      if (run.job.data.startedAt === undefined) await saveData(run, { startedAt: run.pickedAt });
      // Spread the herd: every waiting job would otherwise wake at the same window edge.
      const jitter = Math.random() * Math.min(1_000, grant.retryInMs * 0.2);
      await delayJob(run, grant.retryInMs + jitter);
    }
    await new Promise((r) => setTimeout(r, Math.max(5, grant.retryInMs)));
  }
}
