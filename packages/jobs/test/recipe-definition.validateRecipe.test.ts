import { EditJobValidationError } from '../src/errors/edit-job-validation-error';
import { exampleRecipes, validateRecipe, type RecipeInput } from '../src/recipes';
import { chainedBannerRecipe, fanOutRecipe, refusal } from './support/recipes';

/** The first item of a list the test knows is not empty. */
function first<T>(list: readonly T[]): T {
  const [item] = list;
  if (item === undefined) throw new Error('expected a non-empty list');
  return item;
}

/** A copy of the four-step test recipe to break one thing in. */
const productCutout = () => structuredClone(fanOutRecipe) as RecipeInput & typeof fanOutRecipe;

describe('validateRecipe', () => {
  it('accepts the shipped examples and the test recipes, and returns them parsed', async () => {
    for (const recipe of [...Object.values(exampleRecipes), fanOutRecipe, chainedBannerRecipe]) {
      await expect(validateRecipe(recipe)).resolves.toEqual(recipe);
    }
  });

  it('checks each step as an edit and reports its issues under steps.<name>', async () => {
    const recipe = productCutout();
    Object.assign(first(recipe.steps.jpeg.outputs), { quality: 7 });
    Object.assign(first(recipe.steps.png.outputs), { width: 40_000 });
    const issues = await refusal(validateRecipe(recipe));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'steps.jpeg.outputs[0].quality', rule: 'invalid_value' }),
      expect.objectContaining({ path: 'steps.png.outputs[0].width', rule: 'dimension-range' }),
    ]);
  });

  it('holds references to the storage rules, with placeholders filled by a default or x', async () => {
    const recipe = productCutout();
    recipe.steps.cutout.input = 's3://Darkroom-In/products/{{sku}}.jpg';
    expect(await refusal(validateRecipe(recipe))).toEqual([
      expect.objectContaining({ path: 'steps.cutout.input', rule: 'invalid_bucket_name' }),
    ]);
    // A default that makes a bad reference is caught before any run uses it.
    const withDefault = productCutout();
    Object.assign(withDefault.params.sku, { pattern: '[a-z./]+', default: 'a/../b' });
    expect(await refusal(validateRecipe(withDefault))).toContainEqual(
      expect.objectContaining({ path: 'steps.cutout.input', rule: 'dot_segment' }),
    );
  });

  it('refuses a URL where a file is named', async () => {
    const recipe = productCutout();
    const layer = first(recipe.steps.composite.options.edits.layers);
    Object.assign(layer.smartObject.smartObjectFile.source, { url: 'https://example.com/a.png' });
    expect(await refusal(validateRecipe(recipe))).toContainEqual(
      expect.objectContaining({
        path: 'steps.composite.options.edits.layers[0].smartObject.smartObjectFile.source.url',
        rule: 'no-direct-url',
      }),
    );
  });

  it('checks the main input rule of the operation', async () => {
    const recipe = productCutout();
    delete (recipe.steps.cutout as { input?: string }).input;
    expect(await refusal(validateRecipe(recipe))).toEqual([
      expect.objectContaining({ path: 'steps.cutout.input', rule: 'required' }),
    ]);
  });

  it('refuses steps on retired Adobe APIs under legacyApi refuse, and accepts them otherwise', async () => {
    const recipe = productCutout();
    Object.assign(recipe.steps, {
      composite: {
        operation: 'smartObject',
        input: 's3://darkroom-in/templates/product-card.psd',
        options: { layers: [{ name: 'Product', input: { from: 'cutout' } }] },
        outputs: [{ type: 'image/vnd.adobe.photoshop' }],
      },
    });
    await expect(validateRecipe(recipe)).resolves.toBeDefined();
    expect(await refusal(validateRecipe(recipe, { legacyApi: 'refuse' }))).toEqual([
      expect.objectContaining({ path: 'steps.composite.operation', rule: 'retired_api' }),
    ]);
  });

  it('checks intermediate outputs in the scratch store it is given', async () => {
    const recipe = productCutout();
    await expect(
      validateRecipe(recipe, { scratch: 'azure://acct/scratch/' }),
    ).resolves.toBeDefined();
    expect(await refusal(validateRecipe(recipe, { scratch: 's3://darkroom-scratch' }))).toEqual([
      expect.objectContaining({ path: 'scratch', rule: 'scratch_prefix' }),
    ]);
    expect(await refusal(validateRecipe(recipe, { scratch: 's3://' }))).toEqual([
      expect.objectContaining({ path: 'scratch', rule: 'scratch_prefix' }),
    ]);
    expect(await refusal(validateRecipe(recipe, { scratch: 's3://a/' }))).toEqual([
      expect.objectContaining({ path: 'scratch', rule: 'invalid_bucket_name' }),
    ]);
    expect(await refusal(validateRecipe(recipe, { scratch: 's3://darkroom-scratch/../' }))).toEqual(
      [expect.objectContaining({ path: 'scratch', rule: 'dot_segment' })],
    );
  });

  it('throws an EditJobValidationError, so intake answers a recipe as it answers an edit', async () => {
    const caught = await validateRecipe({ name: 'x', steps: {} }).catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(EditJobValidationError);
  });
});
