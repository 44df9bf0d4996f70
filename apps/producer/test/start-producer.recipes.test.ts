import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@darkroom/config';
import { isConfigurationError } from '@darkroom/core';
import { localisedBannerRecipe, productCutoutRecipe } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { startProducer } from '../src/start-producer';

guardAgainstLeaks();

const SCRATCH = 's3://darkroom-scratch/runs/';

/** The rejection of a start, which must be a configuration error (exit 2). */
async function refusal(env: Record<string, string>): Promise<ConfigError> {
  const err = await startProducer({
    PRODUCER_HOST: '127.0.0.1',
    PRODUCER_PORT: '0',
    PRODUCER_METRICS_PORT: '0',
    PRODUCER_TOKENS: 'tok-recipes',
    REDIS_URL: redisUrl(),
    DARKROOM_QUEUE: uniqueName('recipes'),
    LOG_LEVEL: 'silent',
    ...env,
  }).then(
    async (started) => {
      await started.close();
      throw new Error('the producer started');
    },
    (caught: unknown) => caught,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect(isConfigurationError(err as Error)).toBe(true);
  return err as ConfigError;
}

describe('startProducer with DARKROOM_RECIPES', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-recipes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  it('serves the recipes of a good file, an array of recipes or an object by name', async () => {
    for (const content of [
      [productCutoutRecipe, localisedBannerRecipe],
      {
        'product-cutout': { ...productCutoutRecipe, name: undefined },
        'localised-banner': localisedBannerRecipe,
      },
    ]) {
      const producer = await startProducer({
        PRODUCER_HOST: '127.0.0.1',
        PRODUCER_PORT: '0',
        PRODUCER_METRICS_PORT: '0',
        PRODUCER_TOKENS: 'tok-recipes',
        REDIS_URL: redisUrl(),
        DARKROOM_QUEUE: uniqueName('recipes'),
        DARKROOM_SCRATCH: SCRATCH,
        DARKROOM_RECIPES: await file('good.json', JSON.stringify(content)),
        LOG_LEVEL: 'silent',
      });
      try {
        const res = await fetch(`http://127.0.0.1:${producer.port}/v1/recipes`, {
          headers: { authorization: 'Bearer tok-recipes' },
        });
        const { items } = (await res.json()) as { items: { name: string; steps: string[] }[] };
        expect(items.map((r) => [r.name, r.steps])).toEqual([
          ['product-cutout', ['cutout', 'card']],
          ['localised-banner', ['banner']],
        ]);
      } finally {
        await producer.close();
      }
    }
  });

  it('refuses to start on a recipe that breaks a rule, naming the variable, the recipe and the path', async () => {
    const broken = {
      ...productCutoutRecipe,
      steps: {
        ...productCutoutRecipe.steps,
        card: { ...productCutoutRecipe.steps.card, input: { from: 'nowhere' } },
      },
    };
    const retired = {
      name: 'old-api',
      steps: {
        render: {
          operation: 'renditionCreate',
          input: 's3://darkroom-in/a.psd',
          outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg' }],
        },
      },
    };
    const path = await file(
      'broken.json',
      JSON.stringify([broken, localisedBannerRecipe, retired]),
    );
    const err = await refusal({ DARKROOM_SCRATCH: SCRATCH, DARKROOM_RECIPES: path });
    const rules = err.issues.map((i) => [i.variable, i.rule]);
    expect(rules).toEqual(
      expect.arrayContaining([
        [
          'DARKROOM_RECIPES',
          expect.stringMatching(
            new RegExp(`^${path}: recipe product-cutout: steps\\.card\\.input\\.from: .+`),
          ),
        ],
        // The deployment's DARKROOM_LEGACY_API (refuse) applies to every step.
        ['DARKROOM_RECIPES', expect.stringMatching(/recipe old-api: .*\[retired_api\]$/)],
      ]),
    );
    expect(err.message).not.toContain('localised-banner');
  });

  it('refuses a file that cannot be read or is not JSON, names given twice, and recipes without a scratch prefix', async () => {
    const missing = await refusal({
      DARKROOM_SCRATCH: SCRATCH,
      DARKROOM_RECIPES: join(dir, 'absent.json'),
    });
    expect(missing.message).toContain(
      `DARKROOM_RECIPES: cannot read ${join(dir, 'absent.json')}: ENOENT`,
    );
    const notJson = await refusal({
      DARKROOM_SCRATCH: SCRATCH,
      DARKROOM_RECIPES: await file('not.json', '{ nope'),
    });
    expect(notJson.message).toContain('is not JSON');
    const twice = await refusal({
      DARKROOM_SCRATCH: SCRATCH,
      DARKROOM_RECIPES: await file(
        'twice.json',
        JSON.stringify([productCutoutRecipe, productCutoutRecipe]),
      ),
    });
    expect(twice.message).toContain('[1]: a second recipe named product-cutout');
    const noScratch = await refusal({
      DARKROOM_RECIPES: await file('alone.json', JSON.stringify([productCutoutRecipe])),
    });
    expect(noScratch.issues.map((i) => i.variable)).toEqual(['DARKROOM_SCRATCH']);
    const badScratch = await refusal({ DARKROOM_SCRATCH: 'https://example.com/scratch/' });
    expect(badScratch.issues.map((i) => i.variable)).toEqual(['DARKROOM_SCRATCH']);
  });
});
