import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import request from 'supertest';
import { createDashboard, type Dashboard } from '../src';
import { PREFIX, darkroomJobData, seedQueue, type SeededQueue } from './seed-queue';

guardAgainstLeaks();

const PLANTED = [
  'planted0sig1',
  'AKIAPLANTED',
  'plantedSasSig',
  'PlantedDropboxToken',
  'planted-bearer',
  'planted-secret',
];

interface JobReply {
  job: {
    name: string;
    data: Record<string, unknown>;
    returnValue: Record<string, unknown> | null;
    failedReason?: string;
    stacktrace: string[];
    attempts: number;
    attemptsStarted?: number;
  };
}

const STALLED = 'job stalled more than allowable limit';

describe('createDashboard job views', () => {
  let seeded: SeededQueue;
  let dashboard: Dashboard;

  beforeAll(async () => {
    seeded = await seedQueue([
      {
        name: 'autoTone',
        data: darkroomJobData(
          {
            clientSecret: 'planted-secret',
            note: 'debug copy: https://content.dropboxapi.com/apitul/1/PlantedDropboxToken',
            customField: { nested: 'Bearer planted-bearer' },
          },
          {
            outputs: [
              {
                ref: 's3://darkroom-out/cat.png',
                type: 'image/png',
                uploadUrl:
                  'https://darkroom-out.s3.amazonaws.com/cat.png?X-Amz-Credential=AKIAPLANTED&X-Amz-Signature=planted0sig1',
              },
            ],
          },
        ),
        returnValue: {
          outputs: [{ ref: 's3://darkroom-out/cat.png', bytes: 1234 }],
          statusUrl: 'https://image.adobe.io/pie/psdService/status/abc?sig=plantedSasSig',
          polls: 3,
        },
      },
      {
        name: 'removeBackground',
        data: darkroomJobData(
          { account: 'acct-b', step: 'submit' },
          { operation: 'removeBackground' },
        ),
        failWith:
          'client_error: InputValidationError reading https://acct.blob.core.windows.net/in/cat.psd?sv=2024&sig=plantedSasSig',
      },
      {
        name: 'autoCrop',
        data: darkroomJobData({ retries: 2 }, { operation: 'v2.autoCrop' }),
        pickUps: 3,
      },
      { name: 'stalled', data: darkroomJobData({ step: 'poll' }), failWith: STALLED },
      {
        name: 'delivery',
        data: { deliveryId: 'd-1', editId: 'e-1', type: 'edit.failed', url: 'https://app.test/h' },
        failWith: 'callback answered 500',
      },
    ]);
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      prefix: PREFIX,
      auth: { mode: 'basic', users: [{ username: 'v', password: 'p', role: 'viewer' }] },
    });
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededQueue | undefined)?.close();
  });

  const getJob = async (id: string | undefined): Promise<{ text: string; body: JobReply }> => {
    const res = await request(dashboard.app)
      .get(`/api/queues/${encodeURIComponent(seeded.name)}/${id}`)
      .auth('v', 'p');
    expect(res.status).toBe(200);
    return { text: res.text, body: res.body as JobReply };
  };

  it('shows what an operator needs of a completed job and none of the planted secrets', async () => {
    const { text, body } = await getJob(seeded.ids[0]);
    for (const secret of PLANTED) expect(text).not.toContain(secret);
    expect(body.job.name).toBe('autoTone (legacy) · acct-a · poll');
    expect(Object.keys(body.job.data).slice(0, 12)).toEqual([
      'operation',
      'api',
      'account',
      'step',
      'pickUps',
      'submitRounds',
      'polls',
      'remoteJobId',
      'statusPath',
      'enqueuedAt',
      'submittedAt',
      'deadlineAt',
    ]);
    expect(body.job.data).toMatchObject({
      operation: 'autoTone',
      api: 'POST /lrService/autoTone: legacy, ended 2026-07-31, use v2.edit',
      account: 'acct-a',
      step: 'poll',
      pickUps: 1,
      submitRounds: 1,
      polls: 3,
      remoteJobId: '8ec6e2c6-3b2a-4d0e',
      statusPath: '/pie/psdService/status/8ec6e2c6-3b2a-4d0e',
      submittedAt: '2025-11-29T06:00:01.000Z',
      clientSecret: '[redacted]',
      request: { input: 's3://darkroom-in/cats/cat.psd' },
    });
    expect(body.job.data).not.toHaveProperty('statusUrl');
    expect((body.job.data.request as { outputs: unknown }).outputs).toEqual([
      {
        ref: 's3://darkroom-out/cat.png',
        type: 'image/png',
        uploadUrl: 'https://darkroom-out.s3.amazonaws.com/cat.png',
      },
    ]);
    expect(body.job.returnValue).toMatchObject({
      statusPath: '/pie/psdService/status/abc',
      polls: 3,
    });
  });

  it('shows a failed edit its reason code and message, without stack trace or signed URL', async () => {
    const { text, body } = await getJob(seeded.ids[1]);
    for (const secret of PLANTED) expect(text).not.toContain(secret);
    expect(body.job.failedReason).toBe(
      'client_error: InputValidationError reading https://acct.blob.core.windows.net/in/cat.psd?[redacted]',
    );
    expect(body.job.stacktrace).toEqual([]);
    expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it("gives BullMQ's own failures of an edit a reason code too", async () => {
    const { body } = await getJob(seeded.ids[3]);
    expect(body.job.failedReason).toBe(`stalled: ${STALLED}`);
    expect(body.job.stacktrace).toEqual([]);
  });

  it('leaves the stack trace of jobs that are not edits', async () => {
    const { body } = await getJob(seeded.ids[4]);
    expect(body.job.failedReason).toBe('callback answered 500');
    expect(body.job.stacktrace.join('\n')).toContain('Error: callback answered 500');
  });

  it('counts pick-ups and submit rounds in the data, not as "started" in the header', async () => {
    const { body } = await getJob(seeded.ids[2]);
    expect(body.job).not.toHaveProperty('attemptsStarted');
    expect(body.job.attempts).toBe(1);
    expect(body.job.data).toMatchObject({ step: 'poll', pickUps: 3, submitRounds: 3 });
    expect(Object.keys(body.job.data).indexOf('pickUps')).toBe(
      Object.keys(body.job.data).indexOf('step') + 1,
    );
  });

  it('redacts job lists the same way', async () => {
    const res = await request(dashboard.app)
      .get('/api/queues')
      .query({ activeQueue: seeded.name, status: 'latest', page: 1, jobsPerPage: 10 })
      .auth('v', 'p');
    expect(res.status).toBe(200);
    expect(res.text).toContain('removeBackground · acct-b · submit');
    for (const secret of PLANTED) expect(res.text).not.toContain(secret);
    const { queues } = res.body as { queues: { jobs: JobReply['job'][] }[] };
    const jobs = queues.flatMap((q) => q.jobs);
    const crop = jobs.find((j) => j.name.startsWith('autoCrop'));
    expect(crop).not.toHaveProperty('attemptsStarted');
    expect(crop?.data.pickUps).toBe(3);
    const failedEdit = jobs.find((j) => j.name.startsWith('removeBackground'));
    expect(failedEdit?.stacktrace).toEqual([]);
  });
});
