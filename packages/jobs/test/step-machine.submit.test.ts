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
    // The POST takes 700 ms: the checkpoint time and the first poll count from its reply.
    h.photoshop.acceptSubmit({ statusUrl: STATUS_URL, jobId: REMOTE_JOB_ID }, { takesMs: 700 });
    const job = h.job({ data: submitStepData() });

    const err = await rejectionOf(h.run(job));

    expect(err).toBeInstanceOf(DelayedError);
    expect(h.log.names('storage', 'budget', 'photoshop', 'job', 'estimator')).toEqual([
      'storage.presignRead',
      'storage.presignWrite',
      'budget.tryTake',
      'photoshop.submit',
      'job.updateData',
      'estimator.estimate',
      'job.moveToDelayed',
    ]);
    expect(h.log.argsOf('budget', 'tryTake')).toEqual([[ACCOUNT, 'submit']]);
    expect(h.photoshop.accounts).toEqual([ACCOUNT]);
    expect(job.updates).toEqual([
      {
        ...submitStepData(),
        step: 'poll',
        statusUrl: STATUS_URL,
        remoteJobId: REMOTE_JOB_ID,
        startedAt: T0,
        submittedAt: T0 + 700,
        submits: 1,
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
    expect(h.log.names('budget', 'photoshop', 'job', 'storage')).toEqual([]);
    expect(h.log.argsOf('observer', 'failed')).toEqual([
      [job.id, 'invalid_job', failedReason.replace(/^invalid_job: /, '')],
    ]);
  });
});
