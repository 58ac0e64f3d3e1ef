/** The dashboard's CSV reader: quoted fields with commas, quotes and line breaks; CRLF; blank lines; short rows. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads records keyed by the header (worked by hand)', () => {
    const text = 'event,item,amount (USD)\r\nsrp-1,"energy payment (paid; delivery ratio 1.0000)",86.82\r\n\r\nsrp-1,"penalty, ""late"" start\nsecond line",-5\r\n';
    expect(parseCsv(text)).toEqual([
      { event: 'srp-1', item: 'energy payment (paid; delivery ratio 1.0000)', 'amount (USD)': '86.82' },
      { event: 'srp-1', item: 'penalty, "late" start\nsecond line', 'amount (USD)': '-5' },
    ]);
  });

  it('gives nothing for an empty table or a header alone', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a,b\n')).toEqual([]);
  });
});
