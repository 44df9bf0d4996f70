import {
  RequestValidationError,
  buildRequestBody,
  referencedBodySchema,
  type ResolveRef,
} from '../src';
import { httpsResolve } from './support/sample-jobs';

function counting(): { resolve: ResolveRef; calls: number } {
  const state = {
    calls: 0,
    resolve: ((ref, ctx) => {
      state.calls += 1;
      return httpsResolve(ref, ctx);
    }) as ResolveRef,
  };
  return state;
}

async function refused(operationId: string, job: unknown) {
  const c = counting();
  const err = (await buildRequestBody(operationId, job, c.resolve).catch(
    (e: unknown) => e,
  )) as RequestValidationError;
  expect(err).toBeInstanceOf(RequestValidationError);
  expect(c.calls).toBe(0);
  return err.issues;
}

const out = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ ref: `s3://out/${i}.png`, type: 'image/png' }));

describe('buildRequestBody guards (nothing is presigned for a refused job)', () => {
  test('more than one main input cites the single-input rule', async () => {
    const issues = await refused('renditionCreate', {
      input: ['s3://a/1.psd', 's3://a/2.psd'],
      outputs: out(1),
    });
    const issue = issues.find((i) => i.rule === 'single-input');
    expect(issue?.path).toBe('input');
    expect(issue?.message).toContain('All the endpoints only support a single file input');
  });

  test('an "inputs" list is refused the same way', async () => {
    const issues = await refused('renditionCreate', { inputs: ['s3://a/1.psd'], outputs: out(1) });
    expect(issues.map((i) => i.rule)).toContain('single-input');
  });

  test('26 outputs are refused; 25 are fine', async () => {
    const issues = await refused('renditionCreate', { input: 's3://a/1.psd', outputs: out(26) });
    expect(issues).toContainEqual(
      expect.objectContaining({ path: 'outputs', rule: 'max-outputs' }),
    );
    const body = await buildRequestBody(
      'renditionCreate',
      { input: 's3://a/1.psd', outputs: out(25) },
      httpsResolve,
    );
    expect(body.outputs).toHaveLength(25);
  });

  test('Sensei takes one output', async () => {
    const issues = await refused('cutout', { input: 's3://a/1.jpg', outputs: out(2) });
    expect(issues).toContainEqual(expect.objectContaining({ rule: 'max-outputs' }));
  });

  test.each([
    [
      'options.layers[0].input.href',
      {
        layers: [
          {
            id: 1,
            edit: {},
            input: { href: 'http://169.254.169.254/latest', storage: 'external' },
          },
        ],
      },
    ],
    ['options.fonts[0].url', { fonts: [{ url: 'https://attacker.example/font.otf' }] }],
  ])('a direct URL in options is refused (%s)', async (path, options) => {
    const issues = await refused('documentOperations', {
      input: 's3://a/1.psd',
      outputs: out(1),
      options,
    });
    expect(issues).toContainEqual(expect.objectContaining({ path, rule: 'no-direct-url' }));
  });

  test('href or storage on an output is refused', async () => {
    const issues = await refused('renditionCreate', {
      input: 's3://a/1.psd',
      outputs: [
        { ref: 's3://o/1.png', type: 'image/png', href: 'https://x.example/', storage: 'external' },
      ],
    });
    expect(issues.map((i) => `${i.path} ${i.rule}`)).toEqual(
      expect.arrayContaining(['outputs[0].href no-direct-url', 'outputs[0].storage managed-field']),
    );
  });

  test('a ref at a position the catalog does not list is refused', async () => {
    const issues = await refused('renditionCreate', {
      input: 's3://a/1.psd',
      outputs: out(1),
      options: { layers: [{ input: { ref: 's3://a/x.png' } }] },
    });
    expect(issues).toContainEqual(
      expect.objectContaining({ path: 'options.layers[0].input.ref', rule: 'ref-position' }),
    );
  });

  test('a ref that is not a storage reference is refused', async () => {
    const issues = await refused('documentOperations', {
      input: 's3://a/1.psd',
      outputs: out(1),
      options: { layers: [{ id: 1, edit: {}, input: { ref: 'https://x.example/a.png' } }] },
    });
    expect(issues).toContainEqual(
      expect.objectContaining({ path: 'options.layers[0].input.ref', rule: 'invalid_format' }),
    );
  });

  test('v2 options cannot replace the image or outputs the builder makes', async () => {
    const issues = await refused('v2.createComposite', {
      input: 's3://a/1.psd',
      outputs: out(1).map(({ ref }) => ({ ref, mediaType: 'image/png' })),
      options: { image: { width: 10, height: 10 }, outputs: [] },
    });
    expect(issues.map((i) => `${i.path} ${i.rule}`)).toEqual(
      expect.arrayContaining(['options.image managed-field', 'options.outputs managed-field']),
    );
  });

  test('v2.createComposite without input starts from a blank document in options.image', async () => {
    const body = await buildRequestBody(
      'v2.createComposite',
      {
        outputs: [{ ref: 's3://o/new.psd', mediaType: 'image/vnd.adobe.photoshop' }],
        options: { image: { width: 640, height: 480, fill: 'white' } },
      },
      httpsResolve,
    );
    expect(body.image).toEqual({ width: 640, height: 480, fill: 'white' });
  });

  test('main input required / not accepted', async () => {
    expect(await refused('renditionCreate', { outputs: out(1) })).toContainEqual(
      expect.objectContaining({ path: 'input', rule: 'input-required' }),
    );
    expect(
      await refused('documentCreate', {
        input: 's3://a/1.psd',
        outputs: out(1),
        options: { document: { width: 1, height: 1, resolution: 72, fill: 'white', mode: 'rgb' } },
      }),
    ).toContainEqual(expect.objectContaining({ path: 'input', rule: 'input-not-accepted' }));
  });

  test("Adobe's own rules are checked after building, in Adobe's field names", async () => {
    const c = counting();
    const err = (await buildRequestBody(
      'renditionCreate',
      { input: 's3://a/1.psd', outputs: [{ ref: 's3://o/1.jpg', type: 'image/jpeg', quality: 9 }] },
      c.resolve,
    ).catch((e: unknown) => e)) as RequestValidationError;
    expect(err.issues).toContainEqual(
      expect.objectContaining({ path: 'outputs[0].quality', rule: 'too_big' }),
    );
  });

  test("JPEG takes quality, PNG takes compression (the files' if/then rules)", async () => {
    const issues = await buildRequestBody(
      'renditionCreate',
      {
        input: 's3://a/1.psd',
        outputs: [
          { ref: 's3://o/1.png', type: 'image/png', quality: 5 },
          { ref: 's3://o/2.jpg', type: 'image/jpeg', compression: 'small' },
        ],
      },
      httpsResolve,
    ).catch((e: unknown) => (e as RequestValidationError).issues);
    expect(issues).toEqual([
      expect.objectContaining({ path: 'outputs[0].quality', rule: 'format-option' }),
      expect.objectContaining({ path: 'outputs[1].compression', rule: 'format-option' }),
    ]);
  });

  test('nested layer children hold refs too, and the job is not mutated', async () => {
    const job = {
      input: 's3://a/1.psd',
      outputs: out(1),
      options: {
        layers: [
          { id: 1, edit: {}, children: [{ id: 2, edit: {}, input: { ref: 's3://a/c.png' } }] },
        ],
      },
    };
    const before = JSON.stringify(job);
    const body = await buildRequestBody('documentOperations', job, httpsResolve);
    expect(JSON.stringify(job)).toBe(before);
    expect(body).toMatchObject({
      options: {
        layers: [
          {
            children: [
              {
                input: { href: 'https://storage.example/a/c.png?X-Sig=read', storage: 'external' },
              },
            ],
          },
        ],
      },
    });
  });

  test('outputs are presigned for write with their media type', async () => {
    const seen: unknown[] = [];
    await buildRequestBody(
      'v2.createComposite',
      { input: 's3://a/1.psd', outputs: [{ ref: 'dropbox:/o/1.jpg', mediaType: 'image/jpeg' }] },
      (ref, ctx) => {
        seen.push([ref, ctx]);
        return httpsResolve(ref, ctx);
      },
    ).then((body) => {
      expect(body.outputs).toEqual([
        {
          mediaType: 'image/jpeg',
          destination: {
            url: 'https://storage.example/o/1.jpg?X-Sig=write&ct=image%2Fjpeg',
            storageType: 'dropbox',
          },
        },
      ]);
    });
    expect(seen).toContainEqual([
      'dropbox:/o/1.jpg',
      { access: 'write', contentType: 'image/jpeg' },
    ]);
    expect(seen).toContainEqual(['s3://a/1.psd', { access: 'read' }]);
  });

  test('referencedBodySchema is reusable by the job layer', () => {
    expect(
      referencedBodySchema.safeParse({
        input: 's3://b/k',
        outputs: [{ ref: 'azure://a/c/b', type: 'image/png' }],
      }).success,
    ).toBe(true);
    expect(referencedBodySchema.safeParse({ input: 'https://x' }).success).toBe(false);
  });
});
