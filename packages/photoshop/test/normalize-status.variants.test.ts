import { normalizeStatus, toJobState } from '../src';

// Replies as documented in photoshop-api.md §4 (sources S1/S2/S3), one per variant.
const psSucceeded = {
  jobId: 'de2415fb-82c6-47fc-b102-04ad651c5ed4',
  outputs: [
    {
      input: 'https://in.example/in.psd',
      status: 'succeeded',
      created: '2018-01-04T12:57:15.12345Z',
      modified: '2018-01-04T12:58:36.12345Z',
      _links: {
        renditions: [
          {
            href: 'https://out.example/1.jpg',
            width: 512,
            storage: 'external',
            type: 'image/jpeg',
          },
          { href: 'https://out.example/2.png', storage: 'external', type: 'image/png' },
        ],
      },
    },
  ],
  _links: {
    self: {
      href: 'https://image.adobe.io/pie/psdService/status/de2415fb-82c6-47fc-b102-04ad651c5ed4',
    },
  },
};

describe('normalizeStatus', () => {
  test('Photoshop success: renditions, timestamps, job id', () => {
    const s = normalizeStatus('renditionCreate', psSucceeded);
    expect(s).toMatchObject({
      state: 'succeeded',
      jobId: 'de2415fb-82c6-47fc-b102-04ad651c5ed4',
      outputs: [
        { href: 'https://out.example/1.jpg', width: 512, storage: 'external', type: 'image/jpeg' },
        { href: 'https://out.example/2.png', storage: 'external', type: 'image/png' },
      ],
    });
    expect(s.created?.toISOString()).toBe('2018-01-04T12:57:15.123Z');
    expect(s.modified?.toISOString()).toBe('2018-01-04T12:58:36.123Z');
    expect(s.error).toBeUndefined();
    expect(s.raw).toBe(psSucceeded);
  });

  test.each([
    [
      'errors as an object',
      {
        errors: {
          type: 'InputValidationError',
          title: "request parameters didn't validate",
          code: '400',
          details: [{ name: 'contrast', reason: 'value must be an int between -150 and 150' }],
        },
      },
    ],
    [
      'errors as an array',
      {
        errors: [
          {
            type: 'InputValidationError',
            title: "request parameters didn't validate",
            code: '400',
            details: [{ name: 'contrast', reason: 'value must be an int between -150 and 150' }],
          },
        ],
      },
    ],
    [
      'error',
      {
        error: {
          type: 'InputValidationError',
          title: "request parameters didn't validate",
          code: '400',
          errorDetails: [{ name: 'contrast', reason: 'value must be an int between -150 and 150' }],
        },
      },
    ],
  ])('Photoshop failure with %s', (_label, variant) => {
    const s = normalizeStatus('photoshop', {
      jobID: 'j1',
      outputs: [{ input: 'x', status: 'failed', created: '2020-01-01T00:00:00.000Z', ...variant }],
    });
    expect(s).toMatchObject({
      state: 'failed',
      jobId: 'j1',
      error: {
        type: 'InputValidationError',
        code: '400',
        title: "request parameters didn't validate",
        details: [{ name: 'contrast', reason: 'value must be an int between -150 and 150' }],
      },
    });
  });

  test('a failure echoing a presigned href keeps no query string', () => {
    const s = normalizeStatus('photoshop', {
      outputs: [
        {
          status: 'failed',
          errors: {
            type: 'FileLinkInvalidError',
            details: { name: 'https://b.example/k.psd?sig=secret' },
          },
        },
      ],
    });
    expect(s.error?.details).toEqual({ name: 'https://b.example/k.psd' });
  });

  test('a stray ":Z" timestamp still parses', () => {
    const s = normalizeStatus('photoshop', {
      outputs: [{ status: 'running', created: '2020-02-11T21:08:43.789:Z' }],
    });
    expect(s.created?.toISOString()).toBe('2020-02-11T21:08:43.789Z');
  });

  test.each([
    ['pending', 'pending'],
    ['starting', 'pending'],
    ['not_started', 'pending'],
    ['running', 'running'],
    ['uploading', 'running'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['something-new', 'unknown'],
    ['cancelled', 'unknown'],
  ])('status %s → %s', (raw, state) => {
    expect(toJobState(raw)).toBe(state);
    expect(normalizeStatus('photoshop', { outputs: [{ status: raw }] }).state).toBe(state);
    expect(normalizeStatus('sensei', { status: raw }).state).toBe(state);
    expect(normalizeStatus('v2', { status: raw }).state).toBe(state);
  });

  test('an unknown word is kept, cut to a bounded length, for the failure message', () => {
    expect(normalizeStatus('v2', { status: 'cancelled' }).statusWord).toBe('cancelled');
    expect(normalizeStatus('sensei', { status: 'x'.repeat(500) }).statusWord).toHaveLength(40);
    expect(normalizeStatus('v2', { status: 'running' }).statusWord).toBeUndefined();
  });

  test('one failed entry does not end a job whose other entries are still being written', () => {
    const entries = (states: string[]) => ({ outputs: states.map((status) => ({ status })) });
    expect(normalizeStatus('photoshop', entries(['failed', 'running'])).state).toBe('running');
    expect(normalizeStatus('photoshop', entries(['failed', 'pending'])).state).toBe('running');
    const done = normalizeStatus('photoshop', entries(['succeeded', 'failed', 'succeeded']));
    expect(done.state).toBe('failed');
    expect(done.failedEntries).toEqual([1]);
    expect(done.entryCount).toBe(3);
    expect(normalizeStatus('photoshop', entries(['failed'])).failedEntries).toBeUndefined();
  });

  test('Sensei success (jobID spelling) gives the single output', () => {
    const s = normalizeStatus('cutout', {
      jobID: 'e3a13d81',
      status: 'succeeded',
      created: '2020-02-11T21:08:43.789Z',
      modified: '2020-02-11T21:08:48.492Z',
      input: 'https://in.example/a.jpg',
      output: { storage: 'external', href: 'https://out.example/a.png', mask: { format: 'soft' } },
      _links: { self: { href: 'https://image.adobe.io/sensei/status/e3a13d81' } },
    });
    expect(s).toMatchObject({
      state: 'succeeded',
      jobId: 'e3a13d81',
      outputs: [{ href: 'https://out.example/a.png', storage: 'external' }],
    });
  });

  test('Sensei pending carries only id and status', () => {
    expect(normalizeStatus('mask', { jobID: 'x', status: 'pending', _links: {} })).toMatchObject({
      state: 'pending',
      outputs: [],
    });
  });

  test.each([
    [
      'array',
      [
        {
          type: 'ResourceNotFound',
          code: 404,
          title: 'Requested resource was not found',
          details: { name: 'n', reason: 'r' },
        },
      ],
    ],
    [
      'object',
      {
        type: 'ResourceNotFound',
        code: 404,
        title: 'Requested resource was not found',
        details: { name: 'n', reason: 'r' },
      },
    ],
  ])('Sensei failure with errors as an %s', (_l, errors) => {
    expect(normalizeStatus('sensei', { jobId: 'x', status: 'failed', errors })).toMatchObject({
      state: 'failed',
      error: { type: 'ResourceNotFound', code: 404, details: { name: 'n', reason: 'r' } },
    });
  });

  test('Lightroom success: root timestamps, _links.self as object or array', () => {
    const s = normalizeStatus('autoTone', {
      jobId: 'lr1',
      created: '2021-01-01T00:00:00Z',
      modified: '2021-01-01T00:00:05Z',
      outputs: [
        {
          input: 'i',
          status: 'succeeded',
          _links: { self: { href: 'https://out.example/1.jpg', storage: 'external' } },
        },
        {
          input: 'i',
          status: 'succeeded',
          _links: { self: [{ href: 'https://out.example/2.jpg', storage: 'external' }] },
        },
      ],
    });
    expect(s.state).toBe('succeeded');
    expect(s.outputs.map((o) => o.href)).toEqual([
      'https://out.example/1.jpg',
      'https://out.example/2.jpg',
    ]);
    expect(s.modified?.toISOString()).toBe('2021-01-01T00:00:05.000Z');
  });

  test.each([
    ['details', { details: 'Unable to read the input' }],
    ['errorDetails', { errorDetails: 'Unable to read the input' }],
  ])('Lightroom failure with %s', (_l, variant) => {
    expect(
      normalizeStatus('lightroom', { jobId: 'x', outputs: [{ status: 'failed', ...variant }] }),
    ).toMatchObject({
      state: 'failed',
      error: { details: 'Unable to read the input' },
    });
  });

  test('one unfinished entry keeps the job running', () => {
    const s = normalizeStatus('lightroom', {
      outputs: [{ status: 'succeeded' }, { status: 'uploading' }],
    });
    expect(s.state).toBe('running');
  });

  test('v2 success: outputs from result.outputs (array or object), createdTime/modifiedTime', () => {
    const base = {
      jobId: 'v2j',
      status: 'succeeded',
      createdTime: '2025-05-01T10:00:00Z',
      modifiedTime: '2025-05-01T10:00:09Z',
    };
    const arr = normalizeStatus('v2.createComposite', {
      ...base,
      result: {
        outputs: [
          {
            destination: { url: 'https://out.example/a.jpg', storageType: 'azure' },
            mediaType: 'image/jpeg',
          },
        ],
      },
    });
    expect(arr).toMatchObject({
      state: 'succeeded',
      jobId: 'v2j',
      outputs: [{ href: 'https://out.example/a.jpg', type: 'image/jpeg', storage: 'azure' }],
    });
    expect(arr.created?.toISOString()).toBe('2025-05-01T10:00:00.000Z');
    const obj = normalizeStatus('v2', {
      ...base,
      result: { outputs: { url: 'https://out.example/b.png', mediaType: 'image/png' } },
    });
    expect(obj.outputs).toEqual([{ href: 'https://out.example/b.png', type: 'image/png' }]);
  });

  test('v2 failure: errorDetails[] → code and message', () => {
    expect(
      normalizeStatus('v2', {
        jobId: 'x',
        status: 'failed',
        errorDetails: [{ errorCode: '400401', message: 'The input file is not a PSD' }],
      }),
    ).toMatchObject({
      state: 'failed',
      error: { code: '400401', title: 'The input file is not a PSD' },
    });
  });

  test('documentManifest: document and layer tree', () => {
    const s = normalizeStatus('documentManifest', {
      jobId: 'm',
      outputs: [
        {
          status: 'succeeded',
          document: { name: 'Example.psd', width: 300, height: 600 },
          layers: [
            {
              id: 453,
              index: 7,
              type: 'layerSection',
              name: 'Headline',
              children: [{ id: 412, index: 6, type: 'textLayer', name: 'Reset' }],
            },
            { id: 557, index: 0, type: 'layer', name: 'Background' },
          ],
        },
      ],
    });
    expect(s.manifest?.document).toEqual({ name: 'Example.psd', width: 300, height: 600 });
    expect(s.manifest?.layers[0]?.children?.[0]?.name).toBe('Reset');
  });

  test('a failure without any error body still carries an (empty) error', () => {
    expect(normalizeStatus('photoshop', { outputs: [{ status: 'failed' }] }).error).toEqual({});
  });

  test('an unknown operation is refused with the list of valid ids', () => {
    expect(() => normalizeStatus('renditionMake', {})).toThrow(/valid ids: renditionCreate/);
  });
});
