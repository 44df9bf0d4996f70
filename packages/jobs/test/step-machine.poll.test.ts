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
        confirmedBy: 'status',
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
    it('fails remote_failed at once for bad input, naming Adobe type, code and title', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(
        failedStatus({
          type: 'InputValidationError',
          code: 400,
          title: "request parameters didn't validate",
        }),
      );
      const job = h.job({ data: pollStepData({ polls: 1 }), attempts: 4 });

      const failedReason = await failedReasonOf(h.run(job));

      expect(failedReason).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} failed: InputValidationError 400 request parameters didn't validate`,
      );
      expect(job.updates).toEqual([
        pollStepData({ polls: 2 }),
        { ...pollStepData({ polls: 2 }), endedAt: T0 },
      ]);
      expect(job.delays).toEqual([]);
      expect(h.log.names('storage', 'estimator')).toEqual([]);
      expect(h.log.argsOf('observer', 'failed')).toEqual([
        [job.id, 'remote_failed', failedReason.replace(/^remote_failed: /, '')],
      ]);
    });

    it("submits again after a back-off when Adobe blames itself, keeping the failed run's id", async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(
        failedStatus({ type: 'InternalServiceError', code: 500, title: 'Internal Service Error' }),
      );
      const job = h.job({ data: pollStepData({ polls: 1, roundSubmits: 1 }) });

      expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);

      expect(job.data).toMatchObject({ step: 'submit', earlierRemoteJobIds: [REMOTE_JOB_ID] });
      expect(job.data.statusUrl).toBeUndefined();
      expect(job.data.remoteJobId).toBeUndefined();
      // 1 s back-off for the round's first POST, equal jitter at 0.5.
      expect(job.delays).toEqual([{ timestamp: T0 + 750, token: LOCK_TOKEN }]);
      expect(h.log.argsOf('observer', 'retrying')).toEqual([
        [job.id, 'remote_internal_error', expect.any(Error)],
      ]);
    });

    it('fails remote_failed when Adobe blames itself but the round has no POST left', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(failedStatus({ type: 'InternalServiceError', code: 500 }));
      const job = h.job({ data: pollStepData({ roundSubmits: 4, submits: 4 }) });

      expect(await failedReasonOf(h.run(job))).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} failed: InternalServiceError 500`,
      );
    });

    it('fails remote_failed without detail when Adobe gives none', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(failedStatus({}));
      const job = h.job({ data: pollStepData() });

      expect(await failedReasonOf(h.run(job))).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} failed`,
      );
    });

    it('names the failed entries of a job whose other entries were written', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus({
        ...failedStatus({ type: 'FileNotFound' }),
        failedEntries: [1],
        entryCount: 2,
      });
      const job = h.job({ data: pollStepData() });

      expect(await failedReasonOf(h.run(job))).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} failed: FileNotFound (1 of 2 entries failed: 1; the others' files were written)`,
      );
    });
  });

  describe('when Adobe answers with a status word Darkroom does not know', () => {
    const unknownStatus = () => ({
      ...unfinishedStatus('running'),
      state: 'unknown' as const,
      statusWord: 'cancelled',
    });

    it('polls again, counting it, rather than taking it for a result', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(unknownStatus());
      const job = h.job({ data: pollStepData({ polls: 1 }) });

      expect(await rejectionOf(h.run(job))).toBeInstanceOf(DelayedError);
      expect(job.data.unknownStatuses).toBe(1);
    });

    it('fails remote_failed, naming the word, on the third in a row', async () => {
      const h = createHarness(clock);
      h.photoshop.replyStatus(unknownStatus());
      const job = h.job({ data: pollStepData({ polls: 3, unknownStatuses: 2 }) });

      expect(await failedReasonOf(h.run(job))).toBe(
        `remote_failed: Adobe job ${REMOTE_JOB_ID} reported status 'cancelled' 3 times, a word Darkroom does not know`,
      );
    });
  });

  it('is not cut short by the deadline once submitted, but ends when Adobe would have let go of the job', async () => {
    const h = createHarness(clock);
    h.photoshop.replyStatus(unfinishedStatus('running'));
    const late = h.job({ data: pollStepData({ deadlineAt: T0 - 60_000 }) });
    expect(await rejectionOf(h.run(late))).toBeInstanceOf(DelayedError);
    expect(late.data.polls).toBe(1);

    const forgotten = h.job({ data: pollStepData({ submittedAt: T0 - 25 * 3_600_000 }) });
    expect(await failedReasonOf(h.run(forgotten))).toBe(
      `deadline_exceeded: Adobe job ${REMOTE_JOB_ID} still unfinished 1500 min after its submit`,
    );
  });
});
