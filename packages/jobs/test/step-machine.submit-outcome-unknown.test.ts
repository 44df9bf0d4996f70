import { NetworkError, SubmitOutcomeUnknownError } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import { INPUT_REF, REMOTE_JOB_ID, STATUS_URL, submitStepData, T0 } from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { createHarness, failedReasonOf, rejectionOf } from './support/step-machine-harness';

const SUBMIT_URL = 'https://image.adobe.io/pie/psdService/renditionCreate';

/**
 * The client turns a POST that got no reply (timeout, reset after sending) into
 * `SubmitOutcomeUnknownError`: Adobe may hold the job or not, and offers no idempotency key to
 * ask. Darkroom resubmits on the next attempt (outputs are fixed per job, so a second remote run
 * rewrites the same objects).
 */
describe('step machine: submit with an unknown outcome', () => {
  const clock = useFakeClock(T0);

  const lostReply = () =>
    new SubmitOutcomeUnknownError('renditionCreate', SUBMIT_URL, {
      cause: new NetworkError('POST', SUBMIT_URL, 'ECONNRESET'),
    });

  it('rethrows for a BullMQ retry that spends an attempt, leaving the job unsubmitted', async () => {
    const h = createHarness(clock);
    const error = lostReply();
    h.photoshop.failSubmit(error);
    const data = submitStepData();
    const job = h.job({ data, attemptsMade: 0, attempts: 4 });

    const err = await rejectionOf(h.run(job));

    expect(err).toBe(error);
    expect(h.log.argsOf('observer', 'retrying')).toEqual([
      [job.id, 'submit_outcome_unknown', error],
    ]);
    // No checkpoint: nothing says which remote job to poll, so the next attempt submits.
    expect(job.updates).toEqual([]);
    expect(job.delays).toEqual([]);
    expect(job.data).toEqual(data);
    // A lost reply is not a 429: the shared budget is left alone.
    expect(h.log.names('budget')).toEqual(['budget.tryTake']);
  });

  it('submits again on the next attempt and checkpoints that submit', async () => {
    const h = createHarness(clock);
    h.photoshop.failSubmit(lostReply());
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const data = submitStepData();

    await rejectionOf(h.run(h.job({ data, attemptsMade: 0, attempts: 4 })));
    const retried = h.job({ data, attemptsMade: 1, attempts: 4 });
    expect(await rejectionOf(h.run(retried))).toBeInstanceOf(DelayedError);

    const submits = h.log.argsOf('photoshop', 'submit') as [string, unknown, unknown][];
    expect(submits).toHaveLength(2);
    // Presigned afresh, same references: the second remote run writes the same objects.
    expect(h.log.argsOf('storage', 'presignRead')).toEqual([
      [INPUT_REF, 3_900],
      [INPUT_REF, 3_900],
    ]);
    expect(retried.data).toMatchObject({
      step: 'poll',
      statusUrl: STATUS_URL,
      remoteJobId: REMOTE_JOB_ID,
      submittedAt: T0,
    });
  });

  it('fails retries_exhausted when the last attempt loses its reply too', async () => {
    const h = createHarness(clock);
    const error = lostReply();
    h.photoshop.failSubmit(error);
    const job = h.job({ data: submitStepData(), attemptsMade: 3, attempts: 4 });

    expect(await failedReasonOf(h.run(job))).toBe(
      `retries_exhausted: submit_outcome_unknown after 4 attempts: ${error.message}`,
    );
    expect(job.updates).toEqual([]);
  });

  it('retries a POST refused before it was sent as connection_failed', async () => {
    const h = createHarness(clock);
    // The client passes a refused connection through: Adobe never saw the request.
    const refused = new NetworkError('POST', SUBMIT_URL, 'ECONNREFUSED');
    h.photoshop.failSubmit(refused);
    const job = h.job({ data: submitStepData(), attemptsMade: 0, attempts: 4 });

    expect(await rejectionOf(h.run(job))).toBe(refused);
    expect(h.log.argsOf('observer', 'retrying')).toEqual([[job.id, 'connection_failed', refused]]);
    expect(h.log.names('budget')).toEqual(['budget.tryTake']);
  });
});
