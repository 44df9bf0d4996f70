import { DelayedError } from 'bullmq';
import {
  ACCOUNT,
  INPUT_REF,
  JPEG_REF,
  manifestRequest,
  pngOutput,
  jpegOutput,
  renditionRequest,
  REMOTE_JOB_ID,
  STATUS_URL,
  submitStepData,
  T0,
} from './support/edit-jobs';
import { useFakeClock } from './support/fake-clock';
import { SIGNATURE_MARK } from './support/in-memory-storage';
import {
  CLASS_ESTIMATES,
  createHarness,
  failedReasonOf,
  LOCK_TOKEN,
  rejectionOf,
} from './support/step-machine-harness';

describe('step machine: submit', () => {
  const clock = useFakeClock(T0);

  it('presigns, takes the token right before the POST, checkpoints and delays to the first poll', async () => {
    const h = createHarness(clock);
    // The POST takes 700 ms: it was submitted when it left, the first poll counts from its reply.
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID }, { takesMs: 700 });
    const job = h.job({ data: submitStepData() });

    const err = await rejectionOf(h.run(job));

    expect(err).toBeInstanceOf(DelayedError);
    expect(h.log.names('storage', 'budget', 'photoshop', 'job', 'estimator')).toEqual([
      'estimator.estimate',
      // Tokens before presigning: a job sent back by the budget has called no store yet.
      'budget.tryTake',
      'storage.presignRead',
      'storage.presignWrite',
      // The POST is recorded before it leaves, so a crash after sending still counts it.
      'job.updateData',
      'photoshop.submit',
      'job.updateData',
      'job.moveToDelayed',
    ]);
    expect(h.log.argsOf('budget', 'tryTake')).toEqual([[ACCOUNT, 'submit']]);
    expect(h.photoshop.accounts).toEqual([ACCOUNT]);
    const intent = { at: T0, nonce: expect.stringMatching(/^[0-9a-f]{12}$/) as unknown };
    expect(job.updates).toEqual([
      { ...submitStepData(), startedAt: T0, submitIntent: intent, submits: 1, roundSubmits: 1 },
      {
        ...submitStepData(),
        step: 'poll',
        statusUrl: STATUS_URL,
        remoteJobId: REMOTE_JOB_ID,
        startedAt: T0,
        submittedAt: T0,
        submits: 1,
        roundSubmits: 1,
        polls: 0,
      },
    ]);
    // No estimate learned yet: the renditionCreate class default, mean plus one deviation.
    expect(h.log.argsOf('estimator', 'estimate')).toEqual([
      ['renditionCreate', CLASS_ESTIMATES.simple],
    ]);
    expect(job.delays).toEqual([{ timestamp: T0 + 700 + 10_000, token: LOCK_TOKEN }]);
    expect(h.log.argsOf('observer', 'submitted')).toEqual([
      [job.id, { remoteJobId: REMOTE_JOB_ID }],
    ]);
  });

  it('sends the presigned URLs to Adobe and keeps them out of the saved job', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const job = h.job({
      data: submitStepData({ request: renditionRequest([jpegOutput, pngOutput]) }),
    });

    await rejectionOf(h.run(job));

    const [[operationId, body, opts]] = h.log.argsOf('photoshop', 'submit') as [
      [string, unknown, unknown],
    ];
    expect(operationId).toBe('renditionCreate');
    expect(opts).toEqual({});
    expect(body).toEqual({
      inputs: [{ href: h.storage.hrefFor('GET', INPUT_REF), storage: 'external' }],
      outputs: [
        {
          href: h.storage.hrefFor('PUT', JPEG_REF),
          storage: 'external',
          type: 'image/jpeg',
          width: 1024,
          quality: 7,
        },
        {
          href: h.storage.hrefFor('PUT', pngOutput.ref),
          storage: 'external',
          type: 'image/png',
          compression: 'medium',
        },
      ],
    });
    expect(h.log.argsOf('storage', 'presignWrite')).toEqual([
      [JPEG_REF, 3_900, { contentType: 'image/jpeg' }],
      [pngOutput.ref, 3_900, { contentType: 'image/png' }],
    ]);
    expect(JSON.stringify(job.data)).not.toContain(SIGNATURE_MARK);
    expect(job.data.request).toEqual(renditionRequest([jpegOutput, pngOutput]));
  });

  it.each([
    ['the default margin of 5 min', {}, T0 + 3_600_000, 3_600 + 300],
    ['a configured margin', { presignMarginMs: 60_000 }, T0 + 3_600_000, 3_600 + 60],
    ['no more than seven days', {}, T0 + 30 * 86_400_000, 7 * 86_400],
  ])(
    'presigns URLs that live to the deadline: %s',
    async (_case, options, deadlineAt, ttlSeconds) => {
      const h = createHarness(clock, options);
      h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
      await rejectionOf(h.run(h.job({ data: submitStepData({ deadlineAt }) })));

      expect(h.log.argsOf('storage', 'presignRead')).toEqual([[INPUT_REF, ttlSeconds]]);
      expect(h.log.argsOf('storage', 'presignWrite')).toEqual([
        [JPEG_REF, ttlSeconds, { contentType: 'image/jpeg' }],
      ]);
    },
  );

  it.each([
    ['the learned mean plus one deviation', { meanMs: 20_000, deviationMs: 4_000 }, 24_000],
    ['no later than 30 s', { meanMs: 60_000, deviationMs: 20_000 }, 30_000],
    ['no sooner than 250 ms', { meanMs: 100, deviationMs: 20 }, 250],
  ])('aims the first poll of a learned operation at %s', async (_case, learned, delayMs) => {
    const h = createHarness(clock);
    h.estimator.learned.set('renditionCreate', learned);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const job = h.job({ data: submitStepData() });

    await rejectionOf(h.run(job));

    expect(job.delays).toEqual([{ timestamp: T0 + delayMs, token: LOCK_TOKEN }]);
  });

  it('checkpoints without a remote job id when the submit reply carries none', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL });
    const job = h.job({ data: submitStepData() });

    await rejectionOf(h.run(job));

    expect(job.data).toEqual({
      ...submitStepData(),
      step: 'poll',
      statusUrl: STATUS_URL,
      startedAt: T0,
      submittedAt: T0,
      submits: 1,
      roundSubmits: 1,
      polls: 0,
    });
    expect(h.log.argsOf('observer', 'submitted')).toEqual([[job.id, {}]]);
  });

  it('presigns no output for an operation that answers in its status reply', async () => {
    const h = createHarness(clock);
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID });
    const job = h.job({ data: submitStepData({ request: manifestRequest() }) });

    await rejectionOf(h.run(job));

    // Adobe returns the manifest in the status reply; the output is Darkroom's to write later.
    expect(h.log.names('storage')).toEqual(['storage.presignRead']);
    const [[, body]] = h.log.argsOf('photoshop', 'submit') as [[string, unknown]];
    expect(body).toEqual({
      inputs: [{ href: h.storage.hrefFor('GET', INPUT_REF), storage: 'external' }],
    });
    expect(job.data.step).toBe('poll');
  });

  it('fails invalid_job, before any token or POST, when the body breaks Adobe contract', async () => {
    const h = createHarness(clock);
    // A URL where a file belongs: jobs may only name files by storage reference.
    const request = {
      ...renditionRequest(),
      options: { layers: [{ input: { href: 'https://attacker.example/x.psd' } }] },
    };
    const job = h.job({ data: submitStepData({ request }) });

    const failedReason = await failedReasonOf(h.run(job));

    expect(failedReason).toMatch(/^invalid_job: invalid renditionCreate: /);
    expect(failedReason).toContain('no-direct-url');
    expect(h.log.names('budget', 'photoshop', 'storage')).toEqual([]);
    expect(h.log.argsOf('observer', 'failed')).toEqual([
      [job.id, 'invalid_job', failedReason.replace(/^invalid_job: /, '')],
    ]);
  });
  it('presigns again later when the store has a passing fault, keeping the job', async () => {
    const h = createHarness(clock);
    const blip = Object.assign(new Error('dropbox answered 503'), { transient: true });
    h.storage.failPresign(blip);
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.names('photoshop')).toEqual([]);
    expect(job.data).toMatchObject({ step: 'submit', setupErrors: 1 });
    expect(job.data.submits).toBeUndefined();
    expect(h.log.argsOf('observer', 'retrying')).toEqual([[job.id, 'presign_failed', blip]]);
  });

  it("waits as long as the store's Retry-After asks", async () => {
    const h = createHarness(clock);
    h.storage.failPresign(
      Object.assign(new Error('too_many_requests'), { transient: true, retryAfterMs: 9_000 }),
    );
    const job = h.job({ data: submitStepData() });

    await rejectionOf(h.run(job));

    expect(job.delays).toEqual([{ timestamp: T0 + 9_000, token: LOCK_TOKEN }]);
  });

  it('fails invalid_job for a storage error that will not pass', async () => {
    const h = createHarness(clock);
    h.storage.failPresign(new Error('bucket darkroom-in is not configured'));
    const job = h.job({ data: submitStepData() });

    expect(await failedReasonOf(h.run(job))).toBe(
      'invalid_job: bucket darkroom-in is not configured',
    );
    expect(h.log.names('photoshop')).toEqual([]);
  });
  it('does not send links that would die before the run ends; a later try gets fresher ones', async () => {
    const h = createHarness(clock);
    // The run is expected to take about 10 s (mean plus one deviation); the links live 5 s.
    h.storage.linkLifetimeMs = 5_000;
    const job = h.job({ data: submitStepData() });

    expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

    expect(h.log.names('photoshop')).toEqual([]);
    expect(job.data).toMatchObject({ step: 'submit', setupErrors: 1 });
    expect(job.data.submits).toBeUndefined();
  });
});
