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
        data: { request: { operation: 'autoTone' }, account: 'a', step: 'submit' },
      }),
    ).toBe('edit · autoTone · a · submit');
    expect(formatJobName({ name: 'autoTone', data: { operation: 'autoTone' } })).toBe('autoTone');
  });

  it('keeps only the path of a status link', () => {
    expect(statusPath('https://image.adobe.io/pie/psdService/status/1?x=1')).toBe(
      '/pie/psdService/status/1',
    );
    expect(statusPath('not a url?sig=1')).toBe('not a url');
  });
});
