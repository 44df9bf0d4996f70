import { withoutQuery } from '../src';

describe('withoutQuery', () => {
  it('cuts at the first ? or # and changes nothing else', () => {
    expect(withoutQuery('https://b.s3.local:4569/in/cat.psd?X-Amz-Signature=abc#x')).toBe(
      'https://b.s3.local:4569/in/cat.psd',
    );
    expect(withoutQuery('https://HOST.example/a%20b#frag?x=1')).toBe('https://HOST.example/a%20b');
    expect(withoutQuery('https://u:pw@host.example/p?q=1')).toBe('https://u:pw@host.example/p');
  });

  it('returns text without ? or # as it is', () => {
    expect(withoutQuery('https://host.example/p')).toBe('https://host.example/p');
    expect(withoutQuery('')).toBe('');
  });
});
