/** A small recipe for the run tests: a cut-out whose result a second step renders. */
export const cardRecipe = (name = 'inline-card') => ({
  name,
  params: { sku: {} },
  steps: {
    cutout: {
      operation: 'v2.removeBackground',
      input: 's3://darkroom-in/products/{{sku}}.jpg',
      outputs: [{ mediaType: 'image/png' }],
    },
    render: {
      operation: 'v2.createComposite',
      input: { from: 'cutout' },
      outputs: [{ ref: 's3://darkroom-out/cards/{{sku}}.jpg', mediaType: 'image/jpeg' }],
    },
  },
});
