import { urlWithoutQuery } from '../src';

describe('urlWithoutQuery', () => {
  it('keeps origin and path and drops the signature-bearing query and fragment', () => {
    expect(
      urlWithoutQuery('https://acct01.blob.core.windows.net/c/a%20b.png?sv=2025&sig=SECRET#x'),
    ).toBe('https://acct01.blob.core.windows.net/c/a%20b.png');
    expect(urlWithoutQuery('https://user:pass@host.example/p?X-Amz-Signature=abc')).toBe(
      'https://host.example/p',
    );
  });

  it('never echoes text it cannot parse', () => {
    expect(urlWithoutQuery('not a url ?sig=SECRET')).toBe('(unparseable url)');
  });
});
