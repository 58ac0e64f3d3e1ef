import { describe, expect, it } from 'vitest';
import { contractActive, contractPrice, takeOrPay } from './contracts.ts';

describe('take-or-pay', () => {
  it('bills the minimum when the volume is below it (the minimum binds)', () => {
    expect(takeOrPay(4000, 6000, 2.5)).toEqual({ billedVolume: 6000, shortfallVolume: 2000, revenue: 15_000, shortfallRevenue: 5000 });
  });

  it('bills the volume when it exceeds the minimum', () => {
    expect(takeOrPay(9000, 6000, 2.5)).toEqual({ billedVolume: 9000, shortfallVolume: 0, revenue: 22_500, shortfallRevenue: 0 });
  });

  it('a zero minimum is pay-as-you-go', () => {
    expect(takeOrPay(0, 0, 3).revenue).toBe(0);
  });
});

describe('contract term and escalation', () => {
  const c = { price: 2, escalation: 0.05, startYear: 2, tenorYears: 3 };

  it('is active from its start year for its tenor', () => {
    expect([1, 2, 3, 4, 5].map((y) => contractActive(c, y))).toEqual([false, true, true, true, false]);
  });

  it('escalates yearly from its first year', () => {
    expect(contractPrice(c, 2)).toBeCloseTo(2, 12);
    expect(contractPrice(c, 4)).toBeCloseTo(2 * 1.05 ** 2, 12);
  });
});
