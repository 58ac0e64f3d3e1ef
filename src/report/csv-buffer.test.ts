import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvBuffer } from './csv-buffer.ts';
import { csvNumber } from './format.ts';

function fmt(x: number, decimals: number): string {
  const b = new CsvBuffer(4);
  b.number(x, decimals);
  return b.take();
}

describe('CsvBuffer.number', () => {
  it('writes plain decimals without trailing zeros or negative zero', () => {
    expect(fmt(0, 3)).toBe('0');
    expect(fmt(-0.0004, 3)).toBe('0');
    expect(fmt(1.5, 3)).toBe('1.5');
    expect(fmt(1.0005, 3)).toBe('1.001');
    expect(fmt(-2.25, 1)).toBe('-2.3');
    expect(fmt(2.25, 1)).toBe('2.3');
    expect(fmt(0.001, 3)).toBe('0.001');
    expect(fmt(0.0701, 4)).toBe('0.0701');
    expect(fmt(123456789.123, 0)).toBe('123456789');
    expect(fmt(1e20, 0)).toBe('100000000000000000000');
    expect(fmt(NaN, 3)).toBe('');
  });

  it('matches Math.round at the chosen precision for any finite value', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 4 }), (x, d) => {
        const s = fmt(x, d);
        expect(s).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(s)).toBeCloseTo((Math.sign(x) * Math.round(Math.abs(x) * 10 ** d)) / 10 ** d, 9);
        expect(fmt(-x, d)).toBe(s === '0' ? '0' : s.startsWith('-') ? s.slice(1) : `-${s}`);
        expect(s).toBe(csvNumber(d)(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('grows past its initial size', () => {
    const b = new CsvBuffer(2);
    for (let i = 0; i < 1000; i++) {
      b.number(i, 0);
      b.comma();
    }
    expect(b.take().split(',').length).toBe(1001);
  });
});
