import { formatJobName, formatJobPayload, statusPath } from '../src';

describe('formatJobPayload', () => {
  it('puts what an operator needs first for the stored job shape, with times as ISO strings', () => {
    const view = formatJobPayload({
      v: 1,
      request: {
        operation: 'removeBackground',
        input: 's3://in/cat.psd',
        outputs: [{ ref: 'azure://acct/out/cat.png', type: 'image/png' }],
      },
      account: 'acct-a',
      deadlineAt: 1_764_399_600_000,
      enqueuedAt: 1_764_396_000_000,
      fingerprint: 'f00d',
      nonce: 'n1',
      step: 'poll',
      statusUrl: 'https://image.adobe.io/sensei/status/77?sig=secret',
      remoteJobId: '77',
      submittedAt: 1_764_396_001_000,
      polls: 2,
    }) as Record<string, unknown>;
    expect(Object.keys(view)).toEqual([
      'operation',
      'account',
      'step',
      'polls',
      'remoteJobId',
      'statusPath',
      'enqueuedAt',
      'submittedAt',
      'deadlineAt',
      'v',
      'request',
      'fingerprint',
      'nonce',
    ]);
    expect(view).toMatchObject({
      operation: 'removeBackground',
      statusPath: '/sensei/status/77',
      enqueuedAt: '2025-11-29T06:00:00.000Z',
      request: { input: 's3://in/cat.psd' },
    });
    expect(JSON.stringify(view)).not.toContain('secret');
  });

  it('shows unknown fields, redacted, and leaves non-objects alone', () => {
    expect(
      formatJobPayload({ surprise: { downloadLink: 'https://x.example/a?code=zzz' } }),
    ).toEqual({
      surprise: { downloadLink: 'https://x.example/a' },
    });
    expect(formatJobPayload('Bearer abcdefghijkl')).toBe('Bearer [redacted]');
    expect(formatJobPayload(null)).toBeNull();
  });

  it('titles a job by name, operation, account and step without repeats', () => {
    expect(
      formatJobName({
        name: 'edit',
        data: { request: { operation: 'v2.edit' }, account: 'a', step: 'submit' },
      }),
    ).toBe('edit · v2.edit · a · submit');
    expect(formatJobName({ name: 'v2.edit', data: { operation: 'v2.edit' } })).toBe('v2.edit');
  });

  it('marks an operation of a retired Adobe API as legacy, in the title and in the view', () => {
    const job = { name: 'edit', data: { request: { operation: 'autoTone' }, account: 'a' } };
    expect(formatJobName(job)).toBe('edit · autoTone (legacy) · a');
    const view = formatJobPayload(job.data) as Record<string, unknown>;
    expect(Object.keys(view).slice(0, 2)).toEqual(['operation', 'api']);
    expect(view.api).toBe('POST /lrService/autoTone: legacy, ended 2026-07-31, use v2.edit');
    const current = formatJobPayload({ request: { operation: 'v2.removeBackground' } });
    expect(current).toMatchObject({ api: 'POST /v2/remove-background' });
    // An id the catalog does not know gets no label rather than a guess.
    expect(formatJobPayload({ operation: 'removeBackground' })).not.toHaveProperty('api');
  });

  it('keeps only the path of a status link', () => {
    expect(statusPath('https://image.adobe.io/pie/psdService/status/1?x=1')).toBe(
      '/pie/psdService/status/1',
    );
    expect(statusPath('not a url?sig=1')).toBe('not a url');
  });
});
