import { EditJobValidationError } from '../src/errors/edit-job-validation-error';
import { MAX_RECIPE_STEPS, exampleRecipes, recipeSchema, validateRecipe } from '../src/recipes';
import { refusal, matching } from './support/recipes';

/** The issues `recipe` is refused with by `validateRecipe`. */
const refusalOf = (recipe: unknown) => refusal(validateRecipe(recipe));

const render = (ref: string) => ({
  operation: 'v2.createComposite',
  input: 's3://darkroom-in/a.psd',
  outputs: [{ ref, mediaType: 'image/png' }],
});

const recipe = (extra: Record<string, unknown> = {}) => ({
  name: 'test',
  steps: { png: render('s3://darkroom-out/a.png') },
  ...extra,
});

describe('recipeSchema', () => {
  it('accepts the example recipes as they are written', () => {
    for (const example of Object.values(exampleRecipes)) {
      expect(recipeSchema.parse(example)).toEqual(example);
    }
  });

  it('is an EditJobValidationError that says it is about a recipe', async () => {
    const caught = await validateRecipe({ name: 'x' }).catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(EditJobValidationError);
    expect((caught as Error).name).toBe('RecipeValidationError');
    expect((caught as Error).message).toMatch(/^invalid recipe: steps: /);
  });

  it('holds the name to the account and tenant label rule', async () => {
    expect(await refusalOf(recipe({ name: 'product card' }))).toEqual([
      expect.objectContaining({ path: 'name', message: matching(/letters, digits/) }),
    ]);
  });

  it('refuses step names outside [a-z][a-z0-9-]{0,31}', async () => {
    for (const name of ['Cutout', '1st', 'cut_out', `a${'b'.repeat(32)}`]) {
      const issues = await refusalOf(
        recipe({ steps: { [name]: render('s3://darkroom-out/a.png') } }),
      );
      expect(issues).toEqual([
        expect.objectContaining({
          path: `steps.${name}`,
          message: matching(/step names/),
        }),
      ]);
    }
  });

  it(`takes 1 to ${MAX_RECIPE_STEPS} steps`, async () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_RECIPE_STEPS + 1 }, (_, i) => [
        `s${i}`,
        render(`s3://darkroom-out/${i}.png`),
      ]),
    );
    expect(await refusalOf(recipe({ steps: {} }))).toEqual([
      expect.objectContaining({ path: 'steps', rule: 'step_count' }),
    ]);
    expect(await refusalOf(recipe({ steps: many }))).toEqual([
      expect.objectContaining({ path: 'steps', rule: 'step_count' }),
    ]);
    delete many[`s${MAX_RECIPE_STEPS}`];
    await expect(validateRecipe(recipe({ steps: many }))).resolves.toBeDefined();
  });

  it('refuses priority and deadline on a step: they belong to the run', async () => {
    const step = { ...render('s3://darkroom-out/a.png'), priority: 1, deadline: Date.now() };
    expect(await refusalOf(recipe({ steps: { png: step } }))).toEqual([
      expect.objectContaining({
        path: 'steps.png',
        rule: 'unrecognized_keys',
        message: 'priority, deadline are set per run, not per step',
      }),
    ]);
  });

  it('refuses keys a step does not have, such as inputs', async () => {
    const step = { ...render('s3://darkroom-out/a.png'), inputs: ['s3://darkroom-in/b.psd'] };
    expect(await refusalOf(recipe({ steps: { png: step } }))).toEqual([
      expect.objectContaining({ path: 'steps.png', message: matching(/not inputs/) }),
    ]);
  });

  it('takes an input that is a reference or { from, output? } and nothing else', async () => {
    const withInput = (input: unknown) =>
      recipe({ steps: { png: { ...render('s3://darkroom-out/a.png'), input } } });
    expect(await refusalOf(withInput(42))).toEqual([
      expect.objectContaining({
        path: 'steps.png.input',
        message: 'input must be a storage reference or { from: "<step>", output?: <index> }',
      }),
    ]);
    expect(await refusalOf(withInput({ from: 'a', output: -1 }))).toEqual([
      expect.objectContaining({
        path: 'steps.png.input.output',
        message: 'output must be 0 or more (0 is the first output)',
      }),
    ]);
    expect(await refusalOf(withInput({ from: 'a', step: 'b' }))).toEqual([
      expect.objectContaining({ path: 'steps.png.input', rule: 'unrecognized_keys' }),
    ]);
  });

  it('needs 1 to 25 outputs per step', async () => {
    const none = { ...render('s3://darkroom-out/a.png'), outputs: [] };
    expect(await refusalOf(recipe({ steps: { png: none } }))).toEqual([
      expect.objectContaining({
        path: 'steps.png.outputs',
        message: 'at least one output is required',
      }),
    ]);
  });

  it('refuses parameter names outside [a-z][a-zA-Z0-9_]{0,31}', async () => {
    const issues = await refusalOf(recipe({ params: { Sku: {} } }));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'params.Sku',
        message: matching(/parameter names/),
      }),
    ]);
  });

  it('refuses a pattern that is no regular expression, or one that would escape its anchors', async () => {
    for (const pattern of ['[a-', 'a)|(.*', 'abc\\']) {
      expect(await refusalOf(recipe({ params: { sku: { pattern } } }))).toEqual([
        expect.objectContaining({ path: 'params.sku.pattern', rule: 'invalid_pattern' }),
      ]);
    }
  });

  it('holds a default to the rule its values meet', async () => {
    expect(await refusalOf(recipe({ params: { sku: { default: 'a/b' } } }))).toEqual([
      expect.objectContaining({ path: 'params.sku.default', rule: 'path_separator' }),
    ]);
    expect(
      await refusalOf(recipe({ params: { sku: { pattern: '[0-9]+', default: '12a' } } })),
    ).toEqual([expect.objectContaining({ path: 'params.sku.default', rule: 'pattern' })]);
  });

  it('refuses values nested deeper than Adobe bodies go before anything walks them', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i += 1) deep = { a: deep };
    const step = { ...render('s3://darkroom-out/a.png'), options: { edits: deep } };
    expect(await refusalOf(recipe({ steps: { png: step } }))).toEqual([
      expect.objectContaining({
        rule: 'max-depth',
        path: matching(/^steps\.png\.options\.edits\.a/),
      }),
    ]);
  });
});
