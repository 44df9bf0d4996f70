import {
  fromZodIssues,
  joinStorageRef,
  splitStorageRef,
  storageKinds,
  storageRefSchema,
  storageSchemes,
  type StorageRef,
} from '../src';

describe('splitStorageRef', () => {
  it.each<[string, StorageRef]>([
    ['s3://photos/in/cat.psd', { scheme: 's3', bucket: 'photos', key: 'in/cat.psd' }],
    ['s3:///x', { scheme: 's3', bucket: '', key: 'x' }],
    [
      'azure://acct01/renders/2024/out.png',
      { scheme: 'azure', account: 'acct01', container: 'renders', blob: '2024/out.png' },
    ],
    ['dropbox:/Photos/Cat.PSD', { scheme: 'dropbox', path: '/Photos/Cat.PSD' }],
    ['dropbox:relative', { scheme: 'dropbox', path: 'relative' }],
  ])('splits %j into its parts, verbatim, and joins them back', (text, ref) => {
    expect(splitStorageRef(text)).toEqual({ ok: true, ref });
    expect(joinStorageRef(ref)).toBe(text);
  });

  it.each<[string, StorageRef]>([
    ['s3://photos', { scheme: 's3', bucket: 'photos', key: '' }],
    ['azure://acct01', { scheme: 'azure', account: 'acct01', container: '', blob: '' }],
  ])('splits %j with its missing parts empty, for the caller to judge', (text, ref) => {
    expect(splitStorageRef(text)).toEqual({ ok: true, ref });
  });

  it.each([
    ['https://x.example/a.png', 'unknown_scheme', 'scheme', '(got "https")'],
    ['S3://photos/x', 'unknown_scheme', 'scheme', '(got "S3")'],
    ['photos/x', 'unknown_scheme', 'scheme', '(got none)'],
    ['s3:photos/x', 'malformed_ref', 'ref', 's3 references start with "s3://"'],
    ['azure:/acct01/c/x', 'malformed_ref', 'ref', 'azure references start with "azure://"'],
  ])('refuses %j: %s', (text, rule, field, detail) => {
    const split = splitStorageRef(text);
    expect(split).toMatchObject({ ok: false, error: { rule, field } });
    if (!split.ok) expect(split.error.detail).toContain(detail);
  });

  it('knows one scheme per kind of store', () => {
    expect(storageSchemes).toEqual(['s3', 'azure', 'dropbox']);
    expect(storageKinds).toEqual(['external', 'azure', 'dropbox']);
  });
});

describe('storageRefSchema', () => {
  it.each([
    's3://a/1.psd',
    's3://in/a b.jpg',
    'azure://acct/out/b.png',
    'dropbox:/o/1.jpg',
    's3://photos/../escape.png', // provider rules are @darkroom/storage's, not the grammar's
  ])('accepts %j', (text) => {
    expect(storageRefSchema.safeParse(text).success).toBe(true);
  });

  it.each([
    'https://x.example/a.png',
    's3://photos',
    's3://photos/',
    's3:///x',
    's3://pho tos/x',
    's3://photos/ x',
    's3://photos/a\nb',
    's3://photos/a\u2028b',
    'azure://acct/out',
    'azure://acct//b.png',
    'azure://acct/o ut/b.png',
    'dropbox:/',
    'dropbox:/ a',
    'dropbox:a.png',
    '',
  ])('refuses %j with invalid_format', (text) => {
    const result = storageRefSchema.safeParse(text);
    expect(result.success).toBe(false);
    const issues = fromZodIssues(result.error?.issues ?? []);
    expect(issues.map(({ path, rule }) => ({ path, rule }))).toEqual([
      { path: '', rule: 'invalid_format' },
    ]);
    expect(issues[0]?.message).toContain('s3://bucket/key');
  });

  it('refuses non-strings with zod’s own type issue', () => {
    expect(storageRefSchema.safeParse(42).error?.issues[0]?.code).toBe('invalid_type');
  });
});
