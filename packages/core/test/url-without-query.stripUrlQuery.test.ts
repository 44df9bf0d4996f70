import { stripUrlQuery } from '../src';

describe('stripUrlQuery', () => {
  it('drops the query, fragment and password of a URL', () => {
    expect(stripUrlQuery('https://u:pw@image.adobe.io/pie/status/1?x=1#y')).toBe(
      'https://u:[redacted]@image.adobe.io/pie/status/1',
    );
    expect(stripUrlQuery('/local/path?sig=abc')).toBe('/local/path');
  });

  it('hides the token a Dropbox temporary link keeps in its path', () => {
    expect(
      stripUrlQuery('https://uc1a2b.dl.dropboxusercontent.com/cd/0/get/TokenInPath/f?dl=1'),
    ).toBe('https://uc1a2b.dl.dropboxusercontent.com/[redacted]');
    expect(stripUrlQuery('https://content.dropboxapi.com/apitul/1/UploadTokenInPath')).toBe(
      'https://content.dropboxapi.com/apitul/1/[redacted]',
    );
  });
});
