import { validateEditJob } from '../src/edit-job';
import {
  bindRecipe,
  exampleRecipesAt,
  localisedBannerRecipe,
  productCutoutRecipe,
  type BoundRecipe,
} from '../src/recipes';
import { chainedBannerRecipe, fanOutRecipe, refusal } from './support/recipes';
import { placementIssues } from '../src/recipes/bind-recipe';

const scratch = 's3://darkroom-scratch/runs/';
const run = { runId: 'run-7', scratch };

/** Every output reference the bound edits write. */
const outputRefs = (bound: BoundRecipe) =>
  bound.steps.flatMap((step) => step.edit.outputs.map((o) => o.ref));

/** One rendition writing `ref`, with `{{name}}` declared under `param`. */
const writes = (ref: string, param: Record<string, unknown> = {}) => ({
  name: 'w',
  params: { name: param },
  steps: {
    png: {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref, mediaType: 'image/png' }],
    },
  },
});

describe('bindRecipe', () => {
  it('binds the shipped product-cutout: the cut-out in scratch, read by the card step', async () => {
    const bound = await bindRecipe(productCutoutRecipe, { sku: 'SHOE-42' }, run);
    const cut = 's3://darkroom-scratch/runs/run-7/cutout/0.png';
    expect(bound.steps.map((s) => [s.name, s.needs])).toEqual([
      ['cutout', []],
      ['card', ['cutout']],
    ]);
    expect(bound.intermediates).toEqual([cut]);
    expect(bound.finals).toEqual([
      's3://darkroom-out/products/SHOE-42/card.jpg',
      's3://darkroom-out/products/SHOE-42/card.png',
      's3://darkroom-out/products/SHOE-42/card-thumb.jpg',
    ]);
    expect(JSON.stringify(bound.steps[1]?.edit.options)).toContain(`{"source":{"ref":"${cut}"}}`);
  });

  it('moves the examples to other folders, leaving nothing in the example buckets', async () => {
    const moved = exampleRecipesAt({
      inputs: 'azure://acct01/demo/in-1',
      outputs: 'dropbox:/Darkroom/out-1',
    });
    const text = JSON.stringify(moved);
    expect(text).not.toMatch(/s3:\/\/darkroom-(in|out)\//);
    const bound = await bindRecipe(moved['product-cutout'], { sku: 'SHOE-42' }, run);
    expect(bound.steps[0]?.edit.input).toBe('azure://acct01/demo/in-1/products/SHOE-42.jpg');
    expect(bound.finals[0]).toBe('dropbox:/Darkroom/out-1/products/SHOE-42/card.jpg');
  });

  it('binds the shipped localised-banner once per locale, into a folder per locale', async () => {
    const runs = await Promise.all(
      ['en-GB', 'fr', 'pt-BR'].map((locale, i) =>
        bindRecipe(
          localisedBannerRecipe,
          { locale, headline: `Sale ${locale}` },
          { runId: `b-${i}`, scratch },
        ),
      ),
    );
    expect(runs.map((r) => r.finals[0])).toEqual([
      's3://darkroom-out/banners/en-GB/banner.png',
      's3://darkroom-out/banners/fr/banner.png',
      's3://darkroom-out/banners/pt-BR/banner.png',
    ]);
    expect(runs.every((r) => r.intermediates.length === 0)).toBe(true);
  });

  it('binds product-cutout into four edits that read one another’s outputs from scratch', async () => {
    const bound = await bindRecipe(fanOutRecipe, { sku: 'SHOE-42' }, run);
    const cut = 's3://darkroom-scratch/runs/run-7/cutout/0.png';
    const card = 's3://darkroom-scratch/runs/run-7/composite/0.psd';
    expect(bound).toEqual({
      steps: [
        {
          name: 'cutout',
          needs: [],
          edit: {
            operation: 'v2.removeBackground',
            input: 's3://darkroom-in/products/SHOE-42.jpg',
            outputs: [{ ref: cut, mediaType: 'image/png' }],
            options: { mode: 'cutout' },
          },
        },
        {
          name: 'composite',
          needs: ['cutout'],
          edit: {
            operation: 'v2.createComposite',
            input: 's3://darkroom-in/templates/product-card.psd',
            outputs: [{ ref: card, mediaType: 'image/vnd.adobe.photoshop' }],
            options: {
              edits: {
                layers: [
                  {
                    name: 'Product',
                    operation: { type: 'edit' },
                    smartObject: { smartObjectFile: { source: { ref: cut } } },
                  },
                ],
              },
            },
          },
        },
        {
          name: 'jpeg',
          needs: ['composite'],
          edit: {
            operation: 'v2.createComposite',
            input: card,
            outputs: [
              {
                ref: 's3://darkroom-out/products/SHOE-42/card.jpg',
                mediaType: 'image/jpeg',
                width: 1200,
                quality: 'high',
              },
            ],
          },
        },
        {
          name: 'png',
          needs: ['composite'],
          edit: {
            operation: 'v2.createComposite',
            input: card,
            outputs: [
              {
                ref: 's3://darkroom-out/products/SHOE-42/card.png',
                mediaType: 'image/png',
                width: 1200,
              },
            ],
          },
        },
      ],
      intermediates: [cut, card],
      finals: [
        's3://darkroom-out/products/SHOE-42/card.jpg',
        's3://darkroom-out/products/SHOE-42/card.png',
      ],
    });
    for (const step of bound.steps) {
      await expect(validateEditJob(step.edit, { legacyApi: 'refuse' })).resolves.toBeDefined();
    }
  });

  it('binds localised-banner once per locale, each run in its own folders', async () => {
    const runs = await Promise.all(
      [
        ['en-GB', 'Summer sale'],
        ['fr', 'Soldes d’été'],
        ['pt-BR', 'Até 50% / hoje'],
      ].map(([locale, headline], i) =>
        bindRecipe(chainedBannerRecipe, { locale, headline }, { runId: `banner-${i}`, scratch }),
      ),
    );
    expect(runs.map((r) => r.finals)).toEqual([
      ['s3://darkroom-out/banners/en-GB/banner.png'],
      ['s3://darkroom-out/banners/fr/banner.png'],
      ['s3://darkroom-out/banners/pt-BR/banner.png'],
    ]);
    expect(runs.map((r) => r.intermediates)).toEqual([
      ['s3://darkroom-scratch/runs/banner-0/text/0.psd'],
      ['s3://darkroom-scratch/runs/banner-1/text/0.psd'],
      ['s3://darkroom-scratch/runs/banner-2/text/0.psd'],
    ]);
    expect(runs[2]?.steps[0]?.edit.options).toEqual({
      edits: {
        layers: [
          { name: 'Headline', operation: { type: 'edit' }, text: { content: 'Até 50% / hoje' } },
        ],
      },
    });
    expect(runs[2]?.steps[1]).toEqual({
      name: 'png',
      needs: ['text'],
      edit: {
        operation: 'v2.createComposite',
        input: 's3://darkroom-scratch/runs/banner-2/text/0.psd',
        outputs: [{ ref: 's3://darkroom-out/banners/pt-BR/banner.png', mediaType: 'image/png' }],
      },
    });
    expect(
      await refusal(bindRecipe(chainedBannerRecipe, { locale: 'fr/../en', headline: 'x' }, run)),
    ).toEqual([expect.objectContaining({ path: 'params.locale', rule: 'pattern' })]);
  });

  it('names intermediates by the output’s type or mediaType, bin when it has neither', async () => {
    const bound = await bindRecipe(
      {
        name: 'ext',
        steps: {
          doc: {
            operation: 'renditionCreate',
            input: 's3://darkroom-in/a.psd',
            outputs: [{ type: 'image/jpeg' }, { type: 'image/tiff' }],
          },
          cut: { operation: 'cutout', input: { from: 'doc', output: 1 }, outputs: [{}] },
          out: {
            operation: 'renditionCreate',
            input: { from: 'doc' },
            options: {},
            outputs: [{ ref: 's3://darkroom-out/a.png', type: 'image/png' }],
          },
          mask: {
            operation: 'renditionCreate',
            input: { from: 'cut' },
            outputs: [{ ref: 's3://darkroom-out/m.png', type: 'image/png' }],
          },
        },
      },
      {},
      run,
    );
    expect(bound.intermediates).toEqual([
      's3://darkroom-scratch/runs/run-7/doc/0.jpg',
      's3://darkroom-scratch/runs/run-7/doc/1.tif',
      's3://darkroom-scratch/runs/run-7/cut/0.bin',
    ]);
  });

  it('refuses a run id or scratch prefix that would not make plain references', async () => {
    for (const runId of ['', 'a/b', '..', 'x'.repeat(81), 'run 1']) {
      expect(await refusal(bindRecipe(fanOutRecipe, { sku: 'a' }, { runId, scratch }))).toEqual([
        expect.objectContaining({ path: 'runId', rule: 'run_id' }),
      ]);
    }
    expect(
      await refusal(
        bindRecipe(fanOutRecipe, { sku: 'a' }, { runId: 'r', scratch: 's3://darkroom-scratch' }),
      ),
    ).toEqual([expect.objectContaining({ path: 'scratch', rule: 'scratch_prefix' })]);
  });

  it('writes every output either to a final reference of the recipe or under the run’s scratch folder', async () => {
    const bound = await bindRecipe(fanOutRecipe, { sku: 'SHOE-42' }, run);
    for (const ref of outputRefs(bound)) {
      const final = bound.finals.includes(ref);
      expect(final || ref.startsWith(`${scratch}run-7/`)).toBe(true);
      expect(final && ref.startsWith(scratch)).toBe(false);
    }
    expect(new Set(outputRefs(bound))).toEqual(new Set([...bound.finals, ...bound.intermediates]));
  });

  it.each([
    ['a value that climbs folders', '../../templates/product-card', 'params.sku', 'path_separator'],
    ['a value that is ..', '..', 'params.sku', 'dot_segment'],
    ['a value with a backslash', '..\\..\\x', 'params.sku', 'path_separator'],
    ['a value that is a whole reference', 's3://elsewhere/x', 'params.sku', 'path_separator'],
  ])('keeps outputs in place against a crafted parameter: %s', async (_label, sku, path, rule) => {
    expect(await refusal(bindRecipe(fanOutRecipe, { sku }, run))).toEqual([
      expect.objectContaining({ path, rule }),
    ]);
  });

  it('keeps outputs in place when a recipe’s own pattern lets "/" through', async () => {
    const recipe = writes('s3://darkroom-out/cards/{{name}}.png', { pattern: '.+' });
    // A deeper folder under the recipe's prefix is what the pattern allows…
    expect(outputRefs(await bindRecipe(recipe, { name: 'a/b' }, run))).toEqual([
      's3://darkroom-out/cards/a/b.png',
    ]);
    // …but never a climb out of it, an empty folder or another store.
    for (const [name, rule] of [
      ['../../darkroom-in/x', 'dot_segment'],
      ['a//b', 'empty_segment'],
      ['x/./y', 'dot_segment'],
    ]) {
      expect(await refusal(bindRecipe(recipe, { name }, run))).toEqual([
        expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule }),
      ]);
    }
  });

  it('refuses a final output a parameter would put under the scratch prefix (another run’s files)', async () => {
    const recipe = writes('s3://darkroom-scratch/runs/{{name}}', { pattern: '[a-z0-9/.-]+' });
    expect(await refusal(bindRecipe(recipe, { name: 'run-8/cutout/0.png' }, run))).toEqual([
      expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'final_in_scratch' }),
    ]);
    const plain = writes('s3://darkroom-scratch/runs/{{name}}.png');
    expect(await refusal(bindRecipe(plain, { name: 'run-7' }, run))).toEqual([
      expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'final_in_scratch' }),
    ]);
  });

  it('refuses a step that names a scratch file to read (another run’s intermediate)', async () => {
    const recipe = writes('s3://darkroom-out/copy.png');
    recipe.steps.png.input = 's3://darkroom-scratch/runs/{{name}}/composite/0.psd';
    expect(await refusal(bindRecipe(recipe, { name: 'run-8' }, run))).toEqual([
      expect.objectContaining({ path: 'steps.png.input', rule: 'scratch_read' }),
    ]);
  });

  it('refuses two outputs that only collide once the values are in', async () => {
    const recipe = {
      name: 'twice',
      params: { a: {}, b: {} },
      steps: {
        one: {
          operation: 'v2.createComposite',
          input: 's3://darkroom-in/a.psd',
          outputs: [{ ref: 's3://darkroom-out/{{a}}.png', mediaType: 'image/png' }],
        },
        two: {
          operation: 'v2.createComposite',
          input: 's3://darkroom-in/a.psd',
          outputs: [{ ref: 's3://darkroom-out/{{b}}.png', mediaType: 'image/png' }],
        },
      },
    };
    await expect(bindRecipe(recipe, { a: 'x', b: 'y' }, run)).resolves.toBeDefined();
    expect(await refusal(bindRecipe(recipe, { a: 'x', b: 'x' }, run))).toEqual([
      expect.objectContaining({ path: 'steps.two.outputs[0].ref', rule: 'duplicate_output' }),
    ]);
  });

  it('places nothing outside the finals and the run’s scratch folder, even from a tampered plan', () => {
    const edit = (ref: string) => ({
      operation: 'v2.createComposite' as const,
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref, mediaType: 'image/png' }],
    });
    const plan = {
      steps: [
        { name: 'ok', needs: [], edit: edit('s3://darkroom-out/a.png') },
        { name: 'mid', needs: [], edit: edit(`${scratch}run-7/mid/0.png`) },
        { name: 'other-run', needs: [], edit: edit(`${scratch}run-8/mid/0.png`) },
        { name: 'elsewhere', needs: [], edit: edit('s3://elsewhere/a.png') },
      ],
      intermediates: [`${scratch}run-7/mid/0.png`],
      finals: ['s3://darkroom-out/a.png'],
    };
    expect(placementIssues(plan, [], scratch, `${scratch}run-7/`)).toEqual([
      expect.objectContaining({
        path: 'steps.other-run.outputs[0].ref',
        rule: 'output_outside_prefixes',
      }),
      expect.objectContaining({
        path: 'steps.elsewhere.outputs[0].ref',
        rule: 'output_outside_prefixes',
      }),
    ]);
  });

  it('does not change the recipe it binds', async () => {
    const before = structuredClone(fanOutRecipe);
    await bindRecipe(fanOutRecipe, { sku: 'SHOE-42' }, run);
    expect(fanOutRecipe).toEqual(before);
  });
});
