import { spanAttributes } from '../src';

describe('spanAttributes', () => {
  it('keeps plain values and drops what is not an attribute', () => {
    expect(
      spanAttributes({
        'darkroom.operation': 'v2.createComposite',
        'http.response.status_code': 202,
        'darkroom.storage.exists': true,
        missing: undefined,
        nothing: null,
        object: { a: 1 },
        infinite: Number.POSITIVE_INFINITY,
        tokenCount: 3,
      }),
    ).toEqual({
      'darkroom.operation': 'v2.createComposite',
      'http.response.status_code': 202,
      'darkroom.storage.exists': true,
      tokenCount: 3,
    });
  });

  it('drops keys named like secrets, also as the last part of a dotted key', () => {
    expect(
      spanAttributes({
        token: 'abc',
        access_token: 'abc',
        clientSecret: 'abc',
        'http.request.header.authorization': 'Bearer abcdefghijkl',
        'x-api-key': 'abc',
        sig: 'abc',
        kept: 'yes',
      }),
    ).toEqual({ kept: 'yes' });
  });

  it('keeps only the origin and path of anything that looks like a URL', () => {
    expect(
      spanAttributes({
        'url.full':
          'https://bucket.s3.amazonaws.com/in/a.jpg?X-Amz-Signature=abc&X-Amz-Credential=k',
        detail: 'https://user:pass@acct.blob.core.windows.net/c/b.png?sv=1&sig=secret#frag',
        statusUrl: '/v2/status/abc?token=1',
      }),
    ).toEqual({
      'url.full': 'https://bucket.s3.amazonaws.com/in/a.jpg',
      detail: 'https://acct.blob.core.windows.net/c/b.png',
      statusUrl: '/v2/status/abc',
    });
  });

  it('cleans secrets out of free text and arrays', () => {
    const cleaned = spanAttributes({
      message: 'refused Authorization: Bearer abcdefghijkl0123 and access_token=xyz123',
      hosts: ['https://a.example/x?sig=1', 'https://b.example/y'],
      mixed: ['a', 1],
    });
    expect(cleaned.message).not.toMatch(/abcdefghijkl0123|xyz123/);
    expect(cleaned.hosts).toEqual(['https://a.example/x', 'https://b.example/y']);
    expect(cleaned).not.toHaveProperty('mixed');
  });
});
