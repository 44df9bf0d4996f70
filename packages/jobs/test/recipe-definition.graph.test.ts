import { bindRecipe, validateRecipe } from '../src/recipes';
import { refusal, matching } from './support/recipes';

/** The issues `recipe` is refused with by `validateRecipe`. */
const refusalOf = (recipe: unknown) => refusal(validateRecipe(recipe));

const run = { runId: 'run-1', scratch: 's3://darkroom-scratch/runs/' };

const png = (ref?: string) => ({ ...(ref ? { ref } : {}), mediaType: 'image/png' });
const psd = (ref?: string) => ({ ...(ref ? { ref } : {}), mediaType: 'image/vnd.adobe.photoshop' });

/** A v2 composite of `input` placing `layer` (a file) into the smart object "Product". */
const composite = (input: unknown, layer: unknown, outputs: unknown[] = [psd()]) => ({
  operation: 'v2.createComposite',
  input,
  options: {
    edits: {
      layers: [
        {
          name: 'Product',
          operation: { type: 'edit' },
          smartObject: { smartObjectFile: { source: layer } },
        },
      ],
    },
  },
  outputs,
});

const cutout = (outputs: unknown[] = [png()]) => ({
  operation: 'v2.removeBackground',
  input: 's3://darkroom-in/shoe.jpg',
  outputs,
  options: { mode: 'cutout' },
});

/** A step with two outputs: a document rendered as two PNGs. */
const twoPngs = (outputs: unknown[] = [png(), png()]) => ({
  operation: 'v2.createComposite',
  input: 's3://darkroom-in/art.psd',
  outputs,
});

const render = (input: unknown, ref: string) => ({
  operation: 'v2.createComposite',
  input,
  outputs: [png(ref)],
});

const LAYER_SOURCE = 'options.edits.layers[0].smartObject.smartObjectFile.source';

describe('recipe graph', () => {
  it('refuses a from that names no step, with the full path to it', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        composite: composite('s3://darkroom-in/card.psd', { from: 'cut-out' }, [
          psd('s3://darkroom-out/c.psd'),
        ]),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: `steps.composite.${LAYER_SOURCE}.from`,
        rule: 'unknown_step',
        message: 'from names no step of this recipe ("cut-out"); its steps are cutout, composite',
      }),
      // Nothing then reads the cut-out.
      expect.objectContaining({ path: 'steps.cutout.outputs[0]', rule: 'unused_output' }),
    ]);
  });

  it('reports the path in a v1 operation’s options the same way (smartObject layers[].input)', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        composite: {
          operation: 'smartObject',
          input: 's3://darkroom-in/card.psd',
          options: { layers: [{ name: 'Product', input: { from: 'cutout' } }] },
          outputs: [{ ref: 's3://darkroom-out/c.psd', type: 'image/vnd.adobe.photoshop' }],
        },
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps.composite.options.layers[0].input.from',
        rule: 'unknown_step',
      }),
    ]);
  });

  it('refuses a step that reads its own output', async () => {
    expect(
      await refusalOf({
        name: 'g',
        steps: { png: render({ from: 'png' }, 's3://darkroom-out/a.png') },
      }),
    ).toEqual([expect.objectContaining({ path: 'steps.png.input.from', rule: 'self_reference' })]);
  });

  it('refuses a cycle and names its steps in order', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        a: {
          ...render({ from: 'c' }, 's3://darkroom-out/a.png'),
          outputs: [png('s3://darkroom-out/a.png')],
        },
        b: render({ from: 'a' }, 's3://darkroom-out/b.png'),
        c: render({ from: 'b' }, 's3://darkroom-out/c.png'),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps.a',
        rule: 'cycle',
        message: matching(/^steps a → b → c → a form a cycle/),
      }),
    ]);
  });

  it('refuses an output index the source step does not have', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        composite: composite('s3://darkroom-in/card.psd', { from: 'cutout', output: 1 }, [
          psd('s3://darkroom-out/c.psd'),
        ]),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: `steps.composite.${LAYER_SOURCE}.output`,
        rule: 'output_index',
        message: 'step cutout has 1 output: output must be a whole number from 0 to 0',
      }),
      // Output 0 is then read by nobody.
      expect.objectContaining({ path: 'steps.cutout.outputs[0]', rule: 'unused_output' }),
    ]);
    const fractional = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout([png('s3://darkroom-out/cut.png')]),
        composite: composite('s3://darkroom-in/card.psd', { from: 'cutout', output: 0.5 }, [
          psd('s3://darkroom-out/c.psd'),
        ]),
      },
    });
    expect(fractional).toEqual([
      expect.objectContaining({
        path: `steps.composite.${LAYER_SOURCE}.output`,
        rule: 'output_index',
      }),
    ]);
  });

  it('takes a from only where the operation reads a file', async () => {
    const options = {
      edits: { layers: [{ name: 'Title', operation: { type: 'edit' }, text: { from: 'cutout' } }] },
    };
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        text: {
          operation: 'v2.createComposite',
          input: 's3://darkroom-in/a.psd',
          options,
          outputs: [png('s3://darkroom-out/t.png')],
        },
        board: {
          operation: 'v2.createArtboard',
          input: { from: 'cutout' },
          outputs: [psd('s3://darkroom-out/b.psd')],
        },
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps.text.options.edits.layers[0].text.from',
        rule: 'from_position',
        message: matching(
          /^v2\.createComposite reads no file at options\.edits\.layers\[\]\.text; .*options\.edits\.layers\[\]\.smartObject\.smartObjectFile\.source/,
        ),
      }),
      expect.objectContaining({ path: 'steps.board.input.from', rule: 'from_position' }),
    ]);
  });

  it('takes a from at any read position of the catalog, nested group layers and outputs included', async () => {
    const recipe = {
      name: 'g',
      steps: {
        cutout: twoPngs([png(), png('s3://darkroom-out/cut.png')]),
        composite: {
          operation: 'v2.createComposite',
          input: 's3://darkroom-in/card.psd',
          options: {
            edits: {
              layers: [
                {
                  name: 'Group',
                  operation: { type: 'edit' },
                  children: [
                    {
                      name: 'Product',
                      operation: { type: 'edit' },
                      image: { source: { from: 'cutout' } },
                    },
                  ],
                },
              ],
            },
          },
          outputs: [
            {
              ...png('s3://darkroom-out/card.png'),
              iccProfile: { type: 'custom', name: 'Mine', source: { from: 'cutout', output: 1 } },
            },
          ],
        },
      },
    };
    await expect(validateRecipe(recipe)).resolves.toBeDefined();
  });

  it('leaves Adobe’s own numeric from keys (text style ranges) alone', async () => {
    const layers = [
      {
        name: 'Title',
        text: { contents: 'Hello', characterStyles: [{ from: 0, to: 4, size: 20 }] },
      },
    ];
    const recipe = {
      name: 'g',
      steps: {
        title: {
          operation: 'text',
          input: 's3://darkroom-in/a.psd',
          options: { layers },
          outputs: [{ ref: 's3://darkroom-out/t.png', type: 'image/png' }],
        },
      },
    };
    const bound = await bindRecipe(recipe, {}, run);
    expect(bound.steps[0]?.edit.options).toEqual({ layers });
  });

  it('refuses a file named by both ref and from', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        composite: composite(
          's3://darkroom-in/card.psd',
          { from: 'cutout', ref: 's3://darkroom-in/x.png' },
          [psd('s3://darkroom-out/c.psd')],
        ),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: `steps.composite.${LAYER_SOURCE}.ref`,
        rule: 'ref_and_from',
      }),
    ]);
  });

  it('needs at least one final output', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        composite: composite('s3://darkroom-in/card.psd', { from: 'cutout' }),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'steps', rule: 'no_final_output' }),
      expect.objectContaining({ path: 'steps.composite.outputs[0]', rule: 'unused_output' }),
    ]);
  });

  it('refuses an intermediate output no step reads', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        cutout: cutout(),
        composite: composite('s3://darkroom-in/card.psd', { from: 'cutout' }, [
          psd('s3://darkroom-out/c.psd'),
          png(),
        ]),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps.composite.outputs[1]',
        rule: 'unused_output',
        message: matching(/written and deleted for nothing/),
      }),
    ]);
  });

  it('refuses two outputs that write one file, and a step reading another’s output by name', async () => {
    const issues = await refusalOf({
      name: 'g',
      steps: {
        jpeg: { ...render('s3://darkroom-in/a.psd', 's3://darkroom-out/card.png') },
        png: render('s3://darkroom-in/a.psd', 's3://darkroom-out/card.png'),
        thumb: render('s3://darkroom-out/card.png', 's3://darkroom-out/thumb.png'),
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'steps.png.outputs[0].ref', rule: 'duplicate_output' }),
      expect.objectContaining({
        path: 'steps.thumb.input',
        rule: 'unordered_read',
        message: matching(/read it with \{ from: "jpeg", output: 0 \}/),
      }),
    ]);
  });
});

describe('recipe run order', () => {
  it('fans out: each rendition after the composite it reads, declaration order between equals', async () => {
    const bound = await bindRecipe(
      {
        name: 'g',
        params: { sku: {} },
        steps: {
          png: render({ from: 'composite' }, 's3://darkroom-out/{{sku}}.png'),
          jpeg: render({ from: 'composite' }, 's3://darkroom-out/{{sku}}.jpg'),
          composite: composite('s3://darkroom-in/card.psd', { from: 'cutout' }),
          cutout: cutout(),
        },
      },
      { sku: 'a1' },
      run,
    );
    expect(bound.steps.map(({ name, needs }) => ({ name, needs }))).toEqual([
      { name: 'cutout', needs: [] },
      { name: 'composite', needs: ['cutout'] },
      { name: 'png', needs: ['composite'] },
      { name: 'jpeg', needs: ['composite'] },
    ]);
  });

  it('fans in: a step that reads a main input and a second file from two steps runs after both', async () => {
    const bound = await bindRecipe(
      {
        name: 'g',
        steps: {
          composite: composite({ from: 'backdrop' }, { from: 'cutout' }, [
            png('s3://darkroom-out/card.png'),
          ]),
          cutout: cutout(),
          backdrop: {
            operation: 'v2.edit',
            input: 's3://darkroom-in/backdrop.jpg',
            options: { edits: { autoTone: true } },
            outputs: [{ mediaType: 'image/jpeg' }],
          },
        },
      },
      {},
      run,
    );
    expect(bound.steps.map(({ name, needs }) => ({ name, needs }))).toEqual([
      { name: 'cutout', needs: [] },
      { name: 'backdrop', needs: [] },
      { name: 'composite', needs: ['cutout', 'backdrop'] },
    ]);
    const edit = bound.steps[2]?.edit;
    expect(edit?.input).toBe('s3://darkroom-scratch/runs/run-1/backdrop/0.jpg');
    expect(edit?.options).toEqual(
      composite('', { ref: 's3://darkroom-scratch/runs/run-1/cutout/0.png' }).options,
    );
  });

  it('lists a step it reads twice once', async () => {
    const bound = await bindRecipe(
      {
        name: 'g',
        steps: {
          cutout: twoPngs(),
          composite: {
            ...composite({ from: 'cutout', output: 1 }, { from: 'cutout' }, [
              png('s3://darkroom-out/card.png'),
            ]),
          },
        },
      },
      {},
      run,
    );
    expect(bound.steps[1]).toEqual(
      expect.objectContaining({ name: 'composite', needs: ['cutout'] }),
    );
  });
});
