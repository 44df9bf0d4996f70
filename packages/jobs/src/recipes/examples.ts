import type { RecipeInput } from './recipe-schema';

/**
 * A product shot cut out, placed into the product-card template and rendered: a 1200 px JPEG and
 * PNG and a 400 px JPEG thumbnail. Two steps on Adobe's v2 API: the renditions are outputs of the
 * step that composes the card, since one Adobe job writes up to 25 renditions of its document (a
 * step per rendition would spend a submit on each). The cut-out is an intermediate: written to the
 * run's scratch folder, read by the card step, deleted when the run completes.
 */
export const productCutoutRecipe = {
  name: 'product-cutout',
  description:
    'Cuts the product out of its photo, places it in the product-card template and renders the card as JPEG and PNG.',
  params: {
    sku: { description: "The product's SKU: names its photo and its output folder." },
  },
  steps: {
    cutout: {
      operation: 'v2.removeBackground',
      input: 's3://darkroom-in/products/{{sku}}.jpg',
      outputs: [{ mediaType: 'image/png' }],
      options: { mode: 'cutout' },
    },
    card: {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/templates/product-card.psd',
      options: {
        edits: {
          layers: [
            {
              name: 'Product',
              operation: { type: 'edit' },
              smartObject: { smartObjectFile: { source: { from: 'cutout' } } },
            },
          ],
        },
      },
      outputs: [
        {
          ref: 's3://darkroom-out/products/{{sku}}/card.jpg',
          mediaType: 'image/jpeg',
          width: 1200,
          quality: 'high',
        },
        { ref: 's3://darkroom-out/products/{{sku}}/card.png', mediaType: 'image/png', width: 1200 },
        {
          ref: 's3://darkroom-out/products/{{sku}}/card-thumb.jpg',
          mediaType: 'image/jpeg',
          width: 400,
        },
      ],
    },
  },
} satisfies RecipeInput;

/**
 * A banner with its headline replaced and rendered as PNG, full size and half, into a folder per
 * locale: one run per locale, each with its own `locale` and `headline`.
 */
export const localisedBannerRecipe = {
  name: 'localised-banner',
  description: "Writes the locale's headline into the banner template and renders it as PNG.",
  params: {
    locale: {
      description: 'A language tag such as fr or pt-BR: names the output folder.',
      pattern: '[a-z]{2,3}(-[A-Z]{2})?',
    },
    headline: {
      description: 'The headline text: up to 200 characters, no control characters.',
      // A headline is text, not a path: "/" and "\\" are fine in it.
      pattern: '\\P{Cc}{1,200}',
    },
  },
  steps: {
    banner: {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/templates/banner.psd',
      options: {
        edits: {
          layers: [
            { name: 'Headline', operation: { type: 'edit' }, text: { content: '{{headline}}' } },
          ],
        },
      },
      outputs: [
        { ref: 's3://darkroom-out/banners/{{locale}}/banner.png', mediaType: 'image/png' },
        {
          ref: 's3://darkroom-out/banners/{{locale}}/banner-600.png',
          mediaType: 'image/png',
          width: 600,
        },
      ],
    },
  },
} satisfies RecipeInput;

/** The example recipes, by name. */
export const exampleRecipes: Readonly<Record<string, RecipeInput>> = Object.freeze({
  [productCutoutRecipe.name]: productCutoutRecipe,
  [localisedBannerRecipe.name]: localisedBannerRecipe,
});

/** Where the examples' files are: a storage reference prefix for inputs and one for outputs. */
export interface ExampleLocations {
  /** In place of `s3://darkroom-in`, e.g. the demo's run folder `s3://darkroom-in/demo-1`. */
  inputs: string;
  /** In place of `s3://darkroom-out`. */
  outputs: string;
}

/** The example recipes with their files under `at` rather than the two example buckets. */
export function exampleRecipesAt(at: ExampleLocations): Record<string, RecipeInput> {
  const move = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value.startsWith('s3://darkroom-in/')) return `${at.inputs}/${value.slice(17)}`;
      if (value.startsWith('s3://darkroom-out/')) return `${at.outputs}/${value.slice(18)}`;
      return value;
    }
    if (Array.isArray(value)) return value.map(move);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v)]));
    }
    return value;
  };
  return move(exampleRecipes) as Record<string, RecipeInput>;
}
