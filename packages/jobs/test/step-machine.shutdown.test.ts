import { NetworkError } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import { pollStepData, STATUS_URL, submitStepData, T0 } from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, LOCK_TOKEN, rejectionOf } from './support/step-machine-harness';

/**
 * The worker aborts the signal it hands the processor when its drain deadline passes on SIGTERM
 * (or BullMQ's lock is lost). A call cut off that way must hand the job back, not count as a
 * failed attempt.
 */
describe('step machine: abort during a call', () => {
  const clock = useFakeClock(T0);

  it('never cuts off a POST in flight: its reply is awaited and checkpointed', async () => {
    const h = createHarness(clock);
    // Adobe accepts, but replies only after 3 s; the shutdown comes at 1 s.
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL }, { takesMs: 3_000 });
    const job = h.job({ data: submitStepData() });
    const shutdown = new AbortController();

    const run = rejectionOf(h.run(job, { signal: shutdown.signal }));
    await h.photoshop.called('submit');
    shutdown.abort();
    const err = await run;

    expect(err).toBeInstanceOf(DelayedError);
    const [[, , opts]] = h.log.argsOf('photoshop', 'submit') as [[string, unknown, unknown]];
    expect(opts).toEqual({});
    expect(job.data).toMatchObject({ step: 'poll', statusUrl: STATUS_URL, submits: 1 });
    expect(h.log.names('observer')).not.toContain('observer.failed');
  });

  it('hands a job whose status GET was cut off back as delayed with its checkpoint', async () => {
    const h = createHarness(clock);
    h.photoshop.hangStatus();
    const data = pollStepData({ polls: 3 });
    const job = h.job({ data, attemptsMade: 3, attempts: 4 });
    const shutdown = new AbortController();

    const run = rejectionOf(h.run(job, { signal: shutdown.signal }));
    await h.photoshop.called('getStatus');
    shutdown.abort();

    expect(await run).toBeInstanceOf(DelayedError);
    expect(h.log.argsOf('photoshop', 'getStatus')).toEqual([
      [STATUS_URL, { operationId: 'renditionCreate', signal: shutdown.signal }],
    ]);
    // The poll that got no answer is not counted; the status URL stays for the next worker.
    expect(job.delays).toEqual([{ timestamp: T0, token: LOCK_TOKEN }]);
    expect(job.updates).toEqual([]);
    expect(job.data).toEqual(data);
    expect(h.log.names('observer')).not.toContain('observer.retrying');
  });

  it('hands the job back whatever error the aborted call ends with', async () => {
    const h = createHarness(clock);
    // A socket torn down by the abort can surface as a connection error rather than AbortError.
    h.photoshop.failStatus(new NetworkError('GET', STATUS_URL, 'ECONNRESET'));
    const job = h.job({ data: pollStepData(), attempts: 4 });
    const shutdown = new AbortController();
    shutdown.abort();

    expect(await rejectionOf(h.run(job, { signal: shutdown.signal }))).toBeInstanceOf(DelayedError);
    expect(job.delays).toEqual([{ timestamp: T0, token: LOCK_TOKEN }]);
    expect(h.log.names('observer')).not.toContain('observer.retrying');
  });
});
