/** Small scenarios of one site that is only a load (no IT), for tariff known answers and property tests. */
import { fileURLToPath } from 'node:url';
import { billSite, type SiteBill } from '../../src/billing/bill.ts';
import { buildModel, loadScenarioText, simulate, type FleetModel } from '../../src/pipeline.ts';
import { planFleet, type PlanOptions } from '../../src/plan/planner.ts';
import type { Dispatch } from '../../src/simulate/dispatch.ts';
import type { Ledger } from '../../src/simulate/ledger.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** A 24-value hourly profile: `base` kW, with `spikes` (local hour → kW) on top of it. */
export function profile(base: number, spikes: Record<number, number> = {}): number[] {
  return Array.from({ length: 24 }, (_, h) => spikes[h] ?? base);
}

/** A scenario with one load-only site; `site` fields override the defaults. */
export function loadSiteScenario(opts: { start: string; hours: number; timeZone?: string; loadKW: number[] | number; site?: Record<string, unknown>; currency?: string }): Record<string, unknown> {
  const power = typeof opts.loadKW === 'number' ? { constant: opts.loadKW, unit: 'kW' } : { dailyProfile: opts.loadKW, unit: 'kW' };
  return {
    name: 'load-site',
    currency: opts.currency ?? 'USD',
    horizon: { start: opts.start, hours: opts.hours, timeZone: opts.timeZone ?? 'America/Chicago' },
    sites: [
      {
        id: 's',
        latitude: 32.8,
        longitude: -96.8,
        grid: { importLimitKW: 1000 },
        it: [],
        loads: [{ id: 'load', kind: 'building', power }],
        series: { carbonIntensity: { constant: 400, unit: 'gCO2/kWh' }, gridRenewableShare: { constant: 0, unit: 'fraction' } },
        ...opts.site,
      },
    ],
  };
}

/** Builds the fleet model of a scenario object. */
export function modelOf(scenario: Record<string, unknown>): FleetModel {
  return buildModel(loadScenarioText(JSON.stringify(scenario), EXAMPLES));
}

/** Bills the site of a load-only scenario with nothing dispatched (the load as metered). */
export function billAsMetered(scenario: Record<string, unknown>): { model: FleetModel; ledger: Ledger; bill: SiteBill } {
  const model = modelOf(scenario);
  const none: Dispatch = { policy: 'none', jobs: [], inference: [], storageKW: model.sites.map(() => undefined), allowExport: model.sites.map((s) => s.canExport), notes: [] };
  const ledger = simulate(model, none);
  return { model, ledger, bill: billSite(model.sites[0]!, ledger.sites[0]!, model.grid) };
}

/** Plans a scenario optimally, simulates the plan and bills it; returns the plan's predicted bill beside the simulated one (pass `solverInstance` to reuse a HiGHS worker). */
export async function planAndBill(scenario: Record<string, unknown>, options: Partial<PlanOptions> = {}) {
  const model = modelOf(scenario);
  const dispatch = await planFleet(model, { workers: 1, ...options });
  const ledger = simulate(model, dispatch);
  const bill = billSite(model.sites[0]!, ledger.sites[0]!, model.grid);
  const predicted = dispatch.solver!.predictedBill![0]!;
  return { model, dispatch, ledger, bill, predicted };
}
