import { isUrlName } from '../src';

describe('isUrlName', () => {
  it.each(['url', 'href', 'statusUrl', 'uploadURL', 'redirectUri', 'downloadLink'])(
    'treats %s as holding a URL',
    (name) => {
      expect(isUrlName(name)).toBe(true);
    },
  );

  it.each(['ref', 'urlCount', 'links', 'name'])('does not treat %s as a URL', (name) => {
    expect(isUrlName(name)).toBe(false);
  });
});
