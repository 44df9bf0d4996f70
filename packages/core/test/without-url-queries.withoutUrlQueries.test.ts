import { withoutUrlQueries } from '../src';

describe('withoutUrlQueries', () => {
  it('cuts the query and fragment of every http(s) URL at any depth and keeps the shape', () => {
    const body = {
      type: 'InputValidationError',
      code: 400,
      title: 'cannot read https://b.s3.amazonaws.com/in/cat.psd?X-Amz-Signature=abc (403)',
      details: [{ href: 'https://acct.blob.core.windows.net/c/o.png?sv=1&sig=secret#frag' }],
      nested: { list: ['http://localhost:4569/b/k?page=2', 'no url here'] },
    };
    expect(withoutUrlQueries(body)).toEqual({
      type: 'InputValidationError',
      code: 400,
      title: 'cannot read https://b.s3.amazonaws.com/in/cat.psd (403)',
      details: [{ href: 'https://acct.blob.core.windows.net/c/o.png' }],
      nested: { list: ['http://localhost:4569/b/k', 'no url here'] },
    });
  });

  it('copies rather than changes its input', () => {
    const body = { href: 'https://host.example/p?sig=abc' };
    const out = withoutUrlQueries(body);
    expect(out).not.toBe(body);
    expect(body.href).toBe('https://host.example/p?sig=abc');
  });

  it('leaves other values and URLs of other schemes alone', () => {
    expect(withoutUrlQueries(42)).toBe(42);
    expect(withoutUrlQueries(null)).toBeNull();
    expect(withoutUrlQueries('s3://bucket/key?x=1')).toBe('s3://bucket/key?x=1');
  });
});
