import { NetworkError, SubmitOutcomeUnknownError } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import type { EditJobData } from '../src/job-data';
import {
  JPEG_REF,
  jpegOutput,
  manifestRequest,
  PNG_REF,
  pngOutput,
  REMOTE_JOB_ID,
  renditionRequest,
  STATUS_URL,
  submitStepData,
  T0,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import {
  createHarness,
  failedReasonOf,
  LOCK_TOKEN,
  rejectionOf,
} from './support/step-machine-harness';

const SUBMIT_URL = 'https://image.adobe.io/pie/psdService/renditionCreate';

/** Where the first look for the outputs of an ambiguous POST lands: mean + one deviation. */
const FIRST_LOOK_MS = 10_000;

/** A job whose POST left at `at` and whose reply was lost, waiting for its first look. */
function reconcileData(overrides: Partial<EditJobData> = {}, at = T0 - FIRST_LOOK_MS) {
  return submitStepData({
    step: 'reconcile',
    startedAt: at,
    submitIntent: { at, nonce: 'a1b2c3' },
    submits: 1,
    roundSubmits: 1,
    reconcileChecks: 0,
    ...overrides,
  });
}

/**
 * Adobe offers no idempotency key and no job search, and a gateway 502/504 or a reset can come
 * after it accepted a job. A POST whose reply says nothing usable is therefore reconciled: nothing
 * is sent again until Darkroom has looked for the outputs that job would write.
 */
describe('step machine: a submit whose outcome is unknown', () => {
  const clock = useFakeClock(T0);

  const lostReply = () =>
    new SubmitOutcomeUnknownError('renditionCreate', SUBMIT_URL, {
      cause: new NetworkError('POST', SUBMIT_URL, 'ECONNRESET'),
    });

  it('records the POST before it leaves, then waits to look for its outputs, sending nothing', async () => {
    const h = createHarness(clock);
    h.photoshop.failSubmit(lostReply());
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    const [beforePost] = job.updates;
    expect(beforePost).toMatchObject({ submits: 1, roundSubmits: 1, submitIntent: { at: T0 } });
    expect(h.log.names('job', 'photoshop').slice(0, 2)).toEqual([
      'job.updateData',
      'photoshop.submit',
    ]);
    expect(job.data).toMatchObject({ step: 'reconcile', submits: 1 });
    expect(job.delays).toEqual([{ timestamp: T0 + FIRST_LOOK_MS, token: LOCK_TOKEN }]);
  });

  it('completes without another POST when every output was written after the lost reply', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, 'jpeg bytes', T0 - 3_000);
    const job = h.job({ data: reconcileData() });

    const result = await h.run(job);

    expect(h.log.names('photoshop')).toEqual([]);
    expect(result).toMatchObject({
      confirmedBy: 'outputs',
      submits: 1,
      outputs: [{ ref: JPEG_REF, size: 10 }],
      timings: { submittedAt: T0 - FIRST_LOOK_MS, remoteFinishedAt: T0 - 3_000 },
    });
    expect(h.log.argsOf('observer', 'reconciled')).toEqual([[job.id, 'outputs']]);
  });

  it('does not take an output written before the POST for one written by it', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, 'last week', T0 - 7 * 24 * 3_600_000);
    const job = h.job({ data: reconcileData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(job.data).toMatchObject({ step: 'reconcile', reconcileChecks: 1 });
    // The second look waits twice as long as the first, the third twice as long again.
    expect(job.delays).toEqual([{ timestamp: T0 + 2 * FIRST_LOOK_MS, token: LOCK_TOKEN }]);
    const third = h.job({ data: reconcileData({ reconcileChecks: 1 }) });
    expect(await rejectionOf(h.run(third))).toBeInstanceOf(DelayedError);
    expect(third.delays).toEqual([{ timestamp: T0 + 4 * FIRST_LOOK_MS, token: LOCK_TOKEN }]);
    expect(h.log.names('photoshop')).toEqual([]);
  });

  it('sends the next POST of the round once the third look finds nothing', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const job = h.job({ data: reconcileData({ reconcileChecks: 2 }) });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.argsOf('photoshop', 'submit')).toHaveLength(1);
    expect(h.log.argsOf('observer', 'reconciled')).toEqual([[job.id, 'resubmit']]);
    expect(job.data).toMatchObject({
      step: 'poll',
      statusUrl: STATUS_URL,
      submits: 2,
      roundSubmits: 2,
      submittedAt: T0,
    });
    expect(job.data.submitIntent).toBeUndefined();
  });

  it('ends the round after four POSTs without a usable reply and no outputs: no fifth', async () => {
    const h = createHarness(clock);
    const job = h.job({ data: reconcileData({ reconcileChecks: 2, submits: 4, roundSubmits: 4 }) });

    expect(await failedReasonOf(h.run(job))).toBe(
      'retries_exhausted: 4 submits got no usable reply and no output was written after it; nothing more is sent',
    );
    expect(h.log.names('photoshop')).toEqual([]);
    expect(h.log.argsOf('observer', 'reconciled')).toEqual([[job.id, 'gone']]);
  });

  it('waits while Adobe is still writing some outputs, then names the ones that never came', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, 'jpeg bytes', T0 - 1_000);
    const request = renditionRequest([jpegOutput, pngOutput]);

    const early = h.job({ data: reconcileData({ request }) });
    expect(await rejectionOf(h.run(early))).toBeInstanceOf(DelayedError);
    expect(early.data.reconcileChecks).toBe(1);

    const late = h.job({ data: reconcileData({ request, reconcileChecks: 3 }) });
    expect(await failedReasonOf(h.run(late))).toBe(
      `output_missing: the submit's reply was lost and Adobe wrote only some outputs; missing: ${PNG_REF}`,
    );
    expect(h.log.names('photoshop')).toEqual([]);
  });

  it('reconciles a job whose worker died between its POST and the checkpoint', async () => {
    const h = createHarness(clock);
    h.storage.put(JPEG_REF, 'jpeg bytes', T0 - 2_000);
    // As the crashed run left it: the POST recorded, the step still `submit`.
    const job = h.job({ data: reconcileData({ step: 'submit', reconcileChecks: undefined }) });

    const result = await h.run(job);

    expect(result.confirmedBy).toBe('outputs');
    expect(h.log.names('photoshop')).toEqual([]);
  });

  it('fails deadline_exceeded rather than POST again once the deadline passed', async () => {
    const h = createHarness(clock);
    const job = h.job({ data: reconcileData({ reconcileChecks: 2, deadlineAt: T0 - 1 }) });

    expect(await failedReasonOf(h.run(job))).toMatch(
      /^deadline_exceeded: deadline .* passed after a submit whose reply was lost/,
    );
    expect(h.log.names('photoshop')).toEqual([]);
  });

  it('POSTs again after the wait for an operation that writes no output of its own', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const job = h.job({ data: reconcileData({ request: manifestRequest() }) });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.names('storage')).not.toContain('storage.stat');
    expect(h.log.argsOf('photoshop', 'submit')).toHaveLength(1);
    expect(job.data.submits).toBe(2);
  });

  it('takes back a POST refused before it was sent and tries again after a back-off', async () => {
    const h = createHarness(clock);
    // The client passes a refused connection through: Adobe never saw the request.
    const refused = new NetworkError('POST', SUBMIT_URL, 'ECONNREFUSED');
    h.photoshop.failSubmit(refused);
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.argsOf('observer', 'retrying')).toEqual([[job.id, 'submit_not_sent', refused]]);
    expect(job.data).toMatchObject({ step: 'submit', submits: 0, setupErrors: 1 });
    expect(job.data.submitIntent).toBeUndefined();
    expect(job.delays).toEqual([{ timestamp: T0 + 750, token: LOCK_TOKEN }]);
  });
});
