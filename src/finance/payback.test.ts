import { describe, expect, it } from 'vitest';
import { discountedPaybackPeriods, paybackPeriods } from './payback.ts';

describe('payback', () => {
  it('−1000, +500 × 3 pays back in exactly 2 years', () => {
    expect(paybackPeriods([-1000, 500, 500, 500])).toBeCloseTo(2, 12);
  });

  it('interpolates within the recovery year: −1000, 400, 300, 600 → 2 + 300/600 = 2.5', () => {
    expect(paybackPeriods([-1000, 400, 300, 600])).toBeCloseTo(2.5, 12);
  });

  it('irregular flows with a loss year: −1000, −200, 700, 800 → cum −1200, −500, +300 → 2 + 500/800', () => {
    expect(paybackPeriods([-1000, -200, 700, 800])).toBeCloseTo(2.625, 12);
  });

  it('returns null when the outlay is never recovered', () => {
    expect(paybackPeriods([-1000, 100, 100])).toBeNull();
  });

  it('discounted: −1000, +500 × 3 at 10 % → cum −545.45, −132.23 → 2 + 132.23/375.66 = 2.352', () => {
    // 500/1.1 = 454.545, 500/1.21 = 413.223, 500/1.331 = 375.657
    expect(discountedPaybackPeriods([-1000, 500, 500, 500], 0.1)!).toBeCloseTo(2 + 132.2314 / 375.6574, 4);
  });

  it('discounted payback is never sooner than simple payback for an outlay followed by inflows', () => {
    const f = [-500, 120, 180, 260, 300];
    expect(discountedPaybackPeriods(f, 0.08)!).toBeGreaterThan(paybackPeriods(f)!);
  });

  it('no outlay: payback 0', () => {
    expect(paybackPeriods([0, 10, 10])).toBe(0);
  });
});
