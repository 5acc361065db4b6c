import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportZip, sectionCsv } from '../../src/rights/access/export-files.ts';
import { zipArchive } from '../../src/rights/access/zip-archive.ts';

describe('access export files', () => {
  it('writes CSV that a parser reads back, with formulas neutralised and lists and objects kept readable', () => {
    const items = [
      {
        subject: '=HYPERLINK("http://evil.example","x")',
        body: 'line one\r\nline "two", with a comma',
        tags: ['a', 'b'],
        evidence: { ip: '192.0.2.0' },
        n: -3,
      },
      { subject: '+1 555', extra: '@SUM(A1)', n: null },
    ];
    const rows = parse(sectionCsv({ key: 'activities', items }), { relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(['subject', 'body', 'tags', 'evidence', 'n', 'extra']);
    expect(rows[1]).toEqual([
      `'=HYPERLINK("http://evil.example","x")`,
      'line one\r\nline "two", with a comma',
      'a; b',
      '{"ip":"192.0.2.0"}',
      '-3',
      '',
    ]);
    expect(rows[2]).toEqual(["'+1 555", '', '', '', '', "'@SUM(A1)"]);
  });

  it('writes nothing for an empty section', () => {
    expect(sectionCsv({ key: 'tags', items: [] })).toBe('');
  });

  it('zips the JSON, the summary and one CSV per section', () => {
    const zip = exportZip({
      json: { schemaVersion: 1 },
      sections: [{ key: 'tags', items: [{ tag: 'vip' }] }],
      html: '<p>x</p>',
      at: new Date('2026-03-02T10:00:00Z'),
    });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['access-export.json', 'csv/tags.csv', 'summary.html']);
    expect(JSON.parse(strFromU8(files['access-export.json']!))).toEqual({ schemaVersion: 1 });
    expect(strFromU8(files['csv/tags.csv']!)).toBe('tag\r\nvip\r\n');
  });
});

describe('zip archive', () => {
  it('is read back by another implementation: names in UTF-8, empty and large files, contents intact', () => {
    const big = Buffer.from(
      Array.from({ length: 20_000 }, (_, i) => `line ${i} <p>Discussed item ${i}</p>`).join('\n'),
    );
    const zip = zipArchive(
      [
        { name: 'résumé/données.json', data: Buffer.from('{"a":"é"}') },
        { name: 'empty.csv', data: new Uint8Array(0) },
        { name: 'big.txt', data: big },
      ],
      new Date('2026-03-02T10:00:00Z'),
    );
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(['résumé/données.json', 'empty.csv', 'big.txt']);
    expect(strFromU8(files['résumé/données.json']!)).toBe('{"a":"é"}');
    expect(files['empty.csv']!.length).toBe(0);
    expect(Buffer.from(files['big.txt']!).equals(big)).toBe(true);
    expect(zip.length).toBeLessThan(big.length / 3);
  });
});
