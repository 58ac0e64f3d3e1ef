import { describe, expect, it } from 'vitest';
import { settleDay } from './settlement.ts';

describe('settleDay (two-settlement accounting), a day worked by hand', () => {
  // two hourly products of four 15-minute steps each
  const products = [
    { from: 0, to: 4, startMs: 0 },
    { from: 4, to: 8, startMs: 3_600_000 },
  ];
  const base = {
    day: '2021-06-15',
    products,
    stepHours: 0.25,
    awardMW: [10, 5],
    dayAheadPrice: [30, 100],
    realTime: [20, 40, 50, 10, 200, 200, 200, 200],
    meteredKW: [10_000, 10_000, 12_000, 12_000, 4000, 4000, 4000, 4000],
  };

  it('award at the day-ahead price, deviations at the real-time price', () => {
    const s = settleDay(base);
    // hour 1: 10 MW × 30 × 1 h = 300; deviations (0, 0, 2, 2) MW × (20, 40, 50, 10) × ¼ h = 30
    // hour 2: 5 MW × 100 = 500; deviations −1 MW × 200 × ¼ h × 4 = −200 (sold back at real time)
    expect(s.products[0]).toMatchObject({ dayAheadCost: 300, realTimeCost: 30, meteredMWh: 11, deviationMWh: 1 });
    expect(s.products[1]).toMatchObject({ dayAheadCost: 500, realTimeCost: -200, meteredMWh: 4, deviationMWh: -1 });
    expect(s.dayAheadCost).toBe(800);
    expect(s.realTimeCost).toBe(-170);
    expect(s.cost).toBe(630);
    expect(s.awardMWh).toBe(15);
    expect(s.meteredMWh).toBe(15);
    expect(s.absDeviationMWh).toBe(2);
    // conservation: the energy bought day-ahead plus the deviations is what the meter saw
    expect(s.awardMWh + s.products.reduce((a, p) => a + p.deviationMWh, 0)).toBeCloseTo(s.meteredMWh, 12);
  });

  it('deviation beyond the tolerance band pays the penalty; reserve pay is withheld for what was not delivered', () => {
    const s = settleDay({
      ...base,
      band: { toleranceFraction: 0.1, penaltyPerMWh: 50 },
      reserves: [{ offerMW: [2, 0], price: [8, 8, 8, 8, 8, 8, 8, 8], deliveredShare: [0.5, 1] }],
    });
    // hour 1: |1| − 0.1 × 10 = 0 → no penalty; hour 2: |−1| − 0.1 × 5 = 0.5 MWh × 50 = 25
    expect(s.products.map((p) => p.bandPenalty)).toEqual([0, 25]);
    // 2 MW × 8 per MW-h × 1 h = 16, half delivered: 8 paid, 8 withheld
    expect(s.reserveRevenue).toBe(8);
    expect(s.reserveWithheld).toBe(8);
    expect(s.cost).toBe(800 - 170 + 25 - 8);
  });
});
