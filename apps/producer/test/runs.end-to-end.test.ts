import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DarkroomClient } from '@darkroom/client';
import type { RecipeRunStatus } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, testJpeg, uniqueName } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { EXIT, startProducer, type RunningProducer } from '../src';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

const TOKEN = 'runs-e2e-token';
const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

describe('recipe runs end to end: producer, CLI, worker, emulator and s3rver', () => {
  let stack: StackFixture<DarkroomWorker>;
  let producer: RunningProducer;
  let client: DarkroomClient;
  let dir: string;
  /** Where this test's photos and outputs go, and the runs' scratch folder. */
  let photos: string;
  let outputs: string;
  let scratch: string;
  /** The CLI's environments: the producer's URL and token, or the stack's Redis with the recipes. */
  let httpEnv: Record<string, string>;
  let redisEnv: Record<string, string>;

  /** A photo of `sku` where the recipe's cut-out step reads it. */
  const upload = async (sku: string): Promise<void> =>
    stack.storage.upload(`${photos}/${sku}.jpg`, await testJpeg(), 'image/jpeg');

  /** Every object left under the scratch folder. */
  async function scratchLeft(): Promise<string[]> {
    const left: string[] = [];
    for await (const ref of stack.storage.list(scratch)) left.push(ref);
    return left;
  }

  beforeAll(async () => {
    stack = await startStack({
      redis: { url: redisUrl() },
      emulator: { limits: false },
      timeFactor: 0.001,
      client: { clientId: 'runs-e2e', clientSecret: 'runs-e2e-secret-value' },
      queue: { queueName: uniqueName('edits'), backoffMs: 50 },
      startWorker: (workerEnv) =>
        createWorker(parseWorkerConfig(workerEnv), { logDestination: quiet }),
      env: { WORKER_DRAIN_TIMEOUT_MS: '5000', API_TIMEOUT_MS: '5000', LOG_LEVEL: 'silent' },
    });
    const [inBucket, outBucket] = stack.buckets as [string, string];
    const folder = uniqueName('runs').replace(/[^a-z0-9-]/g, '');
    photos = `s3://${inBucket}/${folder}`;
    outputs = `s3://${outBucket}/${folder}`;
    scratch = `s3://${outBucket}/${folder}-scratch/`;
    dir = await mkdtemp(join(tmpdir(), 'darkroom-runs-e2e-'));
    const recipes = join(dir, 'recipes.json');
    await writeFile(
      recipes,
      JSON.stringify({
        'toned-cutout': {
          description: 'Cuts the product out of its photo and tones the cut-out.',
          params: { sku: {} },
          steps: {
            cutout: {
              operation: 'v2.removeBackground',
              input: `${photos}/{{sku}}.jpg`,
              options: { mode: 'cutout' },
              outputs: [{ mediaType: 'image/png' }],
            },
            tone: {
              operation: 'v2.edit',
              input: { from: 'cutout' },
              options: { edits: { autoTone: true } },
              outputs: [{ ref: `${outputs}/{{sku}}/toned.jpg`, mediaType: 'image/jpeg' }],
            },
          },
        },
      }),
    );
    const runsEnv = { DARKROOM_SCRATCH: scratch, DARKROOM_RECIPES: recipes };
    producer = await startProducer({
      ...stack.env,
      ...runsEnv,
      PRODUCER_TOKENS: TOKEN,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const url = `http://127.0.0.1:${producer.port}`;
    client = new DarkroomClient({ baseUrl: url, token: TOKEN });
    httpEnv = {
      DARKROOM_QUEUE: stack.env.DARKROOM_QUEUE ?? '',
      DARKROOM_PRODUCER_URL: url,
      DARKROOM_PRODUCER_TOKEN: TOKEN,
    };
    redisEnv = { ...stack.env, ...runsEnv };
    await stack.startWorker();
  }, 120_000);
  afterAll(async () => {
    await producer?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a named recipe through the client: each step an edit at the emulator, the output written, the scratch emptied', async () => {
    await upload('A-1');
    const { id } = await client.runRecipe('toned-cutout', { params: { sku: 'A-1' } });
    const run = await client.waitForRun(id, { timeoutMs: 60_000 });
    expect(run).toMatchObject({
      id,
      recipe: 'toned-cutout',
      state: 'completed',
      outputs: [`${outputs}/A-1/toned.jpg`],
    });
    for (const step of run.steps) {
      expect(step).toMatchObject({
        state: 'completed',
        remoteJobId: expect.any(String) as unknown,
      });
      expect((await client.get(step.editId)).state).toBe('completed');
    }
    expect((await stack.storage.stat(`${outputs}/A-1/toned.jpg`)).size).toBeGreaterThan(0);
    expect(await scratchLeft()).toEqual([]);
  }, 90_000);

  it.each([
    ['HTTP', () => httpEnv],
    ['Redis', () => redisEnv],
  ])(
    'darkroom run --wait over %s: a run that fails at its cut-out (no photo), retried once the photo is there',
    async (via, envOf) => {
      const sku = `B-${via}`;
      const failed = await cli(
        ['run', 'toned-cutout', '--param', `sku=${sku}`, '--wait', '60'],
        envOf(),
      );
      expect(failed.code).toBe(EXIT.failed);
      expect(failed.stdout).toMatch(/^state +failed$/m);
      expect(failed.stdout).toMatch(/^failure +step cutout: \w+: .+$/m);
      expect(failed.stdout).toMatch(/^step +tone +pending +edit \S+$/m);
      const id = /^id +(\S+)$/m.exec(failed.stdout)?.[1] ?? '';

      await upload(sku);
      const retried = await cli(['retry', id], envOf());
      expect([retried.code, retried.stdout]).toEqual([
        EXIT.ok,
        `${id}: retried from where it stopped\n`,
      ]);
      const done = await cli(['status', id, '--wait', '60', '--json'], envOf());
      expect(done.code).toBe(EXIT.ok);
      expect(done.json<RecipeRunStatus>()).toMatchObject({
        state: 'completed',
        outputs: [`${outputs}/${sku}/toned.jpg`],
      });
      expect((await stack.storage.stat(`${outputs}/${sku}/toned.jpg`)).size).toBeGreaterThan(0);
      expect(await scratchLeft()).toEqual([]);
    },
    120_000,
  );
});
