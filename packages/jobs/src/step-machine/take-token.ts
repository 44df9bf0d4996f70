import { delayJob, type StepContext, type StepRun } from './step-context';

/**
 * Takes a token of budget class `cls` for the job's account. Short waits happen in-process;
 * a longer one frees the slot and brings the job back, delayed, when a token is likely.
 */
export async function takeToken(ctx: StepContext, run: StepRun, cls: string): Promise<void> {
  const { observer, inlineBudgetWaitMs } = ctx;
  const { account } = run.job.data;
  const started = Date.now();
  for (;;) {
    const grant = await ctx.options.budget.tryTake(account, cls);
    if (grant.granted) {
      observer.budgetGranted?.(account, cls);
      if (Date.now() > started) observer.budgetWait?.(account, cls, Date.now() - started);
      return;
    }
    if (grant.retryInMs > inlineBudgetWaitMs || Date.now() - started > 4 * inlineBudgetWaitMs) {
      observer.budgetWait?.(account, cls, Date.now() - started);
      // Spread the herd: every waiting job would otherwise wake at the same window edge.
      const jitter = Math.random() * Math.min(1_000, grant.retryInMs * 0.2);
      await delayJob(run, grant.retryInMs + jitter);
    }
    await new Promise((r) => setTimeout(r, Math.max(5, grant.retryInMs)));
  }
}
