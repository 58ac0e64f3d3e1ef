import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { savingsAgainst } from './savings.ts';
import type { Summary } from './summary.ts';

const model = { grid: { startMs: 0, stepMinutes: 60, steps: 2, timeZone: 'UTC' }, sites: [{ index: 0 }] } as unknown as FleetModel;

function run(policy: string, f: { importKW: number[]; charge?: number[]; discharge?: number[]; price: number[]; exportKW?: number[]; exportPrice?: number[]; itMWh: number; pue: number; wear?: number; demand?: number; jobs?: Summary['jobs'] }) {
  const n = 2;
  const z = () => new Float64Array(n);
  const L = {
    gridImportKW: Float64Array.from(f.importKW), gridExportKW: Float64Array.from(f.exportKW ?? [0, 0]),
    storageChargeKW: Float64Array.from(f.charge ?? [0, 0]), storageDischargeKW: Float64Array.from(f.discharge ?? [0, 0]),
    importPrice: Float64Array.from(f.price), exportPrice: Float64Array.from(f.exportPrice ?? [0, 0]), itKW: z(),
  };
  const energy = f.importKW.reduce((a, kw, t) => a + (kw / 1000) * f.price[t]!, 0);
  const exportCredit = -(f.exportKW ?? [0, 0]).reduce((a, kw, t) => a + (kw / 1000) * (f.exportPrice ?? [0, 0])[t]!, 0);
  const breakdown = { energy, demand: f.demand ?? 0, capacity: 0, exportCredit, pueAdjustment: 0, certificates: 0, renewableSupply: 0, carbon: 0 };
  const total = Object.values(breakdown).reduce((a, x) => a + x, 0);
  const summary = {
    policy,
    fleet: { energyCost: total, storageDegradationCost: f.wear ?? 0, energyCostBreakdown: breakdown, gridImportMWh: f.importKW.reduce((a, x) => a + x, 0) / 1000, itEnergyMWh: f.itMWh, pue: f.pue, co2Tonnes: 0 },
    jobs: f.jobs ?? [],
  } as unknown as Summary;
  return { summary, ledger: { sites: [L] } as unknown as Ledger };
}

const job = (performance: number, doneGpuHours: number, late = false) => ({ id: 'train', type: 'training', doneGpuHours, performance, late } as Summary['jobs'][number]);

describe('savings by cause (worked by hand)', () => {
  it('credits a battery with its net discharge at the step price, less wear; the rest is shifting', () => {
    // base: 100 kW both hours at 50 and 150 per MWh = 5 + 15 = 20
    const base = run('naive', { importKW: [100, 100], price: [50, 150], itMWh: 0.16, pue: 1.25 });
    // plan: the battery charges 50 kW in hour 0 and gives back 40 kW in hour 1: 7.5 + 9 = 16.5; wear 0.5
    const plan = run('optimal', { importKW: [150, 60], charge: [50, 0], discharge: [0, 40], price: [50, 150], itMWh: 0.16, pue: 1.25, wear: 0.5 });
    const s = savingsAgainst(model, base, plan);
    // net discharge −50 kWh × 50 + 40 kWh × 150 = −2.5 + 6 = 3.5, less 0.5 wear
    expect(s.byCause.storage).toBe(3);
    expect(s.byCause.energyShifting).toBe(0);
    expect(s.byCause.throttling).toBe(0);
    expect(s.total).toBe(3); // 20 − (16.5 + 0.5)
  });

  it('counts IT energy saved for the same work as throttling, at the base\'s average price and PUE', () => {
    const base = run('naive', { importKW: [100, 100], price: [50, 150], itMWh: 0.16, pue: 1.25, jobs: [job(1, 10)] });
    // the plan draws 20 kWh less IT energy (25 kWh at the meter with PUE 1.25) in the dear hour, same work
    const plan = run('optimal', { importKW: [100, 75], price: [50, 150], itMWh: 0.14, pue: 1.25, jobs: [job(0.8, 10)] });
    const s = savingsAgainst(model, base, plan);
    // average base price 20 / 0.2 MWh = 100; 0.02 MWh IT × 1.25 × 100 = 2.5
    expect(s.byCause.throttling).toBe(2.5);
    // the energy line fell by 0.025 × 150 = 3.75: the remaining 1.25 is the dear hour it avoided
    expect(s.byCause.energyShifting).toBe(1.25);
    expect(s.total).toBe(3.75);
    expect(s.slowerOnTime).toEqual([{ id: 'train', performanceBase: 1, performance: 0.8 }]);
  });

  it('separates export credit, demand charges and the battery\'s exports, and they add up', () => {
    const base = run('greedy', { importKW: [100, 100], price: [50, 150], itMWh: 0.16, pue: 1.25, demand: 10 });
    // the plan exports 30 kW in hour 1 (20 of it from the battery) at 200 per MWh and lowers its peak
    const plan = run('optimal', { importKW: [120, 0], exportKW: [0, 30], exportPrice: [0, 200], charge: [20, 0], discharge: [0, 20], price: [50, 150], itMWh: 0.16, pue: 1.25, demand: 4 });
    const s = savingsAgainst(model, base, plan);
    expect(s.base).toBe('greedy');
    expect(s.byCause.demandCharges).toBe(6);
    // battery: −20 kWh at 50 (importing) + 20 kWh at 200 (exporting) = −1 + 4 = 3
    expect(s.byCause.storage).toBe(3);
    // export credit 30 kWh × 200 = 6, of which 4 is the battery's
    expect(s.byCause.export).toBe(2);
    const sum = Object.values(s.byCause).reduce((a, x) => a + x, 0);
    expect(sum).toBeCloseTo(s.total, 9);
    expect(s.slowerOnTime).toEqual([]);
  });

  it('does not call a job slower-but-on-time when it did less work or finished late', () => {
    const base = run('naive', { importKW: [100, 100], price: [50, 150], itMWh: 0.16, pue: 1.25, jobs: [job(1, 10)] });
    expect(savingsAgainst(model, base, run('optimal', { importKW: [100, 90], price: [50, 150], itMWh: 0.15, pue: 1.25, jobs: [job(0.9, 9)] })).slowerOnTime).toEqual([]);
    expect(savingsAgainst(model, base, run('optimal', { importKW: [100, 90], price: [50, 150], itMWh: 0.15, pue: 1.25, jobs: [job(0.9, 10, true)] })).slowerOnTime).toEqual([]);
  });
});
