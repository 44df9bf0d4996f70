import fc from 'fast-check';
import { CSV_COLUMNS, readManifest, splitCsvLine } from '../src';
import { parseOutputFlag } from '../src/cli/output-flag';

/** How a spreadsheet writes a cell: quoted when it holds a comma, a quote or leading space. */
const encodeCell = (cell: string): string =>
  /[",]|^\s|\s$/.test(cell) || cell === '' ? `"${cell.replace(/"/g, '""')}"` : cell;

describe('splitCsvLine', () => {
  it('reads back any row of cells without line breaks, however quoted', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', ' ', 'é', '/', ':') });
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 8 }), (cells) => {
        expect(splitCsvLine(cells.map(encodeCell).join(','))).toEqual(cells);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCsvLine('a,"b')).toThrow(/not closed/);
  });
});

describe('readManifest', () => {
  it('numbers JSONL lines from 1, skips blank ones and reports unreadable ones', () => {
    const lines = readManifest('{"a":1}\n\nnot json\r\n{"b":2}\n', 'jsonl');
    expect(lines).toEqual([
      { line: 1, job: { a: 1 } },
      { line: 3, issue: expect.objectContaining({ rule: 'invalid_json' }) as object },
      { line: 4, job: { b: 2 } },
    ]);
  });

  it('maps every documented CSV column onto the job', () => {
    const [row] = readManifest(
      `${CSV_COLUMNS.join(',')}\nrenditionCreate,s3://in/a.psd,s3://out/a.jpg,image/jpeg,640,acme,shop-1,key-1,7\n`,
      'csv',
    );
    expect(row).toEqual({
      line: 2,
      job: {
        operation: 'renditionCreate',
        input: 's3://in/a.psd',
        outputs: [{ ref: 's3://out/a.jpg', type: 'image/jpeg', width: 640 }],
        account: 'acme',
        tenant: 'shop-1',
        idempotencyKey: 'key-1',
        priority: 7,
      },
    });
  });

  it('reports a row with more cells than columns', () => {
    const [row] = readManifest('operation,output\na,b,c\n', 'csv');
    expect(row).toMatchObject({ line: 2, issue: { rule: 'invalid_csv' } });
  });
});

describe('parseOutputFlag', () => {
  it('names the MIME type mediaType for v2 operations (the default) and type for v1', () => {
    expect(parseOutputFlag('s3://out/a.jpg:image/jpeg:1024')).toEqual({
      ref: 's3://out/a.jpg',
      mediaType: 'image/jpeg',
      width: 1024,
    });
    expect(parseOutputFlag('s3://out/a.jpg:image/jpeg', 'v1')).toEqual({
      ref: 's3://out/a.jpg',
      type: 'image/jpeg',
    });
  });

  it('splits <ref>:<type>[:<width>] from the right, keeping colons inside the reference', () => {
    expect(parseOutputFlag('s3://out/a.jpg:image/jpeg:1024', 'v1')).toEqual({
      ref: 's3://out/a.jpg',
      type: 'image/jpeg',
      width: 1024,
    });
    expect(parseOutputFlag('azure://acct/c/x:y.png:image/png', 'v1')).toEqual({
      ref: 'azure://acct/c/x:y.png',
      type: 'image/png',
    });
    expect(parseOutputFlag('dropbox:/out/a.psd:image/vnd.adobe.photoshop', 'v1')).toEqual({
      ref: 'dropbox:/out/a.psd',
      type: 'image/vnd.adobe.photoshop',
    });
    expect(() => parseOutputFlag('s3://out/a.jpg')).toThrow(/<ref>:<type>/);
  });
});
