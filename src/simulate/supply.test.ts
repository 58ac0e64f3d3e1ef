/**
 * The ledger's flow columns split the energy balance by source and use (the allocation rule of
 * supply.ts): for random setpoints of storage, renewables taken, export and generators, every
 * identity holds at every step, and a one-way meter never imports and exports in the same step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSiteScenario, modelOf } from '../../test/helpers/load-site.ts';
import type { Dispatch } from './dispatch.ts';
import { simulate } from './engine.ts';

const H = 24;
const arr = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: H, maxLength: H });

describe('ledger flows (property)', () => {
  it('sum to the balance, import, export, charge and discharge at every step', () => {
    fc.assert(
      fc.property(
        fc.record({
          load: arr(0, 200),
          solar: fc.integer({ min: 0, max: 300 }),
          storage: arr(-80, 80),
          take: arr(0, 300),
          exportPlan: fc.option(arr(0, 150), { nil: undefined }),
          gen: arr(0, 60),
          oneWay: fc.boolean(),
          canExport: fc.boolean(),
          facilityShare: fc.boolean(),
        }),
        (x) => {
          const sc = loadSiteScenario({
            start: '2023-07-03T00:00',
            hours: H,
            loadKW: x.load,
            site: {
              grid: { importLimitKW: 1000, exportLimitKW: 100 },
              renewables: [{ id: 'pv', type: 'solar', capacityKW: x.solar, capacityFactor: { dailyProfile: Array.from({ length: 24 }, (_, h) => Math.max(0, Math.sin(((h - 6) * Math.PI) / 12))), unit: 'fraction' } }],
              storage: { energyKWh: 200, powerKW: 80 },
              generators: [{ id: 'g', fuel: 'diesel', capacityKW: 60, minLoadFraction: 0.3, fuelPrice: 1, canExport: x.canExport }],
              tariff: { energy: { type: 'flat', pricePerKWh: 0.1 }, export: { type: 'flat', pricePerKWh: 0.05 }, forbidSimultaneousImportExport: x.oneWay },
            },
          });
          if (x.facilityShare) ((sc.sites as Array<Record<string, unknown>>)[0]!.loads as Array<Record<string, unknown>>)[0]!.kind = 'facility';
          const model = modelOf(sc);
          const f = (a: number[]) => Float64Array.from(a);
          const d: Dispatch = {
            policy: 'random',
            jobs: [],
            inference: [],
            storageKW: [f(x.storage)],
            allowExport: [true],
            renewableTakeKW: [f(x.take)],
            exportKW: x.exportPlan ? [f(x.exportPlan)] : undefined,
            generatorKW: [[f(x.gen)]],
            notes: [],
          };
          const ledger = simulate(model, d);
          const L = ledger.sites[0]!;
          const near = (a: number, b: number, what: string, t: number) => expect(Math.abs(a - b), `${what} at step ${t}`).toBeLessThan(1e-6);
          expect(ledger.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
          for (let t = 0; t < H; t++) {
            const load = L.facilityKW[t]! + L.siteLoadKW[t]!;
            near(L.gridToLoadKW[t]! + L.gridToStorageKW[t]!, L.gridImportKW[t]!, 'grid import', t);
            near(L.renewableExportKW[t]! + L.storageToGridKW[t]! + L.generatorToGridKW[t]!, L.gridExportKW[t]!, 'grid export', t);
            near(L.renewableToLoadKW[t]! + L.renewableToStorageKW[t]!, L.renewableUsedKW[t]!, 'renewables used', t);
            near(L.renewableUsedKW[t]! + L.renewableExportKW[t]! + L.renewableCurtailedKW[t]!, L.renewableAvailableKW[t]!, 'renewables', t);
            near(L.renewableToStorageKW[t]! + L.generatorToStorageKW[t]! + L.gridToStorageKW[t]!, L.storageChargeKW[t]!, 'charge', t);
            near(L.storageToLoadKW[t]! + L.storageToGridKW[t]!, L.storageDischargeKW[t]!, 'discharge', t);
            near(L.generatorToLoadKW[t]! + L.generatorToStorageKW[t]! + L.generatorToGridKW[t]!, L.generatorKW[t]!, 'generator', t);
            near(L.gridToLoadKW[t]! + L.renewableToLoadKW[t]! + L.storageToLoadKW[t]! + L.generatorToLoadKW[t]! + L.shortfallKW[t]!, load, 'load', t);
            expect(L.storageChargeKW[t]! * L.storageDischargeKW[t]!).toBe(0);
            if (!x.canExport) expect(L.generatorToGridKW[t]).toBe(0);
            if (x.oneWay) expect(Math.min(L.gridImportKW[t]!, L.gridExportKW[t]!)).toBeLessThan(1e-9);
            const g = L.generatorKW[t]!;
            expect(g === 0 || g >= 18 - 1e-6 || ledger.corrections.some((c) => c.includes('turned below its minimum'))).toBe(true);
          }
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
  });
});
