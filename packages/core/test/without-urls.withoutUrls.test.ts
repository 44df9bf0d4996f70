import { withoutUrls } from '../src';

describe('withoutUrls', () => {
  it('drops URL-valued properties, _links and thumbnail at any depth', () => {
    const manifest = {
      document: { name: 'cat.psd', width: 640, height: 480 },
      layers: [
        {
          id: 2,
          name: 'Background',
          thumbnail: { href: 'https://pie.example/thumb/2?sig=abc' },
          smartObject: { linkedHref: 'HTTPS://b.s3.amazonaws.com/so.psb?X-Amz-Signature=abc' },
        },
      ],
      _links: { self: { href: 'https://image.adobe.io/pie/psdService/status/1' } },
      outputs: [{ status: 'succeeded', href: 'http://localhost:4569/b/out.json?X-Amz-Date=1' }],
      ref: 's3://bucket/out.json',
    };
    expect(withoutUrls(manifest)).toEqual({
      document: { name: 'cat.psd', width: 640, height: 480 },
      layers: [{ id: 2, name: 'Background', smartObject: {} }],
      outputs: [{ status: 'succeeded' }],
      ref: 's3://bucket/out.json',
    });
  });

  it('copies a string directly inside an array, and scalars, as they are', () => {
    expect(withoutUrls(['https://host.example/a', 'text'])).toEqual([
      'https://host.example/a',
      'text',
    ]);
    expect(withoutUrls('https://host.example/a')).toBe('https://host.example/a');
    expect(withoutUrls(7)).toBe(7);
    expect(withoutUrls(null)).toBeNull();
  });
});
