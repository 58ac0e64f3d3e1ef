import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventSegments, startResponse } from '../programs/response.ts';
import { totalKW } from '../programs/levers.ts';
import { simulate } from '../simulate/engine.ts';
import { BATCH_SITE, deps, naiveSiteState, ROOM_KWH, SUNNY_SITE, TINY_SITE } from '../../test/helpers/event-sites.ts';
import { respondEvent } from './respond-event.ts';

// TINY_SITE: 256 GPUs whose only job may not lose work, a 200 kWh / 100 kW battery at half charge
// (100 kWh) with a 10 % floor (20 kWh) and 95 % discharge efficiency
describe('the event-window LP of one site', () => {
  it('uses the battery as far as its state of charge allows over the window, worked by hand', async () => {
    const state = await naiveSiteState(TINY_SITE);
    const { model } = state;
    // event steps 2–3 (14:00–16:00): 90 kW wanted in the first hour, nothing in the second
    const r = await respondEvent(state, { id: 'e1', startStep: 2, endStep: 4, requiredKW: Float64Array.from([90, 0]) }, deps);
    // by hand: (100 − 20) kWh × 0.95 = 76 kWh reach the meter; all of it in the first hour
    expect(r.plannedKW[0]).toBeCloseTo(76, 6);
    expect(r.plannedKW[1]).toBeCloseTo(0, 6);
    expect(r.shortKW[0]).toBeCloseTo(14, 6);
    expect(r.expectedSocKWh![0]).toBeCloseTo(20, 6);
    expect(r.setpoints.storageKW![0]).toBeCloseTo(-76, 3);
    // the per-step merit order spreads the energy evenly: 38 kW a step
    const response = startResponse(model, state.base, state.baseLedger, [{ startStep: 2, endStep: 4, sites: [0] }]);
    expect(totalKW(eventSegments(response, 2, 4, 'reduce', [0])[0]![0]!)).toBeCloseTo(38, 6);
    // the setpoints are physical: simulating them gives the import the VEN expects
    const after = simulate(model, r.dispatch);
    for (let q = 0; q < 2; q++) expect(after.sites[0]!.gridImportKW[2 + q]).toBeCloseTo(r.expectedImportKW[q]!, 3);
    expect(state.baseLedger.sites[0]!.gridImportKW[2]! - after.sites[0]!.gridImportKW[2]!).toBeCloseTo(76, 3);
  });
});

// battery by hand: 100 kWh stored, at most 190 kWh (95 % of 200): 90 kWh of room, ROOM_KWH = 90 / 0.95 = 94.737 kWh drawn
describe('the event-window LP when the grid wants more consumption or less export', () => {
  it('a setpoint above the plan charges the battery up to its room, the rest is short, worked by hand', async () => {
    const state = await naiveSiteState(TINY_SITE);
    const { model } = state;
    const L = state.baseLedger.sites[0]!;
    const r = await respondEvent(state, { id: 'fill', startStep: 2, endStep: 3, requiredKW: new Float64Array(1), increaseKW: Float64Array.from([150]) }, deps);
    expect(r.increase[0]).toBe(1);
    expect(r.plannedKW[0]).toBeCloseTo(-ROOM_KWH, 4);
    expect(r.shortKW[0]).toBeCloseTo(150 - ROOM_KWH, 4);
    expect(r.expectedSocKWh![0]).toBeCloseTo(190, 6);
    expect(r.setpoints.storageKW![0]).toBeCloseTo(ROOM_KWH, 3);
    const after = simulate(model, r.dispatch);
    expect(after.sites[0]!.gridImportKW[2]! - L.gridImportKW[2]!).toBeCloseTo(ROOM_KWH, 3);
    expect(after.sites[0]!.socKWh[2]).toBeCloseTo(190, 3);
  });

  it('a negative price moves consumption into the cheapest step, worked by hand', async () => {
    const state = await naiveSiteState(TINY_SITE);
    // −20 and −50 USD/MWh against a flat 80: both steps earn, the second more; the room goes there
    const r = await respondEvent(state, { id: 'neg', startStep: 2, endStep: 4, requiredKW: new Float64Array(2), valuePerMWh: Float64Array.from([-20, -50]) }, deps);
    expect(Array.from(r.increase)).toEqual([1, 1]);
    expect(r.plannedKW[0]).toBeCloseTo(0, 4);
    expect(r.plannedKW[1]).toBeCloseTo(-ROOM_KWH, 4);
    expect(r.expectedSocKWh![1]).toBeCloseTo(190, 6);
    // a price above the flat 80 is a reduction step: the battery discharges instead
    const high = await respondEvent(state, { id: 'high', startStep: 2, endStep: 3, requiredKW: new Float64Array(1), valuePerMWh: Float64Array.from([500]) }, deps);
    expect(high.increase[0]).toBe(0);
    expect(high.plannedKW[0]).toBeCloseTo(76, 4);
  });

  it('an export limit is met by charging the battery, then by curtailing, worked by hand', async () => {
    // the naive plan with export allowed
    const state = await naiveSiteState(SUNNY_SITE, { allowExport: true });
    const { model } = state;
    const L = state.baseLedger.sites[0]!;
    // the plan exports what the PV (500 kW) does not use, nothing curtailed, battery idle
    expect(L.gridExportKW[2]).toBeGreaterThan(300);
    expect(L.renewableCurtailedKW[2]).toBeCloseTo(0, 6);
    const limit = [L.gridExportKW[2]! - 150, L.gridExportKW[3]! - 150];
    const r = await respondEvent(state, { id: 'cap', startStep: 2, endStep: 4, requiredKW: new Float64Array(2), exportLimitKW: Float64Array.from(limit) }, deps);
    // 2 × 150 kWh to keep off the grid: 94.737 kWh into the battery (cheaper than throwing it away), 205.263 curtailed
    expect(r.shortKW[0]! + r.shortKW[1]!).toBeCloseTo(0, 6);
    expect(r.expectedExportKW[0]).toBeCloseTo(limit[0]!, 4);
    expect(r.expectedExportKW[1]).toBeCloseTo(limit[1]!, 4);
    expect(r.setpoints.storageKW![0]! + r.setpoints.storageKW![1]!).toBeCloseTo(ROOM_KWH, 2);
    expect(r.expectedSocKWh![1]).toBeCloseTo(190, 6);
    expect(r.setpoints.exportLimitKW!.slice(0, 2)).toEqual(limit.map((v) => Math.round(v * 1000) / 1000));
    // the import does not move: the battery charges from the surplus
    expect(r.expectedImportKW[0]).toBeCloseTo(L.gridImportKW[2]!, 6);
    const after = simulate(model, r.dispatch);
    for (let q = 0; q < 2; q++) {
      expect(after.sites[0]!.gridExportKW[2 + q]).toBeLessThanOrEqual(limit[q]! + 1e-6);
      expect(after.sites[0]!.gridExportKW[2 + q]).toBeCloseTo(limit[q]!, 3);
      expect(after.sites[0]!.gridImportKW[2 + q]).toBeCloseTo(L.gridImportKW[2 + q]!, 6);
    }
    expect(after.sites[0]!.renewableCurtailedKW[2]! + after.sites[0]!.renewableCurtailedKW[3]!).toBeCloseTo(300 - ROOM_KWH, 3);
    expect(after.sites[0]!.socKWh[3]).toBeCloseTo(190, 3);
  });
});

describe('valley filling by pulling work forward', () => {
  it('runs later work on free GPUs in the event and takes it off the end of the job: import up by the call, work unchanged', async () => {
    const { model, base: naive } = await naiveSiteState(BATCH_SITE);
    // a plan running the batch job on half the cluster, so there is room to pull work forward
    const dispatch = { ...naive, jobs: naive.jobs.map((a) => ({ ...a, gpus: new Float64Array(model.grid.steps).fill(128) })) };
    const ledger = simulate(model, dispatch);
    const r = await respondEvent({ model, base: dispatch, baseLedger: ledger, site: 0 }, { id: 'fill', startStep: 2, endStep: 3, requiredKW: new Float64Array(1), increaseKW: Float64Array.from([20]) }, deps);
    expect(r.shortKW[0]).toBeCloseTo(0, 6);
    expect(r.plannedKW[0]).toBeCloseTo(-20, 6);
    expect(r.byLever.pullForward).toBeCloseTo(-20, 6);
    const job = r.setpoints.jobs[0]!;
    expect(job.gpus[0]).toBeGreaterThan(128);
    const after = simulate(model, r.dispatch);
    expect(after.sites[0]!.gridImportKW[2]! - ledger.sites[0]!.gridImportKW[2]!).toBeCloseTo(20, 3);
    // the work is moved, not added: the same GPU-hours done over the horizon, fewer at its end
    expect(after.outcomes[0]!.doneGpuHours).toBeCloseTo(ledger.outcomes[0]!.doneGpuHours, 6);
    expect(r.dispatch.jobs[0]!.gpus[model.grid.steps - 1]).toBeLessThan(128);
  });
});

describe('the increase and export-limit LP against the simulator (property)', () => {
  it('whatever is asked, the simulated meter shows what the VEN expects: import, export within the limit, state of charge within bounds', async () => {
    const state = await naiveSiteState(SUNNY_SITE, { allowExport: true });
    const { model } = state;
    const L = state.baseLedger.sites[0]!;
    const st = model.sites[0]!.storage!;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 2, maxLength: 2 }),
        async (start, len, limits, increases) => {
          const end = Math.min(model.grid.steps, start + len);
          const n = end - start;
          const exportLimitKW = Float64Array.from({ length: n }, (_, q) => limits[q] ?? Number.POSITIVE_INFINITY);
          const increaseKW = Float64Array.from({ length: n }, (_, q) => increases[q]!);
          const r = await respondEvent(state, { id: 'p', startStep: start, endStep: end, requiredKW: new Float64Array(n), increaseKW, exportLimitKW }, deps);
          const after = simulate(model, r.dispatch).sites[0]!;
          for (let q = 0; q < n; q++) {
            const t = start + q;
            expect(after.gridImportKW[t]).toBeCloseTo(r.expectedImportKW[q]!, 2);
            expect(after.gridExportKW[t]).toBeCloseTo(r.expectedExportKW[q]!, 2);
            expect(after.gridExportKW[t]!).toBeLessThanOrEqual(exportLimitKW[q]! + 1e-6);
            expect(after.socKWh[t]!).toBeLessThanOrEqual(st.socMaxKWh + 1e-6);
            expect(after.socKWh[t]!).toBeGreaterThanOrEqual(st.socMinKWh - 1e-6);
            // what is short is what the meter does not show
            expect(r.shortKW[q]).toBeCloseTo(Math.max(0, increaseKW[q]! - (after.gridImportKW[t]! - L.gridImportKW[t]!)) + Math.max(0, after.gridExportKW[t]! - exportLimitKW[q]!), 2);
          }
        },
      ),
      { numRuns: 6, seed: 20261202 },
    );
  }, 60_000);
});
