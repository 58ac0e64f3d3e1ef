import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Storage } from '../scenario/schema/site.ts';
import { stepStorage, storageModel } from './storage.ts';

describe('storage', () => {
  // 10 MWh, 5 MW, ηc = ηd = 0.95, SoC 10–95 %, starting at 10 %.
  const model = storageModel(Storage.parse({ energyMWh: 10, powerMW: 5, socInitialFraction: 0.1, degradationCostPerMWh: 20 }));

  it('converts to kW and kWh', () => {
    expect(model).toEqual({
      energyKWh: 10_000,
      powerKW: 5000,
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      socMinKWh: 1000,
      socMaxKWh: 9500,
      socInitialKWh: 1000,
      degradationCostPerKWh: 0.02,
      // default end state: at least the initial state of charge
      endSoc: { minKWh: 1000, maxKWh: 9500 },
    });
  });

  it('takes the end state from the spec, in kWh (and accepts kWh and kW)', () => {
    const spec = (endState: unknown) => storageModel(Storage.parse({ energyKWh: 200, powerKW: 50, socInitialFraction: 0.5, endState }));
    expect(spec({ type: 'free' }).endSoc).toEqual({ minKWh: 20, maxKWh: 190 });
    expect(spec({ type: 'equalStart' }).endSoc).toEqual({ minKWh: 100, maxKWh: 100 });
    expect(spec({ type: 'atLeast', socFraction: 0.8 }).endSoc).toEqual({ minKWh: 160, maxKWh: 190 });
    expect(spec(undefined).endSoc).toEqual({ minKWh: 100, maxKWh: 190 });
    expect(spec({ type: 'free' }).powerKW).toBe(50);
    expect(Storage.safeParse({ energyKWh: 200, energyMWh: 0.2, powerKW: 50 }).success).toBe(false);
    expect(Storage.safeParse({ energyKWh: 200, powerKW: 50, endState: { type: 'atLeast', socFraction: 0.99 } }).success).toBe(false);
  });

  it('runs a hand-worked charge/discharge cycle', () => {
    // Charge 5 MW for 1 h: SoC 1000 + 5000 × 0.95 = 5750 kWh.
    const s1 = stepStorage(model, 1000, 5000, 1);
    expect(s1).toEqual({ chargeKW: 5000, dischargeKW: 0, socKWh: 5750 });
    // Another hour: only 9500 − 5750 = 3750 kWh of room → charge 3750 / 0.95 = 3947.37 kW, SoC at 9500.
    const s2 = stepStorage(model, s1.socKWh, 5000, 1);
    expect(s2.chargeKW).toBeCloseTo(3947.368421, 5);
    expect(s2.socKWh).toBe(9500);
    // Discharge 5 MW for 1 h: SoC falls by 5000 / 0.95 = 5263.16 → 4236.84 kWh.
    const s3 = stepStorage(model, s2.socKWh, -5000, 1);
    expect(s3.dischargeKW).toBe(5000);
    expect(s3.socKWh).toBeCloseTo(4236.842105, 5);
    // Next hour only 3236.84 kWh remain above the floor → 3236.84 × 0.95 = 3075 kW delivered.
    const s4 = stepStorage(model, s3.socKWh, -5000, 1);
    expect(s4.dischargeKW).toBeCloseTo(3075, 6);
    expect(s4.socKWh).toBe(1000);
    // Round trip: (5000 + 3075) / (5000 + 3947.37) = 0.9025 = 0.95².
    expect((s3.dischargeKW + s4.dischargeKW) / (s1.chargeKW + s2.chargeKW)).toBeCloseTo(0.9025, 9);
  });

  it('does nothing on a zero request or a zero-length step', () => {
    expect(stepStorage(model, 3000, 0, 1)).toEqual({ chargeKW: 0, dischargeKW: 0, socKWh: 3000 });
    expect(stepStorage(model, 3000, 2000, 0)).toEqual({ chargeKW: 0, dischargeKW: 0, socKWh: 3000 });
  });

  it('never leaves the SoC bounds or exceeds the power limit (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: -200_000, max: 200_000, noNaN: true }), fc.constantFrom(0.25, 0.5, 1)), { minLength: 1, maxLength: 50 }),
        (energyMWh, powerMW, ec, ed, requests) => {
          const m = storageModel(Storage.parse({ energyMWh, powerMW, chargeEfficiency: ec, dischargeEfficiency: ed }));
          let soc = m.socInitialKWh;
          for (const [req, h] of requests) {
            const s = stepStorage(m, soc, req, h);
            expect(s.chargeKW).toBeGreaterThanOrEqual(0);
            expect(s.dischargeKW).toBeGreaterThanOrEqual(0);
            expect(s.chargeKW * s.dischargeKW).toBe(0);
            expect(Math.max(s.chargeKW, s.dischargeKW)).toBeLessThanOrEqual(m.powerKW + 1e-9);
            expect(s.socKWh).toBeGreaterThanOrEqual(m.socMinKWh - 1e-9);
            expect(s.socKWh).toBeLessThanOrEqual(m.socMaxKWh + 1e-9);
            expect(s.socKWh - soc).toBeCloseTo((s.chargeKW * m.chargeEfficiency - s.dischargeKW / m.dischargeEfficiency) * h, 6);
            soc = s.socKWh;
          }
        },
      ),
    );
  });
});
