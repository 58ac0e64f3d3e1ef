import { describe, expect, it } from 'vitest';
import { depreciationSchedule } from './depreciation.ts';

const close = (a: number[], b: number[]) => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 6));
};

describe('depreciation schedules (cost 1000, 5 years, no salvage)', () => {
  it('straight-line: 200 a year', () => close(depreciationSchedule(1000, 5, 'straight-line'), [200, 200, 200, 200, 200]));

  it('sum-of-years-digits: 5/15, 4/15, 3/15, 2/15, 1/15 of cost', () =>
    close(depreciationSchedule(1000, 5, 'sum-of-years'), [333.333333, 266.666667, 200, 133.333333, 66.666667]));

  it('double declining balance switching to straight-line: 400, 240, 144, 108, 108', () => {
    // y1 40 % of 1000; y2 40 % of 600; y3 40 % of 360 = 144 (> 360/3 = 120); y4 max(86.4, 216/2 = 108); y5 the rest
    close(depreciationSchedule(1000, 5, 'declining-balance', 2), [400, 240, 144, 108, 108]);
  });

  it('150 % declining balance over 4 years: 375, 234.375, 195.3125, 195.3125', () => {
    // rate 1.5/4 = 37.5 %: 375 (book 625); 234.375 (book 390.625) vs 625/3 = 208.3; y3 max(146.48, 390.625/2 = 195.31)
    close(depreciationSchedule(1000, 4, 'declining-balance', 1.5), [375, 234.375, 195.3125, 195.3125]);
  });

  it('every method depreciates the full cost', () => {
    for (const m of ['straight-line', 'declining-balance', 'sum-of-years'] as const) {
      for (const life of [1, 3, 6, 30]) expect(depreciationSchedule(777, life, m).reduce((a, b) => a + b, 0)).toBeCloseTo(777, 8);
    }
  });
});
