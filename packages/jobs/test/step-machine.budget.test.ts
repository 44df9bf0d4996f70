import { DelayedError } from 'bullmq';
import {
  ACCOUNT,
  pollStepData,
  STATUS_URL,
  submitStepData,
  T0,
  unfinishedStatus,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, LOCK_TOKEN, rejectionOf } from './support/step-machine-harness';

/**
 * Before each API call the step machine takes a token from the account's shared budget. A short
 * wait happens in-process; a long one frees the worker slot and comes back as a delayed job.
 */
describe('step machine: budget tokens', () => {
  const clock = useFakeClock(T0);

  it('frees the slot when the next token is further away than the inline wait', async () => {
    const h = createHarness(clock);
    h.budget.refuseNext(5_000);
    const data = submitStepData();
    const job = h.job({ data });

    const err = await rejectionOf(h.run(job));

    expect(err).toBeInstanceOf(DelayedError);
    expect(h.log.argsOf('budget', 'tryTake')).toEqual([[ACCOUNT, 'submit']]);
    expect(h.log.names('photoshop')).toEqual([]);
    // The wait plus jitter of up to a fifth of it (at most 1 s); Math.random pinned at 0.5.
    expect(job.delays).toEqual([{ timestamp: T0 + 5_500, token: LOCK_TOKEN }]);
    // The first pick-up is saved: the budget wait that follows is not queue time.
    expect(job.updates).toEqual([{ ...data, startedAt: T0 }]);
    expect(h.log.argsOf('observer', 'budgetWait')).toEqual([[ACCOUNT, 'submit', 0]]);
  });

  it('keeps the first pick-up as the start when the job comes back from a budget wait', async () => {
    const h = createHarness(clock);
    h.budget.refuseNext(5_000);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData() });

    await rejectionOf(h.run(job));
    clock.pass(5_500);
    await rejectionOf(h.run(job));

    expect(job.data).toMatchObject({ startedAt: T0, submittedAt: T0 + 5_500 });
  });

  it("draws on the budget of the account's organization, as the key function names it", async () => {
    const h = createHarness(clock, { budgetKey: (account) => `org-of-${account}` });
    h.budget.refuseNext(5_000);
    const job = h.job({ data: submitStepData() });

    await rejectionOf(h.run(job));

    expect(h.log.argsOf('budget', 'tryTake')).toEqual([[`org-of-${ACCOUNT}`, 'submit']]);
    // Metrics still speak of the account.
    expect(h.log.argsOf('observer', 'budgetWait')).toEqual([[ACCOUNT, 'submit', 0]]);
  });

  it('waits in-process for a token that is close, then sends', async () => {
    const h = createHarness(clock);
    h.budget.refuseNext(100);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData() });

    const run = rejectionOf(h.run(job));
    await clock.advance(100);

    expect(await run).toBeInstanceOf(DelayedError);
    expect(h.log.names('budget', 'photoshop')).toEqual([
      'budget.tryTake',
      'budget.tryTake',
      'photoshop.submit',
    ]);
    expect(h.log.argsOf('observer', 'budgetWait')).toEqual([[ACCOUNT, 'submit', 100]]);
    // Picked up at T0, submitted after the wait; the first poll counts from the submit.
    expect(job.data).toMatchObject({ startedAt: T0, submittedAt: T0 + 100 });
    expect(job.delays).toEqual([{ timestamp: T0 + 100 + 10_000, token: LOCK_TOKEN }]);
  });

  it('gives up waiting in-process after four times the inline wait', async () => {
    const h = createHarness(clock, { inlineBudgetWaitMs: 250 });
    h.budget.refuseNext(200, 200, 200, 200, 200, 200, 200);
    const job = h.job({ data: submitStepData() });

    const run = rejectionOf(h.run(job));
    await clock.advance(1_200);

    expect(await run).toBeInstanceOf(DelayedError);
    // Refused at 0, 200, … 1,200 ms; past 1,000 ms of waiting the slot is freed.
    expect(h.log.argsOf('budget', 'tryTake')).toHaveLength(7);
    expect(h.log.names('photoshop')).toEqual([]);
    expect(job.delays).toEqual([{ timestamp: T0 + 1_200 + 200 + 20, token: LOCK_TOKEN }]);
    expect(h.log.argsOf('observer', 'budgetWait')).toEqual([[ACCOUNT, 'submit', 1_200]]);
  });

  it('takes poll tokens from the status class', async () => {
    const h = createHarness(clock);
    h.budget.refuseNext(3_000);
    const data = pollStepData({ polls: 1 });
    const job = h.job({ data });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
    expect(h.log.argsOf('budget', 'tryTake')).toEqual([[ACCOUNT, 'status']]);
    expect(h.log.names('photoshop')).toEqual([]);
    expect(job.delays).toEqual([{ timestamp: T0 + 3_000 + 300, token: LOCK_TOKEN }]);
    expect(job.data).toEqual(data);
  });

  it('takes remove-background tokens from the classes Adobe limits apart', async () => {
    const h = createHarness(clock);
    const request = {
      operation: 'cutout',
      input: 's3://darkroom-in/products/shoe.jpg',
      outputs: [{ ref: 's3://darkroom-out/products/shoe-cutout.png', type: 'image/png' }],
    };
    h.photoshop.acceptSubmit({
      statusUrl: 'https://image.adobe.io/sensei/status/c-1',
      jobId: 'c-1',
    });
    h.photoshop.replyStatus(unfinishedStatus('running', 'c-1'));
    const job = h.job({ data: submitStepData({ request }) });

    await rejectionOf(h.run(job));
    await rejectionOf(h.run(job));

    // A cut-out POST takes its own class and the general submit class: whether Adobe counts it
    // against the general POST limit too is not published.
    expect(h.log.argsOf('budget', 'tryTake')).toEqual([
      [ACCOUNT, 'submit-cutout'],
      [ACCOUNT, 'submit'],
      [ACCOUNT, 'status-cutout'],
    ]);
  });
});
