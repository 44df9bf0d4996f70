import {
  DEFAULT_PARAM_MAX_CHARS,
  MAX_PARAM_VALUE_CHARS,
  bindRecipe,
  validateRecipe,
} from '../src/recipes';
import { refusal, matching } from './support/recipes';

const run = { runId: 'run-1', scratch: 's3://darkroom-scratch/runs/' };

/** One rendition whose input and output hold `{{sku}}`; `params` declares what the test needs. */
const skuRecipe = (
  params: Record<string, unknown> = { sku: {} },
  outRef = 's3://darkroom-out/{{sku}}/a.png',
) => ({
  name: 'sku-card',
  params,
  steps: {
    png: {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/{{sku}}.psd',
      outputs: [{ ref: outRef, mediaType: 'image/png' }],
    },
  },
});

const boundOutput = async (recipe: unknown, params: Record<string, unknown>) =>
  (await bindRecipe(recipe, params, run)).steps[0]?.edit.outputs[0]?.ref;

describe('recipe placeholders', () => {
  it('refuses a placeholder that names no declared parameter', async () => {
    expect(await refusal(validateRecipe(skuRecipe({})))).toEqual([
      expect.objectContaining({
        path: 'steps.png.input',
        rule: 'undeclared_param',
        message: matching(/\{\{sku\}\}/),
      }),
      expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'undeclared_param' }),
    ]);
  });

  it('refuses a declared parameter no step uses', async () => {
    expect(await refusal(validateRecipe(skuRecipe({ sku: {}, colour: {} })))).toEqual([
      expect.objectContaining({ path: 'params.colour', rule: 'unused_param' }),
    ]);
  });

  it('refuses braces that are not a {{name}} placeholder', async () => {
    for (const ref of [
      's3://darkroom-out/{{ sku }}.png',
      's3://darkroom-out/{{sku}}{{.png',
      's3://darkroom-out/{{Sku}}.png',
    ]) {
      const issues = await refusal(validateRecipe(skuRecipe({ sku: {} }, ref)));
      expect(issues).toContainEqual(
        expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'placeholder_syntax' }),
      );
    }
  });

  it('refuses placeholders in keys', async () => {
    const recipe = skuRecipe();
    Object.assign(recipe.steps.png, { options: { edits: { '{{sku}}': true } } });
    expect(await refusal(validateRecipe(recipe))).toContainEqual(
      expect.objectContaining({
        path: 'steps.png.options.edits.{{sku}}',
        rule: 'placeholder_in_key',
      }),
    );
  });

  it('refuses a placeholder that would choose the bucket, account or container', async () => {
    for (const ref of [
      's3://{{sku}}/a.png',
      's3://darkroom-{{sku}}/a.png',
      'azure://acct/{{sku}}/a.png',
      'azure://{{sku}}/out/a.png',
    ]) {
      expect(await refusal(validateRecipe(skuRecipe({ sku: {} }, ref)))).toEqual([
        expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'placeholder_in_root' }),
      ]);
    }
    for (const ref of [
      's3://darkroom-out/{{sku}}.png',
      'azure://acct/out/{{sku}}.png',
      'dropbox:/{{sku}}.png',
    ]) {
      await expect(validateRecipe(skuRecipe({ sku: {} }, ref))).resolves.toBeDefined();
    }
  });

  it('fills placeholders in option strings such as a text layer, and only in values', async () => {
    const recipe = {
      name: 'banner',
      params: { headline: { pattern: '\\P{Cc}{1,200}' } },
      steps: {
        png: {
          operation: 'v2.createComposite',
          input: 's3://darkroom-in/banner.psd',
          options: {
            edits: {
              layers: [
                {
                  name: 'Headline',
                  operation: { type: 'edit' },
                  text: { content: '« {{headline}} »' },
                },
              ],
            },
          },
          outputs: [{ ref: 's3://darkroom-out/banner.png', mediaType: 'image/png' }],
        },
      },
    };
    const bound = await bindRecipe(recipe, { headline: '50% off / {{today}} $1' }, run);
    expect(bound.steps[0]?.edit.options).toEqual({
      edits: {
        layers: [
          {
            name: 'Headline',
            operation: { type: 'edit' },
            text: { content: '« 50% off / {{today}} $1 »' },
          },
        ],
      },
    });
  });
});

describe('recipe parameter values', () => {
  it('takes a default when the run gives no value, and the given value otherwise', async () => {
    const recipe = skuRecipe({ sku: { default: 'house' } });
    expect(await boundOutput(recipe, {})).toBe('s3://darkroom-out/house/a.png');
    expect(await boundOutput(recipe, { sku: 'AB-1' })).toBe('s3://darkroom-out/AB-1/a.png');
  });

  it('refuses a run without a required value, with an unknown one, or with a value that is no string', async () => {
    expect(await refusal(bindRecipe(skuRecipe(), { colour: 'red', sku: 12 }, run))).toEqual([
      expect.objectContaining({ path: 'params.colour', rule: 'unknown_param' }),
      expect.objectContaining({ path: 'params.sku', rule: 'invalid_type' }),
    ]);
    expect(await refusal(bindRecipe(skuRecipe(), {}, run))).toEqual([
      expect.objectContaining({ path: 'params.sku', rule: 'required' }),
    ]);
    expect(await refusal(bindRecipe(skuRecipe(), ['AB-1'], run))).toEqual([
      expect.objectContaining({ path: 'params', rule: 'invalid_type' }),
    ]);
  });

  it.each([
    ['..', '..', 'dot_segment'],
    ['.', '.', 'dot_segment'],
    ['a path that climbs', '../../darkroom-in/templates', 'path_separator'],
    ['a slash', 'a/b', 'path_separator'],
    ['a backslash', 'a\\b', 'path_separator'],
    ['a line break', 'a\nb', 'control_character'],
    ['a C1 control', 'a\u0085b', 'control_character'],
    ['an empty value', '', 'too_short'],
    [
      `${DEFAULT_PARAM_MAX_CHARS + 1} characters`,
      'x'.repeat(DEFAULT_PARAM_MAX_CHARS + 1),
      'too_long',
    ],
  ])(
    'holds a value without a pattern to the default rule: %s is refused',
    async (_label, value, rule) => {
      expect(await refusal(bindRecipe(skuRecipe(), { sku: value }, run))).toEqual([
        expect.objectContaining({
          path: 'params.sku',
          rule,
          message: matching(/^sku /),
        }),
      ]);
    },
  );

  it("accepts a value at the default rule's edges", async () => {
    const longest = 'x'.repeat(DEFAULT_PARAM_MAX_CHARS);
    expect(
      await boundOutput(skuRecipe({ sku: {} }, 's3://darkroom-out/{{sku}}'), { sku: longest }),
    ).toBe(`s3://darkroom-out/${longest}`);
    expect(await boundOutput(skuRecipe(), { sku: '...' })).toBe('s3://darkroom-out/.../a.png');
  });

  it('holds a value with a pattern to the whole pattern, anchored', async () => {
    const recipe = skuRecipe({ sku: { pattern: 'ab|[0-9]{3}' } });
    expect(await boundOutput(recipe, { sku: '123' })).toBe('s3://darkroom-out/123/a.png');
    for (const value of ['xab', 'aby', '1234', 'ab123']) {
      expect(await refusal(bindRecipe(recipe, { sku: value }, run))).toEqual([
        expect.objectContaining({
          path: 'params.sku',
          rule: 'pattern',
          message: 'sku must match the pattern ab|[0-9]{3}',
        }),
      ]);
    }
  });

  it('bounds a patterned value at MAX_PARAM_VALUE_CHARS whatever the pattern', async () => {
    const recipe = skuRecipe({ sku: { pattern: '[a-z]+' } }, 's3://darkroom-out/{{sku}}');
    expect(
      await refusal(bindRecipe(recipe, { sku: 'a'.repeat(MAX_PARAM_VALUE_CHARS + 1) }, run)),
    ).toEqual([expect.objectContaining({ path: 'params.sku', rule: 'too_long' })]);
  });

  it('lists every bad value at once', async () => {
    const recipe = {
      ...skuRecipe(
        { sku: {}, size: { pattern: '[0-9]+' } },
        's3://darkroom-out/{{sku}}/{{size}}.png',
      ),
    };
    expect(await refusal(bindRecipe(recipe, { sku: '..', size: 'big' }, run))).toEqual([
      expect.objectContaining({ path: 'params.sku', rule: 'dot_segment' }),
      expect.objectContaining({ path: 'params.size', rule: 'pattern' }),
    ]);
  });
});
