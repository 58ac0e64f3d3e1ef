import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Facility } from '../scenario/schema/site.ts';
import { chillerCop, coolingPerKWIt, cracCop, mechanicalFraction, resolveCooling } from './cooling.ts';
import { pueAt } from './facility.ts';
import { wetBulbStullC } from './psychrometrics.ts';

describe('wet-bulb temperature (Stull 2011)', () => {
  it('gives 13.7 °C at 20 °C and 50 % RH, the worked example of the paper', () => {
    expect(wetBulbStullC(20, 50)).toBeCloseTo(13.7, 1);
  });

  it('never exceeds the dry bulb and rises with temperature (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 50, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (t, dt, rh) => {
        expect(wetBulbStullC(t, rh)).toBeLessThanOrEqual(t);
        expect(wetBulbStullC(t + dt, rh)).toBeGreaterThanOrEqual(wetBulbStullC(t, rh) - 1e-12);
      }),
    );
  });
});

describe('cooling loop pieces', () => {
  it('free cooling: none above the band, partial within it, full below supply − approach', () => {
    expect(mechanicalFraction(32, 26, 6, 10)).toBe(0);
    expect(mechanicalFraction(32, 30, 6, 10)).toBeCloseTo(0.4, 12);
    expect(mechanicalFraction(32, 40, 6, 10)).toBe(1);
    expect(mechanicalFraction(32, 26.1, 6, 0)).toBe(1);
  });

  it('chiller COP is a Carnot fraction of the lift, clamped to 2–15', () => {
    expect(chillerCop(20, 30, 15, 0.45)).toBeCloseTo((0.45 * 293.15) / 25, 12);
    expect(chillerCop(20, 0, 15, 0.45)).toBe(15);
    expect(chillerCop(20, 80, 15, 0.45)).toBe(2); // 131.9 / 75 = 1.76 → 2
  });

  it('the reference CRAC curve gives COP(20 °C) = 3.19 (numbers.md check value)', () => {
    expect(cracCop(20)).toBeCloseTo(3.19, 2);
    expect(cracCop(15)).toBeCloseTo(2.0, 1);
  });
});

describe('hand-worked cooling case', () => {
  // Cold-plate archetype defaults, dry heat rejection, at 30 °C outdoor; UPS 96 %, 1 % distribution,
  // no fixed load, no designPUE (k = 1).
  //   lossSlope = 1/0.96 − 1 + 0.01                      = 0.0516667
  //   liquid loop (32 °C supply, 75 % of IT heat):
  //     free cooling up to 32 − 6 = 26 °C, band 10 °C → mechanical share (30 − 26)/10 = 0.4
  //     COP = 0.45 × 305.15 / (30 + 15 − 32)          = 10.562885
  //     per kW heat: 0.03 (pumps) + 0.4 / 10.562885   = 0.03 + 0.0378685
  //   air loop (20 °C supply, heat 0.25 + 0.0516667 = 0.3016667 per kW IT):
  //     free cooling up to 14 °C, fully mechanical at 24 °C → share 1
  //     COP = 0.45 × 293.15 / (30 + 15 − 20)          = 5.2767
  //     per kW heat: 0.08 (fans, pumps) + 1 / 5.2767  = 0.08 + 0.1895124
  //   fans and pumps = 0.75 × 0.03 + 0.3016667 × 0.08  = 0.0466333
  //   chillers       = 0.75 × 0.0378685 + 0.3016667 × 0.1895124 = 0.0855708
  //   PUE = 1 + 0.0516667 + 0.0466333 + 0.0855708     = 1.1838708
  const facility = Facility.parse({ cooling: { archetype: 'cold-plate' }, upsEfficiency: 0.96, distributionLossFraction: 0.01 });

  it('matches the numbers written out above', () => {
    const c = coolingPerKWIt(resolveCooling(facility.cooling), 1 / 0.96 - 1 + 0.01, 30, 50);
    expect(c.fanPump).toBeCloseTo(0.0466333, 6);
    expect(c.mechanical).toBeCloseTo(0.0855708, 6);
    expect(pueAt(facility, 30, 50, 1, 1000)).toBeCloseTo(1.1838708, 6);
  });

  it('ignores humidity with dry heat rejection and uses the wet bulb with evaporative', () => {
    expect(pueAt(facility, 30, 10, 1, 1000)).toBe(pueAt(facility, 30, 90, 1, 1000));
    const evap = Facility.parse({ cooling: { archetype: 'air' } });
    expect(pueAt(evap, 30, 20, 1, 1000)).toBeLessThan(pueAt(evap, 30, 80, 1, 1000));
  });
});
