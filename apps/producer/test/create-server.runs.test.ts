import request from 'supertest';
import {
  EditQueue,
  exampleRecipes,
  isRunId,
  stepEditId,
  validateRecipe,
  type EnqueueResult,
  type Recipe,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import type { NamedRecipes } from '../src/recipes/named-recipes';
import { auth, bodyOf, errorOf, startApi, type ApiHarness } from './support/api-harness';
import { startRunWorkers } from './support/run-workers';
import { cardRecipe } from './support/card-recipe';

guardAgainstLeaks();

const SCRATCH = 's3://darkroom-scratch/runs/';

/** The example recipes, checked as `loadNamedRecipes` checks a deployment's. */
async function namedExamples(): Promise<NamedRecipes> {
  const recipes = new Map<string, Recipe>();
  for (const [name, recipe] of Object.entries(exampleRecipes)) {
    recipes.set(name, await validateRecipe(recipe, { legacyApi: 'refuse', scratch: SCRATCH }));
  }
  return recipes;
}

describe('createServer recipe and run routes', () => {
  let api: ApiHarness;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    api = await startApi({ recipes: await namedExamples(), scratch: SCRATCH });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await api.close();
  });
  const post = (path: string) => request(api.server).post(path).set(auth);
  const get = (path: string) => request(api.server).get(path).set(auth);

  it('lists the named recipes with their parameters and steps, and needs a token', async () => {
    const res = await get('/v1/recipes').expect(200);
    expect(res.body).toEqual({
      items: [
        {
          name: 'product-cutout',
          description: expect.stringContaining('Cuts the product out') as unknown,
          params: { sku: { description: expect.any(String) as unknown } },
          steps: ['cutout', 'card'],
        },
        {
          name: 'localised-banner',
          description: expect.any(String) as unknown,
          params: {
            locale: {
              description: expect.any(String) as unknown,
              pattern: '[a-z]{2,3}(-[A-Z]{2})?',
            },
            headline: { description: expect.any(String) as unknown, pattern: '\\P{Cc}{1,200}' },
          },
          steps: ['banner'],
        },
      ],
    });
    await request(api.server).get('/v1/recipes').expect(401);
  });

  it('runs a named recipe: 201 with its Location, then GET shows it waiting with its steps', async () => {
    const res = await post('/v1/recipes/product-cutout/runs')
      .send({ params: { sku: 'A-100' }, tenant: 'shop-1', priority: 5 })
      .expect(201);
    const { id, duplicate } = bodyOf<EnqueueResult>(res);
    expect([isRunId(id), duplicate]).toEqual([true, false]);
    expect(res.headers.location).toBe(`/v1/runs/${id}`);

    const run = bodyOf<RecipeRunStatus>(await get(`/v1/runs/${id}`).expect(200));
    expect(run).toEqual({
      id,
      recipe: 'product-cutout',
      state: 'waiting',
      params: { sku: 'A-100' },
      account: 'default',
      tenant: 'shop-1',
      priority: 5,
      round: 0,
      enqueuedAt: expect.any(Number) as unknown,
      steps: [
        { name: 'cutout', needs: [], editId: stepEditId(id, 0, 'cutout'), state: 'pending' },
        { name: 'card', needs: ['cutout'], editId: stepEditId(id, 0, 'card'), state: 'pending' },
      ],
    });
  });

  it('runs a recipe given whole; numbers and booleans are taken as text', async () => {
    const res = await post('/v1/runs')
      .send({ recipe: cardRecipe(), params: { sku: 42 } })
      .expect(201);
    const { id } = bodyOf<EnqueueResult>(res);
    expect(res.headers.location).toBe(`/v1/runs/${id}`);
    const run = bodyOf<RecipeRunStatus>(await get(`/v1/runs/${id}`).expect(200));
    expect([run.recipe, run.params, run.steps.map((s) => s.name)]).toEqual([
      'inline-card',
      { sku: '42' },
      ['cutout', 'render'],
    ]);
  });

  it('replays an idempotency key (200, no Location) and refuses it for other values (409)', async () => {
    const body = { params: { sku: 'A-1' }, idempotencyKey: 'order-77-card' };
    const first = bodyOf<EnqueueResult>(
      await post('/v1/recipes/product-cutout/runs').send(body).expect(201),
    );
    const again = await post('/v1/recipes/product-cutout/runs').send(body).expect(200);
    expect(again.body).toEqual({ id: first.id, duplicate: true });
    expect(again.headers.location).toBeUndefined();

    const other = await post('/v1/recipes/product-cutout/runs')
      .send({ ...body, params: { sku: 'B-2' } })
      .expect(409);
    expect(errorOf(other)).toMatchObject({
      code: 'idempotency_conflict',
      detail: expect.stringContaining(first.id) as unknown,
      instance: '/v1/recipes/product-cutout/runs',
    });
    // The same key for a recipe given whole names the same run: another recipe is a conflict.
    await post('/v1/runs')
      .send({ recipe: cardRecipe(), ...body })
      .expect(409);
    expect(await api.edits.runs().queue.count()).toBe(1);
  });

  it('names every bad field of a named run: parameters by name, the body, the run fields', async () => {
    const missing = errorOf(await post('/v1/recipes/product-cutout/runs').send({}).expect(400));
    expect(missing).toMatchObject({
      code: 'invalid_request',
      detail: 'nothing was enqueued: the run is invalid',
    });
    expect(missing.issues).toEqual([
      { path: 'params.sku', rule: 'required', message: expect.any(String) as unknown },
    ]);

    const bad = errorOf(
      await post('/v1/recipes/localised-banner/runs')
        .send({ params: { locale: 'french', headline: 'Bonjour', colour: 'red' } })
        .expect(400),
    );
    expect(bad.issues.map((i) => [i.path, i.rule])).toEqual(
      expect.arrayContaining([
        ['params.colour', 'unknown_param'],
        ['params.locale', 'pattern'],
      ]),
    );

    const slash = errorOf(
      await post('/v1/recipes/product-cutout/runs')
        .send({ params: { sku: '../other' } })
        .expect(400),
    );
    expect(slash.issues.map((i) => [i.path, i.rule])).toEqual([['params.sku', 'path_separator']]);

    const envelope = errorOf(
      await post('/v1/recipes/product-cutout/runs')
        .send({ params: { sku: { nested: true } }, priority: 0, recipe: cardRecipe() })
        .expect(400),
    );
    expect(envelope.issues.map((i) => i.path).sort()).toEqual(['', 'params.sku', 'priority']);

    // The run's callback and deadline obey an edit's rules.
    const callback = errorOf(
      await post('/v1/recipes/product-cutout/runs')
        .send({ params: { sku: 'A-1' }, callback: { url: 'http://127.0.0.1:9/hook' } })
        .expect(400),
    );
    expect(callback.issues.map((i) => i.path)).toEqual(['callback.url']);
    const late = errorOf(
      await post('/v1/recipes/product-cutout/runs')
        .send({ params: { sku: 'A-1' }, deadline: Date.now() - 60_000 })
        .expect(400),
    );
    expect(late.issues.map((i) => i.path)).toEqual(['deadline']);
    expect(await api.edits.runs().queue.count()).toBe(0);
  });

  it('names the issues of a recipe given whole under recipe., with the run fields, all at once', async () => {
    const recipe = cardRecipe();
    const broken = {
      ...recipe,
      steps: {
        ...recipe.steps,
        render: { ...recipe.steps.render, input: { from: 'nowhere' } },
      },
    };
    const res = await post('/v1/runs')
      .send({ recipe: broken, params: { sku: ['x'] } })
      .expect(400);
    const problem = errorOf(res);
    expect(problem.instance).toBe('/v1/runs');
    expect(problem.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['params.sku', 'recipe.steps.render.input.from']),
    );

    const none = errorOf(
      await post('/v1/runs')
        .send({ params: { sku: 'a' } })
        .expect(400),
    );
    expect(none.issues).toEqual([expect.objectContaining({ path: 'recipe', rule: 'required' })]);

    // A value that makes a step's reference too long is named where the recipe writes it.
    const long = {
      ...recipe,
      params: { sku: { pattern: '[a-z]{1,1000}' } },
      steps: {
        ...recipe.steps,
        render: {
          ...recipe.steps.render,
          outputs: [{ ref: 's3://darkroom-out/{{sku}}/{{sku}}.jpg', mediaType: 'image/jpeg' }],
        },
      },
    };
    const tooLong = errorOf(
      await post('/v1/runs')
        .send({ recipe: long, params: { sku: 'x'.repeat(600) } })
        .expect(400),
    );
    expect(tooLong.issues.map((i) => [i.path, i.rule])).toEqual([
      ['recipe.steps.render.outputs[0].ref', expect.any(String)],
    ]);
    expect(await api.edits.runs().queue.count()).toBe(0);
  });

  it('answers 404 for an unknown recipe, naming it, and for an unknown run', async () => {
    const recipe = errorOf(
      await post('/v1/recipes/no-such-recipe/runs').send({ params: {} }).expect(404),
    );
    expect(recipe).toMatchObject({
      code: 'not_found',
      detail: expect.stringContaining('no recipe no-such-recipe') as unknown,
    });
    for (const id of [`run-${'0'.repeat(32)}`, 'not-a-run', 'idem-x']) {
      expect(errorOf(await get(`/v1/runs/${id}`).expect(404))).toMatchObject({
        code: 'not_found',
        detail: `no run ${id}`,
      });
      expect(errorOf(await post(`/v1/runs/${id}:retry`).expect(404)).code).toBe('not_found');
    }
  });

  it('waits with ?wait= for a run to end; refuses to retry a run that is not failed (409), retries a failed one (202)', async () => {
    const { id } = bodyOf<EnqueueResult>(
      await post('/v1/recipes/product-cutout/runs')
        .send({ params: { sku: 'C-3' } })
        .expect(201),
    );
    // With no worker, a short wait answers the run as it is when the wait is over.
    const asIs = bodyOf<RecipeRunStatus>(await get(`/v1/runs/${id}?wait=0.2`).expect(200));
    expect(asIs.state).toBe('waiting');
    for (const wait of ['61', '-1', 'soon']) {
      expect(errorOf(await get(`/v1/runs/${id}?wait=${wait}`).expect(400))).toMatchObject({
        code: 'invalid_request',
        issues: [{ path: 'wait', rule: 'range', message: 'wait must be between 0 and 60 seconds' }],
      });
    }
    const waiting = errorOf(await post(`/v1/runs/${id}:retry`).expect(409));
    expect(waiting).toMatchObject({
      code: 'not_failed',
      title: 'Only a failed edit or run can be retried',
      detail: `run ${id} is waiting: only a failed run can be retried; nothing was changed`,
    });

    // Workers that carry the run through, and fail its card step until told otherwise.
    const workerEdits = new EditQueue({
      connection: redisUrl(),
      queueName: api.edits.queueName,
      scratch: SCRATCH,
    });
    let cardFails = true;
    const workers = startRunWorkers(workerEdits, (step) => step === 'card' && cardFails);
    cleanups.push(
      () => workerEdits.close(),
      () => workers.close(),
    );
    // One long-poll answers when the run ends, however many times it slept between its steps.
    const failed = bodyOf<RecipeRunStatus>(await get(`/v1/runs/${id}?wait=30`).expect(200));
    expect(failed.state).toBe('failed');
    expect(failed.failure).toEqual({
      step: 'card',
      reason: 'remote_failed',
      message: 'step card failed',
    });
    expect(failed.steps.map((s) => [s.name, s.state])).toEqual([
      ['cutout', 'completed'],
      ['card', 'failed'],
    ]);

    cardFails = false;
    const retried = await post(`/v1/runs/${id}:retry`).expect(202);
    expect(retried.body).toEqual({
      id,
      state: expect.stringMatching(/^(waiting|running)$/) as unknown,
    });
    const done = bodyOf<RecipeRunStatus>(await get(`/v1/runs/${id}?wait=30`).expect(200));
    expect(done.state).toBe('completed');
    expect(done.outputs).toEqual([
      's3://darkroom-out/products/C-3/card.jpg',
      's3://darkroom-out/products/C-3/card.png',
      's3://darkroom-out/products/C-3/card-thumb.jpg',
    ]);
    expect(errorOf(await post(`/v1/runs/${id}:retry`).expect(409)).code).toBe('not_failed');
  });

  it('refuses runs while no scratch prefix is configured', async () => {
    const bare = await startApi();
    cleanups.push(() => bare.close());
    const res = await request(bare.server)
      .post('/v1/runs')
      .set(auth)
      .send({ recipe: cardRecipe(), params: { sku: 'a' } })
      .expect(400);
    expect(errorOf(res).issues).toEqual([
      expect.objectContaining({ path: 'recipe', rule: 'scratch_not_configured' }),
    ]);
    expect((await request(bare.server).get('/v1/recipes').set(auth).expect(200)).body).toEqual({
      items: [],
    });
  });
});
