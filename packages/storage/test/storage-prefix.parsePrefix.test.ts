import { formatPrefix, isRootPrefix, parsePrefix, StorageRefError } from '../src';

describe('parsePrefix', () => {
  it.each([
    ['s3://scratch/runs/42/', { scheme: 's3', bucket: 'scratch', key: 'runs/42/' }],
    ['s3://scratch/runs/42', { scheme: 's3', bucket: 'scratch', key: 'runs/42/' }],
    ['s3://scratch/', { scheme: 's3', bucket: 'scratch', key: '' }],
    ['s3://scratch', { scheme: 's3', bucket: 'scratch', key: '' }],
    [
      'azure://acct01/scratch/runs/42',
      { scheme: 'azure', account: 'acct01', container: 'scratch', blob: 'runs/42/' },
    ],
    [
      'azure://acct01/scratch/',
      { scheme: 'azure', account: 'acct01', container: 'scratch', blob: '' },
    ],
    ['dropbox:/', { scheme: 'dropbox', path: '/' }],
    ['dropbox:/Darkroom/runs/42', { scheme: 'dropbox', path: '/Darkroom/runs/42/' }],
  ])('reads %s as a folder', (text, parts) => {
    const prefix = parsePrefix(text);
    expect(prefix).toEqual({ ...parts, folder: true });
    expect(formatPrefix(prefix)).toBe(text.endsWith('/') ? text : `${text}/`);
  });

  it('tells roots from folders below them', () => {
    expect(
      ['s3://a1b/', 'azure://acct01/box/', 'dropbox:/'].map((t) => isRootPrefix(parsePrefix(t))),
    ).toEqual([true, true, true]);
    expect(isRootPrefix(parsePrefix('s3://a1b/x/'))).toBe(false);
    expect(isRootPrefix(parsePrefix('dropbox:/x/'))).toBe(false);
  });

  it.each([
    ['s3://Bad_Bucket/runs/', 'invalid_bucket_name'],
    ['s3://scratch//', 'empty_segment'],
    ['s3://scratch/a/./b/', 'dot_segment'],
    ['s3://scratch/a\u0007/', 'control_character'],
    ['dropbox:runs/', 'relative_path'],
    ['dropbox://', 'empty_segment'],
    ['azure://acct01/', 'invalid_container_name'],
    ['ftp://host/dir/', 'unknown_scheme'],
  ])('refuses %s by rule %s', (text, rule) => {
    expect(() => parsePrefix(text)).toThrow(StorageRefError);
    expect(() => parsePrefix(text)).toThrow(expect.objectContaining({ rule }) as Error);
  });
});
