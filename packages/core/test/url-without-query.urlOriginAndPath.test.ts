import { urlOriginAndPath } from '../src';

describe('urlOriginAndPath', () => {
  it('keeps origin and path and drops the signature-bearing query and fragment', () => {
    expect(
      urlOriginAndPath('https://acct01.blob.core.windows.net/c/a%20b.png?sv=2025&sig=SECRET#x'),
    ).toBe('https://acct01.blob.core.windows.net/c/a%20b.png');
    expect(urlOriginAndPath('https://user:pass@host.example/p?X-Amz-Signature=abc')).toBe(
      'https://host.example/p',
    );
  });

  it('writes the URL as the parser normalises it', () => {
    expect(urlOriginAndPath('HTTPS://Image.Adobe.IO:443/pie/psdService/status/1?page=2')).toBe(
      'https://image.adobe.io/pie/psdService/status/1',
    );
  });

  it('cuts text it cannot parse at its first ? or #', () => {
    expect(urlOriginAndPath('not a url ?sig=SECRET')).toBe('not a url ');
    expect(urlOriginAndPath('/relative/path#frag?sig=SECRET')).toBe('/relative/path');
  });

  it('returns the placeholder, never the text, for text it cannot parse when given one', () => {
    expect(urlOriginAndPath('not a url ?sig=SECRET', '(unparseable url)')).toBe(
      '(unparseable url)',
    );
    expect(urlOriginAndPath('https://host.example/p?sig=SECRET', '(unparseable url)')).toBe(
      'https://host.example/p',
    );
  });
});
