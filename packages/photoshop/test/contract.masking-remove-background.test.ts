import {
  maskingStatusSchema,
  normalizeStatus,
  operations,
  toJobState,
  v2StatusSchema,
  v2SubmitReplySchema,
  validateRequestBody,
  type OperationId,
} from '../src';
import { openApiValidator } from './support/official-validators';
import { exampleFromSchema, openApiExamples } from './support/specs';

const FFS = 'v1/ffs-photoshop_api.json';
const ffsComponent = (id: OperationId) =>
  operations[id].officialSchema.replace('ffs-photoshop_api.json#/components/schemas/', '');
const url = (name: string) => ({
  url: `https://bucket.s3.amazonaws.com/${name}?X-Amz-Signature=x`,
});

/**
 * The request bodies Adobe's guides show, with their placeholder URLs filled in:
 * guides__create-mask.md (mask-objects), guides__using-refine-mask.md,
 * guides__using-fill-mask.md, guides__remove-background.md (the curl example and the optional
 * parameters of its table). The guides are not among the files the tests read, so the bodies are
 * written out here.
 */
const guideExamples: [OperationId, Record<string, unknown>][] = [
  ['maskObjects', { image: { source: url('in.jpg') } }],
  [
    'refineMask',
    {
      image: { source: url('in.jpg') },
      mask: { source: url('mask.png') },
      colorDecontamination: false,
    },
  ],
  ['fillMaskedAreas', { image: { source: url('in.jpg') }, masks: [{ source: url('mask.png') }] }],
  [
    'v2.removeBackground',
    { image: { source: url('in.jpg') }, mode: 'cutout', output: { mediaType: 'image/png' } },
  ],
  [
    'v2.removeBackground',
    {
      image: { source: url('in.jpg') },
      mode: 'mask',
      output: { mediaType: 'image/png' },
      trim: true,
      backgroundColor: { red: 0, green: 128, blue: 255, alpha: 0.5 },
      colorDecontamination: 0.5,
    },
  ],
];

describe("Adobe's request examples for remove-background and masking", () => {
  test.each(guideExamples.map(([id, body], i) => [`${id} #${i}`, id, body] as const))(
    '%s validates',
    (_name, id, body) => {
      expect(validateRequestBody(id, body)).toMatchObject({ ok: true });
      if (id !== 'v2.removeBackground')
        expect(openApiValidator(FFS, ffsComponent(id))(body)).toBe(true);
    },
  );

  test('mask-body-parts: a body built from its OpenAPI schema (with granular labels) validates', () => {
    const body = exampleFromSchema(FFS, '/components/schemas/MaskBodyPartsRequest') as Record<
      string,
      unknown
    >;
    const filled = {
      ...body,
      image: { source: url('p.jpg') },
      mask: { source: url('m.png') },
      useGranularLabels: true,
    };
    expect(openApiValidator(FFS, 'MaskBodyPartsRequest')(filled)).toBe(true);
    expect(validateRequestBody('maskBodyParts', filled)).toMatchObject({ ok: true });
  });

  test.each([
    ['fillMaskedAreas', { image: { source: url('in.jpg') } }, 'masks'],
    ['refineMask', { image: { source: url('in.jpg') } }, 'mask'],
    ['maskBodyParts', { image: { source: url('in.jpg') }, mask: {} }, 'mask.source'],
    ['maskObjects', { image: { source: {} } }, 'image.source.url'],
    [
      'refineMask',
      { image: { source: url('a') }, mask: { source: url('b') }, colorDecontamination: 1 },
      'colorDecontamination',
    ],
  ] as const)('%s refuses what Adobe refuses (%#), naming %s', (id, body, path) => {
    const ours = validateRequestBody(id, body);
    expect(ours.ok).toBe(false);
    expect(ours.ok ? [] : ours.issues.map((i) => i.path)).toContain(path);
    expect(openApiValidator(FFS, ffsComponent(id))(body)).toBe(false);
  });

  test.each([
    [{ mode: 'psd' }, 'mode'],
    [{ output: { mediaType: 'image/gif' } }, 'output.mediaType'],
    [{ colorDecontamination: 2 }, 'colorDecontamination'],
    [{ backgroundColor: { red: 256 } }, 'backgroundColor.red'],
    [{ trim: 'yes' }, 'trim'],
  ])('remove-background refuses %j naming %s', (extra, path) => {
    const result = validateRequestBody('v2.removeBackground', {
      image: { source: url('a') },
      ...extra,
    });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([path]);
  });
});

describe('masking status documents', () => {
  const examples = openApiExamples(FFS);

  test('the OpenAPI /v1/status examples parse and normalise as the masking family', () => {
    expect(examples.map((e) => e.where)).toEqual(
      expect.arrayContaining([expect.stringContaining('/v1/status/{jobId}')]),
    );
    const states = examples.map((e) => {
      expect(maskingStatusSchema.safeParse(e.value).error).toBeUndefined();
      return normalizeStatus('masking', e.value);
    });
    expect(states.map((s) => s.state)).toEqual(['pending', 'running', 'succeeded', 'failed']);
    expect(states[2]?.outputs).toEqual([
      { href: 'https://example.com/semantic-mask-1.png', type: 'image/png' },
      { href: 'https://example.com/semantic-mask-2.png', type: 'image/png' },
      { href: 'https://example.com/background-mask-1.png', type: 'image/png' },
      { href: 'https://example.com/background-mask-2.png', type: 'image/png' },
    ]);
    expect(states[3]?.error).toEqual({
      type: 'processing_error',
      title: 'Failed to process image due to invalid format',
    });
    expect(states[3]?.jobId).toBe('12345678-1234-1234-1234-123456789012');
  });

  const box = { x: 1, y: 2, width: 30, height: 40 };
  const file = (name: string) => ({ destination: url(name), mediaType: 'image/png' });
  const item = (label: string) => ({ ...file(label), label, score: 0.9, boundingBox: box });
  test.each([
    [
      'MaskObjectsJobApiResponse',
      'maskObjects',
      { semanticMasks: [item('Person')], backgroundMasks: [item('Sky')] },
      2,
    ],
    [
      'MaskBodyPartsJobApiResponse',
      'maskBodyParts',
      { masks: [item('Left Shoe'), item('Hat')] },
      2,
    ],
    [
      'RefineMaskJobApiResponse',
      'refineMask',
      { mask: { ...file('refined'), boundingBox: box } },
      1,
    ],
    ['FillMaskedAreasJobApiResponse', 'fillMaskedAreas', { image: file('filled') }, 1],
  ] as const)('a %s lists its files', (component, id, fields, files) => {
    const doc = { jobId: 'j', status: 'succeeded', ...fields };
    expect(openApiValidator(FFS, component)(doc)).toBe(true);
    expect(maskingStatusSchema.safeParse(doc).error).toBeUndefined();
    const status = normalizeStatus(id, doc);
    expect(status.state).toBe('succeeded');
    expect(status.outputs).toHaveLength(files);
    for (const out of status.outputs) {
      expect(out.type).toBe('image/png');
      expect(out.href).toMatch(/^https:/);
    }
  });

  test.each([
    ['not_started', 'pending'],
    ['pending', 'pending'],
    ['running', 'running'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
  ] as const)('every documented state word: %s → %s', (word, state) => {
    expect(toJobState(word)).toBe(state);
    expect(normalizeStatus('refineMask', { jobId: 'j', status: word }).state).toBe(state);
  });

  test('an undocumented word stays unknown and is kept', () => {
    const s = normalizeStatus('fillMaskedAreas', { jobId: 'j', status: 'cancelled' });
    expect(s).toMatchObject({ state: 'unknown', statusWord: 'cancelled' });
  });

  test('the JobLinkResponse reply is the v2 submit reply', () => {
    const reply = { jobId: 'j', statusUrl: 'https://image.adobe.io/v1/status/j' };
    expect(openApiValidator(FFS, 'JobLinkResponse')(reply)).toBe(true);
    expect(v2SubmitReplySchema.safeParse(reply).success).toBe(true);
    expect(openApiValidator(FFS, 'JobLinkResponse')({ jobId: 'j' })).toBe(false);
    expect(v2SubmitReplySchema.safeParse({ jobId: 'j' }).success).toBe(false);
  });
});

describe('remove-background status (v2 family)', () => {
  test('a finished job lists its output; a failed one its error', () => {
    const done = {
      jobId: 'j',
      status: 'succeeded',
      result: {
        outputs: [{ destination: { url: 'https://out.example/cut.png' }, mediaType: 'image/png' }],
      },
    };
    expect(v2StatusSchema.safeParse(done).success).toBe(true);
    expect(normalizeStatus('v2.removeBackground', done).outputs).toEqual([
      { href: 'https://out.example/cut.png', type: 'image/png' },
    ]);
    const failed = normalizeStatus('v2.removeBackground', {
      jobId: 'j',
      status: 'failed',
      errorDetails: [{ errorCode: '400401', message: 'bad image' }],
    });
    expect(failed.error).toEqual({ code: '400401', title: 'bad image' });
  });
});
