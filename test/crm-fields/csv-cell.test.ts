import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/crm/export/neutralise-cell.ts';
import { exportStream } from '../../src/crm/export/export-stream.ts';

const dangerous = ['=', '+', '-', '@', '\t', '\r'];

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('CSV cells', () => {
  it('never start with a formula character: such text gets a leading quote, anything else is unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const cell = csvCell(s);
        if (dangerous.some((c) => s.startsWith(c))) expect(cell).toBe(`'${s}`);
        else expect(cell).toBe(s);
        expect(dangerous.some((c) => cell.startsWith(c))).toBe(false);
      }),
    );
  });

  it('writes numbers and booleans as they are, joins lists and neutralises the joined text', () => {
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(['=1', 'b'])).toBe("'=1; b");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
  });

  it('round-trips any text through the CSV writer and a CSV parser (quotes, commas, new lines)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ a: fc.string(), b: fc.string() }), { maxLength: 20 }), async (rows) => {
        const csv = await text(exportStream('csv', ['a', 'b'], (async function* () { yield* rows; })()));
        const back = parse(csv, { columns: true, relax_column_count: false }) as { a: string; b: string }[];
        expect(back).toEqual(rows.map((r) => ({ a: csvCell(r.a), b: csvCell(r.b) })));
      }),
      { numRuns: 50 },
    );
  });

  it('streams JSON as one array, values untouched', async () => {
    const json = await text(exportStream('json', ['a'], (async function* () { yield { a: '=1' }; yield { a: 2, extra: 'dropped' }; })()));
    expect(JSON.parse(json)).toEqual([{ a: '=1' }, { a: 2 }]);
  });
});
