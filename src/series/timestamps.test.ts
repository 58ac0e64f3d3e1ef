import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../time/parse.ts';
import { LABEL_DROPPED, LABEL_INVALID, LABEL_OK, daysFromCivil, parseLabel, type Label } from './timestamps.ts';

function label(s: string, shift = 0): Label | number {
  const out: Label = { naiveMs: 0, offsetMin: NaN };
  const st = parseLabel(s, shift, out);
  return st === LABEL_OK ? out : st;
}

describe('fast timestamp labels', () => {
  it('reads the shapes real exports use', () => {
    expect(label('2023-01-01 00:00:00+00:00')).toEqual({ naiveMs: Date.UTC(2023, 0, 1), offsetMin: 0 });
    expect(label('2023-07-14T19:00')).toEqual({ naiveMs: Date.UTC(2023, 6, 14, 19), offsetMin: NaN });
    expect(label('2023-07-14T19:00:30.5-05:00')).toEqual({ naiveMs: Date.UTC(2023, 6, 14, 19, 0, 30), offsetMin: -300 });
    expect(label('2023-07-14T19:00Z')).toEqual({ naiveMs: Date.UTC(2023, 6, 14, 19), offsetMin: 0 });
    expect(label('2023-07-14 19:00+0530')).toEqual({ naiveMs: Date.UTC(2023, 6, 14, 19), offsetMin: 330 });
    expect(label('2023-7-4 9:00')).toEqual({ naiveMs: Date.UTC(2023, 6, 4, 9), offsetMin: NaN }); // via the general parser
    expect(label('2023-07-14')).toEqual({ naiveMs: Date.UTC(2023, 6, 14), offsetMin: NaN });
  });

  it('refuses impossible dates and junk', () => {
    for (const s of ['2023-02-29 00:00', '2023-13-01 00:00', '2023-04-31T10:00', '2023-01-01 25:00', '2023-01-01 24:30', 'yesterday', '', '2023-01-01T10:00+25:00', '2023-0a-01 00:00']) {
      expect(label(s)).toBe(LABEL_INVALID);
    }
  });

  it('shifts years and drops Feb 29 into a non-leap year', () => {
    expect(label('2024-02-29 12:00', -1)).toBe(LABEL_DROPPED);
    expect(label('2024-02-29 12:00', 4)).toEqual({ naiveMs: Date.UTC(2028, 1, 29, 12), offsetMin: NaN });
    expect(label('2023-03-01 00:00', 1)).toEqual({ naiveMs: Date.UTC(2024, 2, 1), offsetMin: NaN });
  });

  it('daysFromCivil handles years before 100 (where Date.UTC would not)', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1) * 86_400_000).toBe(Date.UTC(2000, 2, 1));
    const d = new Date(0);
    d.setUTCFullYear(50, 0, 1);
    expect(daysFromCivil(50, 1, 1) * 86_400_000).toBe(d.getTime());
  });

  it('agrees with the general parser on random timestamps (UTC and explicit offsets)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const arb = fc.record({
      y: fc.integer({ min: 1000, max: 2999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 60 }),
      sec: fc.option(fc.integer({ min: 0, max: 59 })),
      sep: fc.constantFrom('T', ' '),
      off: fc.constantFrom('', 'Z', '+00:00', '-05:00', '+0530', '+08', '-1130'),
    });
    fc.assert(
      fc.property(arb, ({ y, mo, d, h, mi, sec, sep, off }) => {
        const s = `${y}-${pad(mo)}-${pad(d)}${sep}${pad(h)}:${pad(mi)}${sec === null ? '' : `:${pad(sec)}`}${off}`;
        const expected = parseTimestamp(s, 'UTC');
        const got = label(s);
        if (Number.isNaN(expected)) expect(got).toBe(LABEL_INVALID);
        else {
          expect(typeof got).toBe('object');
          const l = got as Label;
          expect(l.naiveMs - (Number.isNaN(l.offsetMin) ? 0 : l.offsetMin) * 60_000).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
