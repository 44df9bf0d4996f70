import fc from 'fast-check';
import { formatRef, parseRef, StorageRefError, type StorageRef } from '../src';
import { CONTROL_CHARACTER } from '../src/name-rules';

describe('parseRef and formatRef', () => {
  it.each<[string, StorageRef]>([
    ['s3://photos/in/cat.psd', { scheme: 's3', bucket: 'photos', key: 'in/cat.psd' }],
    [
      's3://my.bucket-01/a b+c?d#e.png',
      { scheme: 's3', bucket: 'my.bucket-01', key: 'a b+c?d#e.png' },
    ],
    ['s3://abc/ünïcode/名前.jpg', { scheme: 's3', bucket: 'abc', key: 'ünïcode/名前.jpg' }],
    ['s3://abc/...hidden/x..y/.z', { scheme: 's3', bucket: 'abc', key: '...hidden/x..y/.z' }],
    [
      'azure://acct01/renders/2024/out.png',
      { scheme: 'azure', account: 'acct01', container: 'renders', blob: '2024/out.png' },
    ],
    [
      'azure://devstoreaccount1/a-b-c/x',
      { scheme: 'azure', account: 'devstoreaccount1', container: 'a-b-c', blob: 'x' },
    ],
    ['dropbox:/Photos/Cat.PSD', { scheme: 'dropbox', path: '/Photos/Cat.PSD' }],
    ['dropbox:/a b/c', { scheme: 'dropbox', path: '/a b/c' }],
  ])('parses %s and formats it back unchanged', (text, ref) => {
    expect(parseRef(text)).toEqual(ref);
    expect(formatRef(ref)).toBe(text);
  });

  it.each<[string, string, string]>([
    ['http://photos/x', 'unknown_scheme', 'scheme'],
    ['S3://photos/x', 'unknown_scheme', 'scheme'],
    ['photos/x', 'unknown_scheme', 'scheme'],
    ['', 'unknown_scheme', 'scheme'],
    ['s3:photos/x', 'malformed_ref', 'ref'],
    ['azure:/acct01/c/x', 'malformed_ref', 'ref'],
    ['s3://photos', 'empty_key', 'key'],
    ['s3://photos/', 'empty_key', 'key'],
    [`s3://photos/${'k'.repeat(1025)}`, 'key_too_long', 'key'],
    [`s3://photos/${'é'.repeat(513)}`, 'key_too_long', 'key'],
    ['s3://photos/a/../b', 'dot_segment', 'key'],
    ['s3://photos/./b', 'dot_segment', 'key'],
    ['s3://photos/a/..', 'dot_segment', 'key'],
    ['s3://photos/a//b', 'empty_segment', 'key'],
    ['s3://photos//b', 'empty_segment', 'key'],
    ['s3://photos/a/', 'trailing_slash', 'key'],
    ['s3://photos/a\nb', 'control_character', 'key'],
    ['s3://photos/a\u0000b', 'control_character', 'key'],
    ['s3://photos/a\u007fb', 'control_character', 'key'],
    ['s3://photos/a\u0085b', 'control_character', 'key'],
    ['s3://ab/x', 'invalid_bucket_name', 'bucket'],
    [`s3://${'a'.repeat(64)}/x`, 'invalid_bucket_name', 'bucket'],
    ['s3://Photos/x', 'invalid_bucket_name', 'bucket'],
    ['s3://photos_1/x', 'invalid_bucket_name', 'bucket'],
    ['s3://-photos/x', 'invalid_bucket_name', 'bucket'],
    ['s3://photos-/x', 'invalid_bucket_name', 'bucket'],
    ['s3://pho..tos/x', 'invalid_bucket_name', 'bucket'],
    ['s3://192.168.5.4/x', 'invalid_bucket_name', 'bucket'],
    ['s3://xn--photos/x', 'invalid_bucket_name', 'bucket'],
    ['s3://sthree-photos/x', 'invalid_bucket_name', 'bucket'],
    ['s3://photos-s3alias/x', 'invalid_bucket_name', 'bucket'],
    ['s3://photos--ol-s3/x', 'invalid_bucket_name', 'bucket'],
    ['s3:///x', 'invalid_bucket_name', 'bucket'],
    ['azure://ab/container/x', 'invalid_account_name', 'account'],
    [`azure://${'a'.repeat(25)}/container/x`, 'invalid_account_name', 'account'],
    ['azure://Acct01/container/x', 'invalid_account_name', 'account'],
    ['azure://acct-01/container/x', 'invalid_account_name', 'account'],
    ['azure://acct01', 'invalid_container_name', 'container'],
    ['azure://acct01/ab/x', 'invalid_container_name', 'container'],
    ['azure://acct01/Renders/x', 'invalid_container_name', 'container'],
    ['azure://acct01/-renders/x', 'invalid_container_name', 'container'],
    ['azure://acct01/renders-/x', 'invalid_container_name', 'container'],
    ['azure://acct01/ren--ders/x', 'invalid_container_name', 'container'],
    ['azure://acct01/ren.ders/x', 'invalid_container_name', 'container'],
    ['azure://acct01/renders', 'empty_key', 'blob'],
    ['azure://acct01/renders/', 'empty_key', 'blob'],
    [`azure://acct01/renders/${'b'.repeat(1025)}`, 'blob_name_too_long', 'blob'],
    [`azure://acct01/renders/${Array(255).fill('s').join('/')}`, 'too_many_segments', 'blob'],
    ['azure://acct01/renders/a/../b', 'dot_segment', 'blob'],
    ['azure://acct01/renders/a\tb', 'control_character', 'blob'],
    ['dropbox:Photos/cat.psd', 'relative_path', 'path'],
    ['dropbox:', 'relative_path', 'path'],
    ['dropbox:/', 'empty_key', 'path'],
    ['dropbox://cat.psd', 'empty_segment', 'path'],
    ['dropbox:/Photos/', 'trailing_slash', 'path'],
    ['dropbox:/Photos/../cat.psd', 'dot_segment', 'path'],
    ['dropbox:/Photos/\u001bcat.psd', 'control_character', 'path'],
  ])('refuses %j with rule %s on %s', (text, rule, field) => {
    let thrown: unknown;
    try {
      parseRef(text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StorageRefError);
    expect(thrown).toMatchObject({ rule, field, name: 'StorageRefError' });
    expect((thrown as Error).message).toContain(rule);
    expect((thrown as Error).message).toContain(field);
  });

  it('accepts the longest names each provider allows', () => {
    expect(() => parseRef(`s3://${'a'.repeat(63)}/${'k'.repeat(1024)}`)).not.toThrow();
    expect(() => parseRef(`s3://photos/${'é'.repeat(512)}`)).not.toThrow();
    expect(() =>
      parseRef(`azure://${'a'.repeat(24)}/${'c'.repeat(63)}/${'b'.repeat(1024)}`),
    ).not.toThrow();
    expect(() =>
      parseRef(`azure://acct01/renders/${Array(254).fill('s').join('/')}`),
    ).not.toThrow();
  });

  it('checks hand-built references with the same rules when formatting', () => {
    expect(() => formatRef({ scheme: 's3', bucket: 'photos', key: '../etc/passwd' })).toThrow(
      expect.objectContaining({ rule: 'dot_segment' }) as Error,
    );
    expect(() =>
      formatRef({ scheme: 'azure', account: 'acct01', container: 'c', blob: 'x' }),
    ).toThrow(expect.objectContaining({ rule: 'invalid_container_name' }) as Error);
    expect(() => formatRef({ scheme: 'dropbox', path: 'relative' })).toThrow(
      expect.objectContaining({ rule: 'relative_path' }) as Error,
    );
    expect(() => formatRef({ scheme: 'ftp' } as unknown as StorageRef)).toThrow(
      expect.objectContaining({ rule: 'unknown_scheme' }) as Error,
    );
  });

  describe('properties', () => {
    const lower = 'abcdefghijklmnopqrstuvwxyz';
    const alnum = fc.constantFrom(...`${lower}0123456789`.split(''));
    const segment = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter((s) => !s.includes('/') && s !== '.' && s !== '..' && !CONTROL_CHARACTER.test(s));
    const objectName = fc
      .array(segment, { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join('/'));
    const bucket = fc
      .tuple(
        alnum,
        fc.array(fc.constantFrom(...`${lower}0123456789-`.split('')), {
          minLength: 1,
          maxLength: 20,
        }),
        alnum,
      )
      .map(([a, mid, b]) => `${a}${mid.join('')}${b}`)
      .filter(
        (name) =>
          !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
          !/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name),
      );
    const container = bucket.filter((name) => !name.includes('--'));
    const account = fc.array(alnum, { minLength: 3, maxLength: 24 }).map((cs) => cs.join(''));

    const ref: fc.Arbitrary<StorageRef> = fc.oneof(
      fc.record({ scheme: fc.constant('s3' as const), bucket, key: objectName }),
      fc.record({ scheme: fc.constant('azure' as const), account, container, blob: objectName }),
      fc.record({ scheme: fc.constant('dropbox' as const), path: objectName.map((p) => `/${p}`) }),
    );

    it('round-trips every valid reference: parseRef(formatRef(r)) equals r', () => {
      fc.assert(
        fc.property(ref, (r) => {
          const text = formatRef(r);
          expect(parseRef(text)).toEqual(r);
          expect(formatRef(parseRef(text))).toBe(text);
        }),
        { numRuns: 500 },
      );
    });

    it('either refuses a string with StorageRefError or formats it back unchanged', () => {
      const prefixed = fc.tuple(
        fc.constantFrom('s3://', 'azure://', 'dropbox:', 's3:', ''),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      );
      fc.assert(
        fc.property(prefixed, ([prefix, rest]) => {
          const text = prefix + rest;
          let parsed: StorageRef;
          try {
            parsed = parseRef(text);
          } catch (err) {
            expect(err).toBeInstanceOf(StorageRefError);
            return;
          }
          expect(formatRef(parsed)).toBe(text);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
