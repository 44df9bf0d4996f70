import { redactValue } from '../src';

describe('redactValue', () => {
  it('redacts secret-named fields and the queries of URL-named fields at any depth', () => {
    const out = redactValue({
      operation: 'autoTone',
      outputs: [{ ref: 's3://b/k', uploadUrl: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=abc' }],
      deep: { deeper: { password: 'hunter2', statusUrl: 'https://image.adobe.io/s/1?page=1' } },
      note: 'see https://acct.blob.core.windows.net/c/b?sig=secretsig',
    });
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/hunter2|X-Amz|secretsig|page=1/);
    expect(text).toContain('https://image.adobe.io/s/1');
    expect(text).toContain('s3://b/k');
  });
});

describe('redactValue references', () => {
  it('copies an object referenced twice and cuts only real cycles', () => {
    const shared = { ref: 's3://b/k' };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactValue({ a: shared, b: shared, cyclic })).toEqual({
      a: { ref: 's3://b/k' },
      b: { ref: 's3://b/k' },
      cyclic: { name: 'loop', self: '[circular]' },
    });
  });
});
