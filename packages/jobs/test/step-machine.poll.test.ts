import type { NormalizedStatus } from '@darkroom/photoshop';
import { DelayedError } from 'bullmq';
import {
  ACCOUNT,
  failedStatus,
  JPEG_REF,
  jpegOutput,
  MANIFEST_REF,
  manifestRequest,
  PNG_REF,
  pngOutput,
  pollStepData,
  REMOTE_JOB_ID,
  renditionRequest,
  STATUS_URL,
  succeededStatus,
  T0,
  unfinishedStatus,
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

// What Adobe's status reply echoes: the presigned PUTs the outputs were written through.
const echoedHref = (ref: string) =>
  `https://storage.darkroom.test/put/${encodeURIComponent(ref)}?${SIGNATURE_MARK}echoed`;

describe('step machine: poll', () => {
  const clock = useFakeClock(T0);

  describe('while Adobe is still at work', () => {
    it('polls the saved status URL, counts the poll and delays to the next one', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const job = h.job({ data: pollStepData({ polls: 2 }) });

      const err = await rejectionOf(h.run(job));

      expect(err).toBeInstanceOf(DelayedError);
      expect(h.log.names('storage', 'budget', 'photoshop', 'job', 'estimator')).toEqual([
        'budget.tryTake',
        'photoshop.getStatus',
        'job.updateData',
        'estimator.estimate',
        'job.moveToDelayed',
      ]);
      expect(h.log.argsOf('budget', 'tryTake')).toEqual([[ACCOUNT, 'status']]);
      expect(h.log.argsOf('photoshop', 'getStatus')).toEqual([
        [STATUS_URL, { operationId: 'renditionCreate' }],
      ]);
      expect(job.updates).toEqual([pollStepData({ polls: 3 })]);
      expect(h.log.argsOf('estimator', 'estimate')).toEqual([
        ['renditionCreate', CLASS_ESTIMATES.simple],
      ]);
      // Third poll of an 8 s operation: a fifth of the mean, grown ×1.5 twice.
      expect(job.delays).toEqual([{ timestamp: T0 + 3_600, token: LOCK_TOKEN }]);
      expect(h.log.argsOf('observer', 'polled')).toEqual([[job.id, { state: 'running' }]]);
    });

    it.each([
      [1, 'pending', 1_600],
      [2, 'running', 2_400],
      [4, 'running', 5_400],
      [10, 'running', 30_000],
    ] as const)(
      'after poll %i finds the job %s, polls again in %i ms',
      async (poll, state, delayMs) => {
        const h = createHarness(clock);
        h.photoshop.replyStatus(unfinishedStatus(state));
        const job = h.job({ data: pollStepData({ polls: poll - 1 }) });

        await rejectionOf(h.run(job));

        expect(job.data.polls).toBe(poll);
        expect(job.delays).toEqual([{ timestamp: T0 + delayMs, token: LOCK_TOKEN }]);
      },
    );

    it('spaces polls by the learned duration once the operation has one', async () => {
      const h = createHarness(clock);
      h.estimator.learned.set('renditionCreate', { meanMs: 20_000, deviationMs: 1_000 });
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const job = h.job({ data: pollStepData({ polls: 1 }) });

      await rejectionOf(h.run(job));

      expect(job.delays).toEqual([{ timestamp: T0 + 6_000, token: LOCK_TOKEN }]);
    });

    it('saves the remote job id a status reply names when the checkpoint had none', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(unfinishedStatus('running'));
      const { remoteJobId: _unknown, ...withoutId } = pollStepData();
      const job = h.job({ data: withoutId });

      await rejectionOf(h.run(job));

      expect(job.data).toEqual({ ...withoutId, polls: 1, remoteJobId: REMOTE_JOB_ID });
    });
  });

  describe('when Adobe reports success', () => {
    it('stats every output, learns the duration and completes with a URL-free result', async () => {
      const h = createHarness(clock);
      h.storage.put(JPEG_REF, Buffer.alloc(48_213, 1));
      h.storage.put(PNG_REF, Buffer.alloc(231_004, 2));
      h.photoshop.replyStatus(
        succeededStatus({
          created: T0 - 39_000,
          modified: T0 - 2_000,
          hrefs: [echoedHref(JPEG_REF), echoedHref(PNG_REF)],
        }),
        { takesMs: 300 },
      );
      const data = pollStepData({ polls: 2, request: renditionRequest([jpegOutput, pngOutput]) });
      const job = h.job({ data });

      const result = await h.run(job);

      expect(result).toEqual({
        outputs: [
          { ref: JPEG_REF, size: 48_213 },
          { ref: PNG_REF, size: 231_004 },
        ],
        remoteJobId: REMOTE_JOB_ID,
        polls: 3,
        submits: 1,
        timings: {
          enqueuedAt: T0 - 60_000,
          startedAt: T0 - 50_000,
          submittedAt: T0 - 40_000,
          remoteFinishedAt: T0 - 2_000,
          completedAt: T0 + 300,
          queuedMs: 10_000,
          remoteMs: 37_000,
          detectionLagMs: 2_300,
        },
      });
      expect(JSON.stringify(result)).not.toMatch(/https?:\/\//);
      expect(h.log.argsOf('storage', 'stat')).toEqual([[JPEG_REF], [PNG_REF]]);
      expect(h.log.argsOf('estimator', 'record')).toEqual([['renditionCreate', 37_000]]);
      expect(job.updates).toEqual([{ ...data, polls: 3 }]);
      expect(job.delays).toEqual([]);
      expect(h.log.names('storage')).not.toContain('storage.upload');
      expect(h.log.argsOf('observer', 'completed')).toEqual([[job.id, result]]);
    });

    it.each([
      ['Adobe gives no timestamps', {}, T0 - 40_000, T0],
      [
        'Adobe says it finished later than now',
        { created: T0 - 30_000, modified: T0 + 5_000 },
        T0 - 30_000,
        T0,
      ],
    ])(
      'times the remote run from the checkpoint or Adobe when %s',
      async (_case, times, remoteStart, remoteFinishedAt) => {
        const h = createHarness(clock);
        h.storage.put(JPEG_REF, 'jpeg bytes');
        h.photoshop.replyStatus(succeededStatus(times));
        const job = h.job({ data: pollStepData() });

        const result = await h.run(job);

        expect(result.timings).toMatchObject({
          remoteFinishedAt,
          remoteMs: remoteFinishedAt - remoteStart,
          detectionLagMs: T0 - remoteFinishedAt,
        });
        expect(h.log.argsOf('estimator', 'record')).toEqual([
          ['renditionCreate', remoteFinishedAt - remoteStart],
        ]);
      },
    );

    it('writes a manifest from the status reply to the JSON output without any URL', async () => {
      const h = createHarness(clock);
      const thumbnail = (n: number) =>
        `https://thumbs.adobe.test/${REMOTE_JOB_ID}/${n}.png?${SIGNATURE_MARK}thumb${n}`;
      const document = { name: 'summer.psd', width: 4_000, height: 3_000, imageMode: 'rgb' };
      const status: NormalizedStatus = {
        state: 'succeeded',
        jobId: REMOTE_JOB_ID,
        outputs: [],
        manifest: {
          document,
          layers: [
            {
              id: 1,
              name: 'Sky',
              type: 'layer',
              thumbnail: thumbnail(1),
              bounds: { width: 4_000 },
            },
            {
              id: 2,
              name: 'Title',
              type: 'layerSection',
              children: [{ id: 3, name: 'Headline', type: 'textLayer', thumbnail: thumbnail(3) }],
            },
          ],
        },
        raw: { jobId: REMOTE_JOB_ID, _links: { self: { href: STATUS_URL } } },
      };
      h.photoshop.replyStatus(status);
      const job = h.job({ data: pollStepData({ request: manifestRequest() }) });

      const result = await h.run(job);

      expect(h.log.names('storage')).toEqual(['storage.upload', 'storage.stat']);
      const [[ref, body, contentType]] = h.log.argsOf('storage', 'upload') as [
        [string, Buffer, string],
      ];
      expect([ref, contentType]).toEqual([MANIFEST_REF, 'application/json']);
      const written = body.toString('utf8');
      expect(written).not.toMatch(/https?:\/\//i);
      expect(written).not.toContain(SIGNATURE_MARK);
      expect(JSON.parse(written)).toMatchObject({
        document,
        layers: [
          { id: 1, name: 'Sky', type: 'layer', bounds: { width: 4_000 } },
          {
            id: 2,
            name: 'Title',
            type: 'layerSection',
            children: [{ id: 3, name: 'Headline', type: 'textLayer' }],
          },
        ],
      });
      expect(result.outputs).toEqual([{ ref: MANIFEST_REF, size: body.length }]);
      expect(JSON.stringify(result)).not.toMatch(/https?:\/\//);
    });
  });

  describe('when Adobe reports failure', () => {
    it.each([
      [
        'bad input',
        { type: 'InputValidationError', code: 400, title: "request parameters didn't validate" },
        "InputValidationError 400 request parameters didn't validate",
      ],
      // Adobe retries inside the service before it reports a job failed, so this one is final too.
      [
        'its own error',
        { type: 'InternalServiceError', code: 500, title: 'Internal Service Error' },
        'InternalServiceError 500 Internal Service Error',
      ],
    ])(
      'fails remote_failed at once for %s, naming Adobe type, code and title',
      async (_case, error, detail) => {
        const h = createHarness(clock);
        h.photoshop.replyStatus(failedStatus(error));
        const job = h.job({ data: pollStepData({ polls: 1 }), attempts: 4 });

        const failedReason = await failedReasonOf(h.run(job));

        expect(failedReason).toBe(`remote_failed: Adobe job ${REMOTE_JOB_ID} failed: ${detail}`);
        expect(job.updates).toEqual([pollStepData({ polls: 2 })]);
        expect(job.delays).toEqual([]);
        expect(h.log.names('storage', 'estimator')).toEqual([]);
        expect(h.log.argsOf('observer', 'failed')).toEqual([
          [job.id, 'remote_failed', failedReason.replace(/^remote_failed: /, '')],
        ]);
      },
    );

    it('fails remote_failed without detail when Adobe gives none', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(failedStatus({}));
      const job = h.job({ data: pollStepData() });

      expect(await failedReasonOf(h.run(job))).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} failed`,
      );
    });
  });
});
