import { describe, expect, it } from 'vitest';
import { runPolicy } from '../app/run-policy.ts';
import { loadScenarioInput } from '../app/scenario-input.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { resolveProgram } from '../programs/program.ts';
import { respondEvent } from '../respond/respond-event.ts';
import { simulate } from '../simulate/engine.ts';
import { splitExportLimit } from './export-split.ts';

const deps = { solverFactory: defaultSolverFactory };

/** A site in Phoenix exporting solar (no battery), with a training job of 64 A100s. */
const exporter = (id: string, pvMW: number) => `
  - id: ${id}
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 64 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    renewables: [{ id: pv, type: solar, capacityMW: ${pvMW}, capacityFactor: { constant: 0.5 } }]
    tariff: { energy: { type: flat, pricePerMWh: 80 }, export: { type: flat, pricePerMWh: 30 } }`;

/** Two exporting sites, hourly from 12:00Z, and a peak-shaving program. */
const TWO_SITES = `
name: two-exporters
currency: USD
horizon: { start: 2025-05-03T12:00, end: 2025-05-03T18:00, stepMinutes: 60, timeZone: UTC }
sites:${exporter('capped', 1)}${exporter('flat', 0.6)}
workloads:
  - { id: train-capped, type: training, accelerator: A100, sites: [capped], workGpuHours: 100000, gpus: { max: 64 }, continuous: true, qosFloor: 0.5 }
  - { id: train-flat, type: training, accelerator: A100, sites: [flat], workGpuHours: 100000, gpus: { max: 64 }, continuous: true, qosFloor: 0.5 }
gridPrograms:
  programs:
    - id: flex
      kind: peakShaving
      measurementIntervalMinutes: 60
      baseline: { method: meter-before, meterBeforeHours: 1 }
`;

describe('the split of a fleet export limit', () => {
  it('asks first the site that can use the power (a capped job uncapped), then shares the rest by export left', async () => {
    const loaded = loadScenarioInput({ text: TWO_SITES, baseDir: '.' });
    const { model } = loaded;
    const naive = (await runPolicy(loaded, 'naive', deps)).dispatch;
    // the plan runs the first site's job capped at 250 W per GPU
    const capW = 250;
    const base = { ...naive, allowExport: model.sites.map(() => true), jobs: naive.jobs.map((a) => (a.site === 0 ? { ...a, gpuPowerW: new Float64Array(model.grid.steps).fill(capW) } : a)) };
    const ledger = simulate(model, base);
    // what uncapping adds, measured by the simulator: the first site's export with the job at full power
    const uncapped = simulate(model, { ...base, jobs: naive.jobs });
    const [C, F] = ledger.sites;
    const t = 3;
    const gainKW = C!.gridExportKW[t]! - uncapped.sites[0]!.gridExportKW[t]!;
    expect(gainKW).toBeGreaterThan(10);
    expect(C!.renewableCurtailedKW[t]).toBe(0);
    // the fleet's export 100 kW below what uncapping alone takes off, one hour
    const exported = C!.gridExportKW[t]! + F!.gridExportKW[t]!;
    const limitKW = exported - gainKW - 100;
    const startMs = model.grid.startMs + t * 3_600_000;
    const { program } = resolveProgram(model);
    const split = splitExportLimit(model, base, ledger, program, { id: 'cap', direction: 'reduce', startMs, endMs: startMs + 3_600_000, targets: [], source: 'test', path: 'event' }, [{ startMs, endMs: startMs + 3_600_000, limitKW }]);
    const [cut0, cut1] = split.sites.map((sh) => sh.amountKW[0]!);
    // by hand: the capped site takes the uncapping first; the last 100 kW by the export each site has left
    const left0 = C!.gridExportKW[t]! - gainKW;
    const left1 = F!.gridExportKW[t]!;
    expect(cut0).toBeCloseTo(gainKW + (100 * left0) / (left0 + left1), 6);
    expect(cut1).toBeCloseTo((100 * left1) / (left0 + left1), 6);
    expect(split.sites[0]!.limitKW[0]! + split.sites[1]!.limitKW[0]!).toBeCloseTo(limitKW, 6);
    // the capped site's VEN keeps under its limit by uncapping, and curtails only the rest
    const r = await respondEvent({ model, base, baseLedger: ledger, site: 0 }, { id: 'cap', startStep: t, endStep: t + 1, requiredKW: new Float64Array(1), exportLimitKW: Float64Array.from([split.sites[0]!.limitKW[0]!]) }, deps);
    expect(r.setpoints.jobs[0]!.gpuPowerW[0]).toBeCloseTo(model.workloads[0]!.fullPower.gpuPowerW, 3);
    expect(r.expectedExportKW[0]).toBeCloseTo(split.sites[0]!.limitKW[0]!, 3);
    // and the simulator agrees: the response's export at the limit (uncapped, the rest curtailed)
    expect(simulate(model, r.dispatch).sites[0]!.gridExportKW[t]).toBeCloseTo(split.sites[0]!.limitKW[0]!, 3);
  });
});
