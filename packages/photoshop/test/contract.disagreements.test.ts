import {
  manifestDocumentSchema,
  normalizeStatus,
  psManifestStatusSchema,
  psStatusSchema,
  v1ErrorBodySchema,
  v2StatusSchema,
  validateRequestBody,
} from '../src';

// Each case is one entry of the README's "Where the published files disagree": both forms pass.
const input = [{ href: 'https://in.example/a.psd', storage: 'external' }];
const out = (type: string) => [{ href: 'https://out.example/a', storage: 'external', type }];

describe('contract accepts both sides where Adobe files disagree', () => {
  test.each(['image/vnd.adobe.photoshop', 'vnd.adobe.photoshop'])(
    'PSD output spelled %s',
    (type) => {
      expect(validateRequestBody('renditionCreate', { inputs: input, outputs: out(type) }).ok).toBe(
        true,
      );
    },
  );

  test('photoshopActions: actions or uxp (schema anyOf declares only actions)', () => {
    const outputs = out('image/jpeg');
    expect(
      validateRequestBody('photoshopActions', {
        inputs: input,
        outputs,
        options: { uxp: { script: 'x' } },
      }).ok,
    ).toBe(true);
    expect(
      validateRequestBody('photoshopActions', {
        inputs: input,
        outputs,
        options: { actions: [{ href: 'https://a.example/x.atn', storage: 'external' }] },
      }).ok,
    ).toBe(true);
    const neither = validateRequestBody('photoshopActions', {
      inputs: input,
      outputs,
      options: { fonts: [] },
    });
    expect(neither.ok).toBe(false);
  });

  test('ICC profile file under iccProfile.input (schema) or iccProfile.iccProfile (swagger sample)', () => {
    for (const key of ['input', 'iccProfile']) {
      const outputs = [
        {
          ...out('image/jpeg')[0],
          iccProfile: {
            imageMode: 'rgb',
            [key]: { href: 'https://p.example/p.icc', storage: 'external' },
          },
        },
      ];
      expect(validateRequestBody('renditionCreate', { inputs: input, outputs }).ok).toBe(true);
    }
  });

  test('error code as number (examples) or string (declared type)', () => {
    expect(v1ErrorBodySchema.safeParse({ type: 'InputValidationError', code: 400 }).success).toBe(
      true,
    );
    expect(v1ErrorBodySchema.safeParse({ type: 'InputValidationError', code: '400' }).success).toBe(
      true,
    );
  });

  test('manifest bitDepth as number (declared) or string (example "bitmap")', () => {
    expect(manifestDocumentSchema.safeParse({ bitDepth: 8 }).success).toBe(true);
    expect(manifestDocumentSchema.safeParse({ bitDepth: 'bitmap' }).success).toBe(true);
  });

  test('Photoshop status values from the S1 enum (starting) and from FFS (uploading)', () => {
    expect(psStatusSchema.safeParse({ outputs: [{ status: 'starting' }] }).success).toBe(true);
    expect(psStatusSchema.safeParse({ outputs: [{ status: 'uploading' }] }).success).toBe(true);
  });

  test('v2 result.outputs typed object (OpenAPI) or array (migration guide)', () => {
    expect(v2StatusSchema.safeParse({ status: 'succeeded', result: { outputs: {} } }).success).toBe(
      true,
    );
    expect(v2StatusSchema.safeParse({ status: 'succeeded', result: { outputs: [] } }).success).toBe(
      true,
    );
  });

  test('the manifest status variant requires document and layers once succeeded', () => {
    expect(psManifestStatusSchema.safeParse({ outputs: [{ status: 'running' }] }).success).toBe(
      true,
    );
    expect(psManifestStatusSchema.safeParse({ outputs: [{ status: 'succeeded' }] }).success).toBe(
      false,
    );
    expect(
      psManifestStatusSchema.safeParse({
        outputs: [{ status: 'succeeded', document: { name: 'a.psd' }, layers: [] }],
      }).success,
    ).toBe(true);
  });

  test('status reply spelling jobId or jobID', () => {
    expect(normalizeStatus('sensei', { jobId: 'a', status: 'running' }).jobId).toBe('a');
    expect(normalizeStatus('sensei', { jobID: 'b', status: 'running' }).jobId).toBe('b');
  });
});
