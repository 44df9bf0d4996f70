import {
  lrStatusSchema,
  normalizeStatus,
  operations,
  psManifestStatusSchema,
  psStatusSchema,
  senseiStatusSchema,
  v1ErrorBodySchema,
  v1SubmitReplySchema,
  v2StatusSchema,
  validateRequestBody,
} from '../src';
import { v1Validator } from './support/official-validators';
import { exampleFromSchema, openApiExamples, swaggerCodeSamples } from './support/specs';

/**
 * swagger.json samples that do not follow Adobe's own JSON schema. Each is listed with the field
 * that is wrong; the test proves the official schema rejects that same field, so the sample (not
 * the contract) is at fault. Also in the README under "Where the published files disagree".
 */
const BROKEN_SAMPLES: Record<string, { path: string; why: string }[] | 'malformed-json'> = {
  '/lrService/edit shell': [{ path: 'outputs[0].type', why: 'placeholder "type"' }],
  '/lrService/presets shell': [{ path: 'outputs[0].type', why: 'placeholder "type"' }],
  '/pie/psdService/renditionCreate icc_profile_example': [
    { path: 'outputs[0].type', why: 'typo "images/jpeg"' },
  ],
  '/pie/psdService/documentManifest shell': [
    { path: 'options.thumbnails.type', why: 'typo "images/png"' },
  ],
  '/lrService/xmp shell': 'malformed-json',
  '/pie/psdService/actionJSON shell': 'malformed-json',
  '/pie/psdService/photoshopActions shell': 'malformed-json',
  '/pie/psdService/artboardCreate shell': 'malformed-json',
};

const toPointer = (path: string) =>
  `/${path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .join('/')}`;

describe('swagger.json request samples', () => {
  const samples = swaggerCodeSamples();

  test('there are samples for every v1 POST operation', () => {
    const paths = new Set(samples.map((s) => s.path));
    for (const op of Object.values(operations).filter((o) => o.generation === 'v1')) {
      expect(paths).toContain(op.path);
    }
  });

  test.each(samples.map((s) => [`${s.path} ${s.lang}`, s] as const))('%s', (key, sample) => {
    const known = BROKEN_SAMPLES[key];
    if (known === 'malformed-json') {
      expect(sample.parseError).toBeDefined();
      return;
    }
    expect(sample.parseError).toBeUndefined();
    const op = Object.values(operations).find(
      (o) => o.generation === 'v1' && o.path === sample.path,
    );
    expect(op).toBeDefined();
    const result = validateRequestBody(op!.id, sample.body);
    if (!known) {
      expect(result).toMatchObject({ ok: true });
      return;
    }
    expect(result.ok).toBe(false);
    const ours = result.ok ? [] : result.issues.map((i) => i.path);
    expect(ours.sort()).toEqual(known.map((k) => k.path).sort());
    const official = v1Validator(op!.officialSchema);
    expect(official(sample.body)).toBe(false);
    const theirs = (official.errors ?? []).map((e) => e.instancePath);
    for (const k of known) expect(theirs).toContain(toPointer(k.path));
  });
});

describe('JSON-schema files: documents assembled from their own examples', () => {
  test.each([
    ['v1/PITS/get_status.schema.json', psStatusSchema, 'photoshop'],
    ['v1/PITS/get_manifest_status.schema.json', psManifestStatusSchema, 'photoshop'],
    ['v1/ic/get_status.schema.json', senseiStatusSchema, 'sensei'],
    ['v1/acr/get_status.schema.json', lrStatusSchema, 'lightroom'],
  ] as const)('%s parses and normalises', (file, schema, family) => {
    const doc = exampleFromSchema(file);
    expect(schema.safeParse(doc).error).toBeUndefined();
    const status = normalizeStatus(family, doc);
    expect(status.jobId).toBe('f54e0fcb-260b-47c3-b520-de0d17dc2b67');
  });

  test('the manifest example yields document and layers', () => {
    const status = normalizeStatus(
      'documentManifest',
      exampleFromSchema('v1/PITS/get_manifest_status.schema.json'),
    );
    expect(status.state).toBe('succeeded');
    expect(status.manifest?.document).toMatchObject({
      name: 'wine.psd',
      width: 1500,
      height: 2100,
    });
    expect(status.manifest?.layers[0]).toMatchObject({ id: 110, name: 'My Layer' });
  });

  test.each([
    'v1/PITS/api_response_success_schema.json',
    'v1/ic/api_response_success_schema.json',
    'v1/acr/api_response_success_schema.json',
  ])('%s parses as a submit reply', (file) => {
    expect(v1SubmitReplySchema.safeParse(exampleFromSchema(file)).success).toBe(true);
  });

  test.each([400, 402, 403, 404, 409, 410])(
    'api_response_%i_error_schema.json parses as a v1 error',
    (code) => {
      const doc = exampleFromSchema(`v1/api_response_${code}_error_schema.json`);
      const parsed = v1ErrorBodySchema.safeParse(doc);
      expect(parsed.success).toBe(true);
      expect(parsed.data?.code).toBe(code);
    },
  );
});

describe('OpenAPI examples', () => {
  const ffs = openApiExamples('v1/ffs-photoshop_api.json');

  test('the FFS status examples parse with the v2 status schema and normalise', () => {
    expect(ffs.length).toBeGreaterThanOrEqual(4);
    const states = ffs.map((e) => {
      expect(v2StatusSchema.safeParse(e.value).error).toBeUndefined();
      return normalizeStatus('v2', e.value);
    });
    expect(states.map((s) => s.state)).toEqual(['pending', 'running', 'succeeded', 'failed']);
    expect(states[3]?.error).toEqual({
      type: 'processing_error',
      title: 'Failed to process image due to invalid format',
    });
  });

  test('the v2 file carries no request or reply examples (only field-level ones)', () => {
    expect(openApiExamples('v2/photoshopv2-api.json')).toEqual([]);
  });
});
