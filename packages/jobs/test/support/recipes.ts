import { productCutoutRecipe, RecipeValidationError, type RecipeInput } from '../../src/recipes';

/** The issues a recipe check is refused with; fails the test when it resolves. */
export async function refusal(pending: Promise<unknown>) {
  const caught = await pending.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(caught).toBeInstanceOf(RecipeValidationError);
  return (caught as RecipeValidationError).issues;
}

/** A string matching `pattern`, typed for use inside `expect.objectContaining`. */
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;

/**
 * A four-step recipe with a chain and a fan-out: a cut-out placed into a template, saved as PSD,
 * and that PSD rendered by two steps (JPEG and PNG).
 */
export const fanOutRecipe = {
  name: 'product-renditions',
  params: productCutoutRecipe.params,
  steps: {
    cutout: productCutoutRecipe.steps.cutout,
    // The example's card, saved as a PSD for two rendering steps to read.
    composite: {
      operation: 'v2.createComposite',
      input: productCutoutRecipe.steps.card.input,
      options: productCutoutRecipe.steps.card.options,
      outputs: [{ mediaType: 'image/vnd.adobe.photoshop' }],
    },
    jpeg: {
      operation: 'v2.createComposite',
      input: { from: 'composite' },
      outputs: [
        {
          ref: 's3://darkroom-out/products/{{sku}}/card.jpg',
          mediaType: 'image/jpeg',
          width: 1200,
          quality: 'high',
        },
      ],
    },
    png: {
      operation: 'v2.createComposite',
      input: { from: 'composite' },
      outputs: [
        { ref: 's3://darkroom-out/products/{{sku}}/card.png', mediaType: 'image/png', width: 1200 },
      ],
    },
  },
} satisfies RecipeInput;

/** A two-step chain with text parameters: a headline written into a PSD, then rendered. */
export const chainedBannerRecipe = {
  name: 'banner-chain',
  params: {
    locale: { pattern: '[a-z]{2,3}(-[A-Z]{2})?' },
    headline: { pattern: '\\P{Cc}{1,200}' },
  },
  steps: {
    text: {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/templates/banner.psd',
      options: {
        edits: {
          layers: [
            { name: 'Headline', operation: { type: 'edit' }, text: { content: '{{headline}}' } },
          ],
        },
      },
      outputs: [{ mediaType: 'image/vnd.adobe.photoshop' }],
    },
    png: {
      operation: 'v2.createComposite',
      input: { from: 'text' },
      outputs: [{ ref: 's3://darkroom-out/banners/{{locale}}/banner.png', mediaType: 'image/png' }],
    },
  },
} satisfies RecipeInput;
