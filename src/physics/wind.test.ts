import { describe, expect, it } from 'vitest';
import { powerCurveFraction, windAtHub, windCapacityFactor } from './wind.ts';

describe('wind', () => {
  it('scales speed to hub height by the power law', () => {
    // 5 m/s at 10 m, α = 0.143, hub 100 m: 5 × 10^0.143 = 6.95 m/s
    expect(windAtHub(5, 10, 100, 0.143)).toBeCloseTo(5 * 10 ** 0.143, 12);
    expect(windAtHub(5, 10, 100, 0.143)).toBeCloseTo(6.95, 2);
    expect(windAtHub(7, 100, 100, 0.2)).toBe(7);
  });

  it('follows the generic power curve at known points', () => {
    // cut-in 3, rated 12, cut-out 25
    expect(powerCurveFraction(2.9, 3, 12, 25)).toBe(0);
    expect(powerCurveFraction(3, 3, 12, 25)).toBe(0);
    expect(powerCurveFraction(7.5, 3, 12, 25)).toBeCloseTo((7.5 ** 3 - 27) / (1728 - 27), 12); // 0.23214
    expect(powerCurveFraction(12, 3, 12, 25)).toBe(1);
    expect(powerCurveFraction(25, 3, 12, 25)).toBe(1);
    expect(powerCurveFraction(25.1, 3, 12, 25)).toBe(0);
  });

  it('applies shear, the curve and losses per step with the schema defaults', () => {
    // Defaults: hub 100 m, α = 0.143, cut-in 3, rated 12, cut-out 25, losses 10 %.
    const speeds = Float64Array.from([0, 2, 5, 9, 20, 30, Number.NaN]);
    const cf = windCapacityFactor(speeds, 10, {});
    const hub = (v: number) => v * 10 ** 0.143;
    expect(cf[0]).toBe(0);
    expect(cf[1]).toBe(0); // 2 m/s → 2.78 m/s at hub, below cut-in
    expect(cf[2]).toBeCloseTo(((hub(5) ** 3 - 27) / (1728 - 27)) * 0.9, 12); // 6.95 m/s → 0.1848
    expect(cf[3]).toBeCloseTo(0.9, 12); // 12.5 m/s at hub: rated
    expect(cf[4]).toBe(0); // 27.8 m/s at hub: storm shutdown
    expect(cf[5]).toBe(0);
    expect(cf[6]).toBe(0);
  });

  it('uses the given measurement height and parameters', () => {
    const cf = windCapacityFactor(Float64Array.from([8]), 100, { lossesFraction: 0, cutInMS: 4, ratedMS: 13 });
    expect(cf[0]).toBeCloseTo((512 - 64) / (2197 - 64), 12);
  });
});
