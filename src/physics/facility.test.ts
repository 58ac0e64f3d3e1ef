import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { Facility } from '../scenario/schema/site.ts';
import { facilityCoefficients, pueAt, type FacilitySpec } from './facility.ts';

const ARCHETYPES = ['air', 'cold-plate', 'immersion'] as const;

function spec(archetype: (typeof ARCHETYPES)[number], extra: Record<string, unknown> = {}, facility: Record<string, unknown> = {}): FacilitySpec {
  return Facility.parse({ cooling: { archetype, ...extra }, ...facility });
}

describe('designPUE calibration', () => {
  // Feasible targets at the default design point (35 °C, 40 % RH, full load).
  const targets: Record<(typeof ARCHETYPES)[number], number[]> = {
    air: [1.22, 1.3, 1.45],
    'cold-plate': [1.21, 1.25, 1.4],
    immersion: [1.08, 1.1, 1.2],
  };
  for (const a of ARCHETYPES) {
    for (const target of targets[a]) {
      it(`${a}: PUE at the design point equals designPUE ${target}`, () => {
        const f = spec(a, { designPUE: target });
        expect(Math.abs(pueAt(f, 35, 40, 1, 2000) - target)).toBeLessThan(1e-9);
        const m = facilityCoefficients(f, 2000, undefined, 4, 'sites[0].facility');
        expect(m.design.pue).toBe(target);
        expect(m.design.k).toBeGreaterThanOrEqual(0);
      });
    }
  }

  it('holds at a part-load design point with a fixed load', () => {
    const f = spec('cold-plate', { designPUE: 1.3, designOutdoorC: 30, designRelativeHumidity: 60, designItLoadFraction: 0.6 }, { fixedOverheadKW: 50 });
    expect(Math.abs(pueAt(f, 30, 60, 0.6, 5000) - 1.3)).toBeLessThan(1e-9);
    // The fixed load weighs more at lower IT load.
    expect(pueAt(f, 30, 60, 0.3, 5000)).toBeGreaterThan(1.3);
  });

  it('rejects a designPUE below what the physics allows, giving the lowest possible value', () => {
    let err: unknown;
    try {
      facilityCoefficients(spec('air', { designPUE: 1.05 }), 1000, undefined, 1, 'sites[0].facility');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const ie = err as InputError;
    expect(ie.code).toBe('SCENARIO_INVALID');
    expect(ie.location.path).toBe('sites[0].facility.cooling.designPUE');
    const lowest = Number(/the lowest is ([0-9.]+)/.exec(ie.message)![1]);
    // That lowest value is reachable: calibrating to it gives k = 0.
    const m = facilityCoefficients(spec('air', { designPUE: lowest + 1e-4 }), 1000, undefined, 1, 'x');
    expect(m.design.k).toBeGreaterThanOrEqual(0);
    expect(m.design.k).toBeLessThan(0.01);
  });
});

describe('PUE physics (property)', () => {
  it('PUE ≥ 1 and non-decreasing in outdoor temperature', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ARCHETYPES),
        fc.option(fc.double({ min: 1, max: 2.5, noNaN: true }), { nil: undefined }),
        fc.double({ min: -30, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.9, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.constantFrom('dry', 'evaporative'),
        (a, designPUE, t, dt, rh, load, ups, fixedKW, heatRejection) => {
          const f = spec(a, { ...(designPUE !== undefined ? { designPUE } : {}), heatRejection }, { upsEfficiency: ups, fixedOverheadKW: fixedKW });
          let low: number;
          try {
            low = pueAt(f, t, rh, load, 1000);
          } catch (e) {
            // Only an unreachable designPUE may fail, and it must say so.
            expect(e).toBeInstanceOf(InputError);
            return;
          }
          expect(low).toBeGreaterThanOrEqual(1);
          expect(pueAt(f, t + dt, rh, load, 1000)).toBeGreaterThanOrEqual(low - 1e-12);
        },
      ),
    );
  });
});

describe('facilityCoefficients', () => {
  it('follows the weather step by step and agrees with pueAt', () => {
    const f = spec('air', {}, { fixedOverheadKW: 20 });
    const temperatureC = Float64Array.from([-5, 10, 22, 35]);
    const relativeHumidityPct = Float64Array.from([80, 60, 50, 40]);
    const m = facilityCoefficients(f, 1000, { temperatureC, relativeHumidityPct }, 4, 'sites[0].facility');
    expect(m.assumedTemperatureC).toBeUndefined();
    expect(m.lossSlope).toBeCloseTo(1 / 0.97 - 1 + 0.015, 12);
    expect(m.fixedKW).toBe(20);
    for (let i = 0; i < 4; i++) {
      const pue = 1 + m.lossSlope + m.coolingSlope[i]! + 20 / 1000;
      expect(pue).toBeCloseTo(pueAt(f, temperatureC[i]!, relativeHumidityPct[i]!, 1, 1000), 12);
    }
    expect(m.coolingSlope[0]).toBeLessThan(m.coolingSlope[3]!);
  });

  it('assumes designOutdoorC − 15 °C without weather and says so', () => {
    const f = spec('immersion', { designOutdoorC: 32 });
    const m = facilityCoefficients(f, 1000, undefined, 3, 'x');
    expect(m.assumedTemperatureC).toBe(17);
    expect([...m.coolingSlope]).toEqual([m.coolingSlope[0], m.coolingSlope[0], m.coolingSlope[0]]);
    expect(1 + m.lossSlope + m.coolingSlope[0]!).toBeCloseTo(pueAt(f, 17, 40, 1, 1000), 12);
  });

  it('reports a weather gap as a series error', () => {
    const temperatureC = Float64Array.from([10, Number.NaN]);
    expect(() => facilityCoefficients(spec('air'), 1000, { temperatureC, relativeHumidityPct: Float64Array.from([50, 50]) }, 2, 'sites[0]')).toThrow(/step 1/);
  });
});
