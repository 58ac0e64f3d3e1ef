import { describe, expect, it } from 'vitest';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { eventSegments, startResponse } from '../programs/response.ts';
import { totalKW } from '../programs/levers.ts';
import { simulate } from '../simulate/engine.ts';
import { respondEvent } from './respond-event.ts';
import { runPolicy } from './run-policy.ts';
import { loadScenarioInput } from './scenario-input.ts';

// A 256-GPU cluster whose only job may not lose work (QoS floor 1), and a 200 kWh / 100 kW
// battery at half charge (100 kWh) with a 10 % floor (20 kWh) and 95 % discharge efficiency.
const SITE = `
name: tiny
currency: USD
horizon: { start: 2025-05-03T12:00, end: 2025-05-03T18:00, stepMinutes: 60, timeZone: UTC }
sites:
  - id: tiny
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1 }
    it: [{ accelerator: A100, gpus: 256 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    storage: { energyMWh: 0.2, powerMW: 0.1 }
    tariff: { energy: { type: flat, pricePerMWh: 80 } }
workloads:
  - { id: train, type: training, accelerator: A100, sites: [tiny], workGpuHours: 100000, gpus: { max: 256 }, continuous: true, qosFloor: 1 }
`;

describe('the event-window LP of one site', () => {
  it('uses the battery as far as its state of charge allows over the window, worked by hand', async () => {
    const loaded = loadScenarioInput({ text: SITE, baseDir: '.' });
    const deps = { solverFactory: defaultSolverFactory };
    const base = await runPolicy(loaded, 'naive', deps);
    const model = loaded.model;
    // event steps 2–3 (14:00–16:00): 90 kW wanted in the first hour, nothing in the second
    const r = await respondEvent({ model, base: base.dispatch, baseLedger: base.ledger, site: 0 }, { id: 'e1', startStep: 2, endStep: 4, requiredKW: Float64Array.from([90, 0]) }, deps);
    // by hand: (100 − 20) kWh × 0.95 = 76 kWh reach the meter; all of it in the first hour
    expect(r.plannedKW[0]).toBeCloseTo(76, 6);
    expect(r.plannedKW[1]).toBeCloseTo(0, 6);
    expect(r.shortKW[0]).toBeCloseTo(14, 6);
    expect(r.expectedSocKWh![0]).toBeCloseTo(20, 6);
    expect(r.setpoints.storageKW![0]).toBeCloseTo(-76, 3);
    // the per-step merit order spreads the energy evenly: 38 kW a step
    const state = startResponse(model, base.dispatch, base.ledger, [{ startStep: 2, endStep: 4, sites: [0] }]);
    expect(totalKW(eventSegments(state, 2, 4, 'reduce', [0])[0]![0]!)).toBeCloseTo(38, 6);
    // the setpoints are physical: simulating them gives the import the VEN expects
    const after = simulate(model, r.dispatch);
    for (let q = 0; q < 2; q++) expect(after.sites[0]!.gridImportKW[2 + q]).toBeCloseTo(r.expectedImportKW[q]!, 3);
    expect(base.ledger.sites[0]!.gridImportKW[2]! - after.sites[0]!.gridImportKW[2]!).toBeCloseTo(76, 3);
  });
});
