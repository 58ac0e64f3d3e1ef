import { describe, expect, it } from 'vitest';
import { detectDelimiter, findColumn, parseCsv } from './csv.ts';
import { parseNumberCell } from './cells.ts';

const where = { file: 'f.csv', path: 'p' };

describe('CSV tokenizer', () => {
  it('detects , ; and tab from the header', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb')).toBe('\t');
    expect(detectDelimiter('"x,y";b;c')).toBe(';');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('plain and quoted paths agree on simple files', () => {
    const plain = parseCsv('a,b\r\n1,2\r\n\r\n3,4', where);
    const quoted = parseCsv('"a",b\r\n1,2\r\n\r\n3,"4"', where);
    expect(plain.rows).toEqual([['1', '2'], ['3', '4']]);
    expect(quoted.rows).toEqual(plain.rows);
    expect(Array.from(plain.lines)).toEqual([2, 4]);
    expect(Array.from(quoted.lines)).toEqual([2, 4]);
  });

  it('reads doubled quotes, separators and newlines inside quotes', () => {
    const t = parseCsv('a,b\n"say ""hi""","x,y"\n"two\nlines",z\nlast,1\n', where);
    expect(t.rows).toEqual([['say "hi"', 'x,y'], ['two\nlines', 'z'], ['last', '1']]);
    expect(Array.from(t.lines)).toEqual([2, 3, 5]);
  });

  it('strips a BOM', () => {
    expect(parseCsv('\ufeffa,b\n1,2', where).header).toEqual(['a', 'b']);
  });

  it('finds columns exactly, then loosely', () => {
    expect(findColumn(['Time', 'Carbon Intensity gCO₂eq/kWh'], 'carbon intensity gco2eq/kwh')).toBe(1);
    expect(findColumn(['a'], 'b')).toBe(-1);
  });
});

describe('number cells', () => {
  it('reads numbers, missing markers and refuses the rest', () => {
    expect(parseNumberCell('10.42', ',')).toBe(10.42);
    expect(parseNumberCell(' -1e3 ', ',')).toBe(-1000);
    for (const m of ['', ' ', 'NA', 'N/A', 'null', 'NaN', '-', 'nan']) expect(Number.isNaN(parseNumberCell(m, ','))).toBe(true);
    for (const bad of ['abc', '1.2.3', '0x10', 'Infinity', '1,5', '12abc']) expect(parseNumberCell(bad, ',')).toBeUndefined();
    expect(parseNumberCell('1,5', ';')).toBe(1.5);
  });
});

describe('CSV round trip (property)', () => {
  it('reads back any table csv-stringify writes: separators, quotes and line breaks in fields', async () => {
    const { stringify } = await import('csv-stringify/sync');
    const fc = (await import('fast-check')).default;
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', ',', ';', '"', '\n', 'é', '.'), maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.constantFrom(',', ';'), fc.boolean(), (cols, body, delimiter, quoteAll) => {
        const header = Array.from({ length: cols }, (_, j) => `h${j}`);
        // a row of blank cells reads as a blank line: give every row a value
        const rows = body.map((r, i) => [`r${i}`, ...r.slice(0, cols - 1)]);
        // quoting only where needed leaves most tables quote-free: the plain path reads those
        const text = stringify([header, ...rows], { delimiter, record_delimiter: 'unix', ...(quoteAll ? { quoted_match: /[\s\S]/ } : {}) });
        const t = parseCsv(text, where, delimiter);
        expect(t.header).toEqual(header);
        expect(t.rows).toEqual(rows);
      }),
      { numRuns: 200 },
    );
  });
});
