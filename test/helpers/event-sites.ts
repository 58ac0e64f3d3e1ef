/**
 * One-site scenarios for the event-window LP and the VEN, hourly from 2025-05-03T12:00Z for six
 * hours, and the naive plan of one as the state an event's answer starts from. Their batteries
 * (200 kWh / 100 kW at half charge, floor 10 %, ceiling 95 %, 95 % efficiency each way) make the
 * answers easy to work by hand.
 */
import { runPolicy } from '../../src/app/run-policy.ts';
import type { SiteState } from '../../src/respond/site-call.ts';
import { loadScenarioInput, type ScenarioInput } from '../../src/app/scenario-input.ts';
import { defaultSolverFactory } from '../../src/optimize/solver-factory.ts';
import { simulate } from '../../src/simulate/engine.ts';

/** The horizon's start, UTC ms (step 0). */
export const HORIZON_START_MS = Date.parse('2025-05-03T12:00:00Z');

/** The start of hourly step `step` as an RFC 3339 date-time (for events' interval periods). */
export const stepAt = (step: number): string => new Date(HORIZON_START_MS + step * 3_600_000).toISOString().replace('.000Z', 'Z');

/**
 * A one-site scenario: the horizon, the site `id` in Phoenix with air cooling, `site` (its further
 * YAML lines, indented as the site's) and its one job (a training job of 100,000 GPU-hours).
 */
function oneSite(id: string, site: string, job: string): string {
  return `
name: ${id}
currency: USD
horizon: { start: 2025-05-03T12:00, end: 2025-05-03T18:00, stepMinutes: 60, timeZone: UTC }
sites:
  - id: ${id}
    latitude: 33.45
    longitude: -112.07
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
${site}
workloads:
  - { ${job}, type: training, accelerator: A100, sites: [${id}], workGpuHours: 100000 }
`;
}

/** A 256-GPU cluster whose only job may not lose work (QoS floor 1), and the battery. */
export const TINY_SITE = oneSite(
  'tiny',
  `    grid: { importLimitMW: 1 }
    it: [{ accelerator: A100, gpus: 256 }]
    storage: { energyMWh: 0.2, powerMW: 0.1 }
    tariff: { energy: { type: flat, pricePerMWh: 80 } }`,
  'id: train, gpus: { max: 256 }, continuous: true, qosFloor: 1',
);

/**
 * The battery, 500 kW of PV and export allowed; the one job (8 GPUs) runs flat out and may not
 * pause, so storage alone can take more consumption.
 */
export const SUNNY_SITE = oneSite(
  'sunny',
  `    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 8 }]
    renewables: [{ id: pv, type: solar, capacityMW: 1, capacityFactor: { constant: 0.5 } }]
    storage: { energyMWh: 0.2, powerMW: 0.1 }
    tariff: { energy: { type: flat, pricePerMWh: 80 }, export: { type: flat, pricePerMWh: 30 } }`,
  'id: train, gpus: { max: 8 }, continuous: true, qosFloor: 1',
);

/** A 256-GPU cluster with a batch job that may move, and no battery. */
export const BATCH_SITE = oneSite(
  'batchy',
  `    grid: { importLimitMW: 1 }
    it: [{ accelerator: A100, gpus: 256 }]
    tariff: { energy: { type: flat, pricePerMWh: 80 } }`,
  'id: embed, gpus: { max: 256 }',
);

/** What the battery can draw at half charge, kWh: 90 kWh of room (190 − 100) at 95 % charge efficiency. */
export const ROOM_KWH = 90 / 0.95;

/** The use cases' dependencies with the default solvers. */
export const deps = { solverFactory: defaultSolverFactory };

/**
 * The naive plan of a scenario (YAML text, or any scenario input) as site 0's state; with
 * `allowExport` the plan exports its surplus (the naive plan does not) and its ledger is simulated again.
 */
export async function naiveSiteState(scenario: string | ScenarioInput, opts: { allowExport?: boolean } = {}): Promise<SiteState> {
  const loaded = loadScenarioInput(typeof scenario === 'string' ? { text: scenario, baseDir: '.' } : scenario);
  const naive = await runPolicy(loaded, 'naive', deps);
  if (!opts.allowExport) return { model: loaded.model, base: naive.dispatch, baseLedger: naive.ledger, site: 0 };
  const base = { ...naive.dispatch, allowExport: [true] };
  return { model: loaded.model, base, baseLedger: simulate(loaded.model, base), site: 0 };
}
