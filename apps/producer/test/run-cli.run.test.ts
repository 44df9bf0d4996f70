import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EditQueue,
  exampleRecipes,
  isRunId,
  runsQueueName,
  type JobIssue,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT, startProducer, type RunningProducer } from '../src';
import type { ManifestSummary } from '../src/cli/enqueue-manifest';
import { cli, type CliRun } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';
import { startRunWorkers } from './support/run-workers';
import { cardRecipe as card } from './support/card-recipe';

guardAgainstLeaks();

const SCRATCH = 's3://darkroom-scratch/runs/';
const TOKEN = `cli-runs-${uniqueName('token').replace(/[^A-Za-z0-9-]/g, '')}`;

/** A recipe given as a file. */
const cardRecipe = card();

interface ErrorDoc {
  error: { code: string; message: string; issues?: JobIssue[] };
}

describe.each(['Redis', 'HTTP'] as const)(
  'darkroom run, status and retry of runs over %s',
  (via) => {
    let queueName: string;
    let dir: string;
    let producer: RunningProducer | undefined;
    /** The CLI's environment: Redis itself, or a producer with REDIS_URL on a closed port. */
    let env: Record<string, string>;
    /** What the tests read runs with, and what the workers carry them through with. */
    let edits: EditQueue;
    const stops: (() => Promise<void>)[] = [];
    const runs: CliRun[] = [];

    async function darkroom(argv: string[], options: Parameters<typeof cli>[2] = {}) {
      const run = await cli(argv, env, { cwd: dir, ...options });
      runs.push(run);
      return run;
    }

    /** Runs the recipe by name with `--json` and returns the run's id. */
    async function started(argv: string[]): Promise<string> {
      const run = await darkroom(['run', ...argv, '--json']);
      expect([run.code, run.stderr]).toEqual([EXIT.ok, '']);
      const { id } = run.json<{ id: string }>();
      expect(isRunId(id)).toBe(true);
      return id;
    }

    beforeAll(async () => {
      queueName = uniqueName('cli-runs');
      dir = await mkdtemp(join(tmpdir(), 'darkroom-cli-runs-'));
      await writeFile(join(dir, 'recipes.json'), JSON.stringify(exampleRecipes));
      await writeFile(join(dir, 'card.json'), JSON.stringify(cardRecipe));
      const shared = {
        DARKROOM_QUEUE: queueName,
        DARKROOM_SCRATCH: SCRATCH,
        DARKROOM_RECIPES: join(dir, 'recipes.json'),
      };
      if (via === 'HTTP') {
        producer = await startProducer({
          ...shared,
          REDIS_URL: redisUrl(),
          PRODUCER_TOKENS: TOKEN,
          PRODUCER_HOST: '127.0.0.1',
          PRODUCER_PORT: '0',
          PRODUCER_METRICS_PORT: '0',
          LOG_LEVEL: 'silent',
        });
        env = {
          DARKROOM_QUEUE: queueName,
          REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
          DARKROOM_PRODUCER_URL: `http://127.0.0.1:${producer.port}`,
          DARKROOM_PRODUCER_TOKEN: TOKEN,
        };
      } else {
        env = { ...shared, REDIS_URL: redisUrl() };
      }
      edits = new EditQueue({ connection: redisUrl(), queueName, scratch: SCRATCH });
    });
    afterEach(async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
      for (const run of runs.splice(0)) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    });
    afterAll(async () => {
      await producer?.close();
      await edits.queue.obliterate({ force: true });
      await edits.runs().queue.obliterate({ force: true });
      await edits.close();
      await dropQueueKeys(queueName);
      await dropQueueKeys(runsQueueName(queueName));
      await rm(dir, { recursive: true, force: true });
    });

    it('runs a named recipe and a recipe file; status shows the run and each step', async () => {
      const id = await started(['product-cutout', '--param', 'sku=A-1', '--tenant', 'shop-1']);
      const stored = await edits.getRun(id);
      expect(stored).toMatchObject({ recipe: 'product-cutout', params: { sku: 'A-1' } });
      expect(stored?.tenant).toBe('shop-1');

      const status = await darkroom(['status', id]);
      expect(status.code).toBe(EXIT.ok);
      expect(status.stdout).toMatch(new RegExp(`^id +${id}$`, 'm'));
      expect(status.stdout).toMatch(/^recipe +product-cutout$/m);
      expect(status.stdout).toMatch(/^state +waiting$/m);
      expect(status.stdout).toMatch(/^param +sku=A-1$/m);
      for (const step of stored?.steps ?? []) {
        expect(status.stdout).toMatch(
          new RegExp(`^step +${step.name} +pending +edit ${step.editId}$`, 'm'),
        );
      }
      const json = await darkroom(['status', id, '--json']);
      expect(json.json<RecipeRunStatus>()).toEqual(stored);

      // A file, by a relative path (a name ending in .json) and by an absolute one.
      const fromFile = await started(['card.json', '--param', 'sku=B-2', '--priority', 'high']);
      expect(await edits.getRun(fromFile)).toMatchObject({
        recipe: 'inline-card',
        params: { sku: 'B-2' },
      });
      const plain = await darkroom(['run', join(dir, 'card.json'), '--param', 'sku=B-3']);
      expect(plain.code).toBe(EXIT.ok);
      expect(isRunId(plain.stdout.trim())).toBe(true);
    });

    it('--deadline and --callback go with the run; status shows them, the callback without its query', async () => {
      const deadline = new Date(Date.now() + 3_600_000);
      deadline.setMilliseconds(0);
      const id = await started([
        'product-cutout',
        '--param',
        'sku=D-1',
        '--deadline',
        deadline.toISOString(),
        '--callback',
        'https://hooks.example.com/runs?sig=abc123',
      ]);
      expect(await edits.getRun(id)).toMatchObject({
        deadlineAt: deadline.getTime(),
        callback: { target: 'https://hooks.example.com/runs' },
      });
      const status = await darkroom(['status', id]);
      expect(status.stdout).toMatch(new RegExp(`^deadline +${deadline.toISOString()}$`, 'm'));
      expect(status.stdout).toMatch(/^callback +https:\/\/hooks\.example\.com\/runs$/m);
      expect(status.stdout).not.toContain('abc123');

      const late = await darkroom([
        'run',
        'product-cutout',
        '--param',
        'sku=D-2',
        '--deadline',
        'tomorrow',
        '--json',
      ]);
      expect(late.code).toBe(EXIT.usage);
      expect(late.json<ErrorDoc>().error.issues?.map((i) => i.path)).toEqual(['deadline']);
    });

    it('replays an idempotency key, and refuses it for other values (exit 2)', async () => {
      const key = `${via}-order-7`;
      const argv = ['run', 'product-cutout', '--param', 'sku=K-1', '--idempotency-key', key];
      const first = await darkroom(argv);
      const again = await darkroom(argv);
      expect([first.code, again.code]).toEqual([EXIT.ok, EXIT.ok]);
      expect(again.stdout).toBe(
        `${first.stdout.trim()} (already enqueued with this idempotency key)\n`,
      );
      const other = await darkroom([
        'run',
        'product-cutout',
        '--param',
        'sku=K-2',
        '--idempotency-key',
        key,
        '--json',
      ]);
      expect(other.code).toBe(EXIT.usage);
      expect(other.json<ErrorDoc>().error.code).toBe('idempotency_conflict');
    });

    it('exit 2 for a bad --param, naming the flag; for an unknown recipe; for an invalid run', async () => {
      for (const [flag, says] of [
        ['sku', '--param takes <name>=<value>'],
        ['=A-1', '--param takes <name>=<value>'],
      ] as const) {
        const bad = await darkroom(['run', 'product-cutout', '--param', flag, '--json']);
        expect(bad.code).toBe(EXIT.usage);
        expect(bad.json<ErrorDoc>().error).toMatchObject({
          code: 'usage',
          message: expect.stringContaining(says) as unknown,
          issues: [expect.objectContaining({ path: '--param', rule: 'param_flag' })],
        });
      }
      const twice = await darkroom([
        'run',
        'product-cutout',
        '--param',
        'sku=a',
        '--param',
        'sku=b',
      ]);
      expect([twice.code, twice.stderr]).toEqual([
        EXIT.usage,
        expect.stringContaining('--param sku is given twice'),
      ]);

      const unknown = await darkroom(['run', 'no-such-recipe', '--param', 'sku=a']);
      expect(unknown.code).toBe(EXIT.usage);
      expect(unknown.stderr).toContain('no recipe no-such-recipe in ');

      const missing = await darkroom(['run', 'product-cutout', '--json']);
      expect(missing.code).toBe(EXIT.usage);
      expect(missing.json<ErrorDoc>().error).toMatchObject({
        code: 'invalid_run',
        issues: [expect.objectContaining({ path: 'params.sku', rule: 'required' })],
      });
      // A recipe file's own issues are named under `recipe.`, as the producer names them.
      const broken = {
        ...cardRecipe,
        steps: {
          ...cardRecipe.steps,
          render: { ...cardRecipe.steps.render, input: { from: 'nowhere' } },
        },
      };
      await writeFile(join(dir, `broken-${via}.json`), JSON.stringify(broken));
      const refused = await darkroom(['run', `broken-${via}.json`, '--param', 'sku=a', '--json']);
      expect(refused.code).toBe(EXIT.usage);
      expect(refused.json<ErrorDoc>().error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'recipe.steps.render.input.from' }),
        ]),
      );
      const noFile = await darkroom(['run', 'absent.json']);
      expect([noFile.code, noFile.stderr]).toEqual([
        EXIT.usage,
        'darkroom: cannot read the recipe absent.json: ENOENT\n',
      ]);
    });

    it('--from: one run per line, 300 lines, bad lines reported with their numbers', async () => {
      const lines = Array.from({ length: 300 }, (_, i) =>
        JSON.stringify({
          sku: `S-${i}`,
          idempotencyKey: `${via}-line-${i}`,
          ...(i % 2 === 0 ? { tenant: 'shop-even', priority: 'low' } : {}),
        }),
      );
      lines.splice(100, 0, '{ not json');
      lines.splice(200, 0, JSON.stringify({ sku: 'a/b' }));
      lines.splice(250, 0, '["an", "array"]');
      const file = `params-${via}.jsonl`;
      await writeFile(join(dir, file), `${lines.join('\n')}\n`);

      const first = await darkroom([
        'run',
        'product-cutout',
        '--from',
        file,
        '--account',
        'acme',
        '--json',
      ]);
      expect(first.code).toBe(EXIT.usage);
      const summary = first.json<ManifestSummary>();
      expect(summary).toMatchObject({ file, lines: 303, enqueued: 300, duplicates: 0 });
      expect(summary.rejected.map((r) => [r.line, r.issues.map((i) => [i.path, i.rule])])).toEqual([
        [101, [['', 'invalid_json']]],
        [201, [['params.sku', 'path_separator']]],
        [251, [['', 'invalid_type']]],
      ]);
      const { id } = (await edits.runs().queue.getJobs(['delayed', 'waiting', 'prioritized'])).find(
        (job) => job.data.params.sku === 'S-0',
      ) ?? { id: undefined };
      const even = await edits.getRun(String(id));
      expect(even).toMatchObject({ account: 'acme', tenant: 'shop-even' });

      // Again: every keyed line names its earlier run; the text summary names the bad lines.
      const again = await darkroom(['run', 'product-cutout', '--from', file, '--account', 'acme']);
      expect(again.code).toBe(EXIT.usage);
      expect(again.stdout).toContain(`${file}: 303 lines, 0 enqueued, 300 duplicates, 3 rejected`);
      expect(again.stdout).toContain('  line 201: params.sku: ');
    }, 60_000);

    it('status and retry of a run: waiting, failed (exit 1), retried, completed; 4 when unknown', async () => {
      // The workers started below would otherwise carry every earlier test's runs through too.
      await edits.runs().queue.obliterate({ force: true });
      const waiting = await started(['product-cutout', '--param', 'sku=W-1']);
      const notFailed = await darkroom(['retry', waiting]);
      expect([notFailed.code, notFailed.stderr]).toEqual([
        EXIT.failed,
        `run ${waiting} is waiting; only failed runs can be retried\n`,
      ]);
      const ranOut = await darkroom(['status', waiting, '--wait', '0.3']);
      expect(ranOut.code).toBe(EXIT.waitTimedOut);
      expect(ranOut.stderr).toContain(`run ${waiting} is still waiting: --wait 0.3 ended first`);

      const unknown = `run-${'0'.repeat(32)}`;
      for (const command of ['status', 'retry']) {
        const none = await darkroom([command, unknown]);
        expect([command, none.code, none.stderr]).toEqual([
          command,
          EXIT.notFound,
          expect.stringContaining(`no run ${unknown}`),
        ]);
      }

      // Workers that fail the card step until told otherwise.
      let cardFails = true;
      const workers = startRunWorkers(edits, (step) => step === 'card' && cardFails);
      stops.push(() => workers.close());
      const failed = await darkroom([
        'run',
        'product-cutout',
        '--param',
        'sku=F-1',
        '--wait',
        '30',
      ]);
      expect(failed.code).toBe(EXIT.failed);
      expect(failed.stdout).toMatch(/^state +failed$/m);
      expect(failed.stdout).toMatch(/^failure +step card: remote_failed: step card failed$/m);
      expect(failed.stdout).toMatch(/^step +cutout +completed +edit \S+$/m);
      expect(failed.stdout).toMatch(
        /^step +card +failed +edit \S+ +failed remote_failed: step card failed$/m,
      );
      const id = /^id +(\S+)$/m.exec(failed.stdout)?.[1] ?? '';
      expect((await darkroom(['status', id])).code).toBe(EXIT.failed);

      cardFails = false;
      const retried = await darkroom(['retry', id, '--json']);
      expect([retried.code, retried.json()]).toEqual([EXIT.ok, { id, retried: true }]);
      const done = await darkroom(['status', id, '--wait', '30', '--json']);
      expect(done.code).toBe(EXIT.ok);
      expect(done.json<RecipeRunStatus>()).toMatchObject({
        state: 'completed',
        outputs: expect.arrayContaining(['s3://darkroom-out/products/F-1/card.jpg']) as unknown,
      });
      // The first run, enqueued before any worker ran, is carried through too.
      await waitFor(
        async () => ['completed', 'failed'].includes((await edits.getRun(waiting))?.state ?? ''),
        { what: 'the run enqueued before the workers to end' },
      );
    }, 60_000);
  },
);

describe('darkroom run: configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-cli-recipes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 2 naming DARKROOM_RECIPES, the recipe and the path, a bad DARKROOM_SCRATCH or a bad flag; 3 with Redis down', async () => {
    const bad = {
      good: exampleRecipes['product-cutout'],
      'bad-one': {
        ...cardRecipe,
        name: 'bad-one',
        steps: { only: { ...cardRecipe.steps.render } },
      },
    };
    await writeFile(join(dir, 'recipes.json'), JSON.stringify(bad));
    // Redis is down: the file is read, and refused, before anything connects.
    const env = {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      DARKROOM_SCRATCH: SCRATCH,
      DARKROOM_RECIPES: join(dir, 'recipes.json'),
    };
    const run = await cli(['run', 'good', '--param', 'sku=a'], env);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('DARKROOM_RECIPES');
    expect(run.stderr).toContain('recipe good: its name is "product-cutout", not its key');
    expect(run.stderr).toContain('recipe bad-one: steps.only.input.from');

    // A good file with Redis down: the run cannot be stored, exit 3 as for every command.
    await writeFile(join(dir, 'good.json'), JSON.stringify([cardRecipe]));
    const good = { ...env, DARKROOM_RECIPES: join(dir, 'good.json') };
    const down = await cli(['run', 'inline-card', '--param', 'sku=a'], good);
    expect([down.code, down.stderr]).toEqual([
      EXIT.unreachable,
      expect.stringContaining('Redis is unreachable'),
    ]);
    for (const [argv, says] of [
      [['--from', 'x.jsonl', '--idempotency-key', 'k'], 'give each line its own idempotencyKey'],
      [['--from', 'x.jsonl', '--wait', '5'], '--wait follows one run'],
      [['--wait', 'soon'], '--wait takes a number of seconds'],
      [['--priority', 'urgent'], '--priority takes'],
      [['extra'], 'darkroom run takes exactly one recipe'],
    ] as const) {
      const usage = await cli(['run', 'inline-card', ...argv], good);
      expect([argv, usage.code, usage.stderr]).toEqual([
        argv,
        EXIT.usage,
        expect.stringContaining(says),
      ]);
    }

    const scratch = await cli(['status', 'x'], {
      ...env,
      DARKROOM_SCRATCH: 's3://darkroom-scratch/runs',
    });
    expect(scratch.code).toBe(EXIT.usage);
    expect(scratch.stderr).toContain(
      'DARKROOM_SCRATCH: must be a storage reference prefix ending in "/"',
    );
    const bucket = await cli(['status', 'x'], {
      ...env,
      DARKROOM_SCRATCH: 's3://Bad_Bucket/runs/',
    });
    expect(bucket.stderr).toContain('DARKROOM_SCRATCH');
    expect(bucket.code).toBe(EXIT.usage);
  });
});
