/**
 * One small site for the VEN tests against the project's VTN: a 200 kWh / 100 kW battery at half
 * charge (socMax 95 %), 500 kW of PV, and a training job that may not lose work, on hourly steps
 * from 12:00Z; and a wait for something to happen.
 */

export const SUNNY_SITE = `
name: sunny
currency: USD
horizon: { start: 2025-05-03T12:00, end: 2025-05-03T18:00, stepMinutes: 60, timeZone: UTC }
sites:
  - id: sunny
    latitude: 33.45
    longitude: -112.07
    grid: { importLimitMW: 1, exportLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 8 }]
    facility: { cooling: { archetype: air, designPUE: 1.3 } }
    renewables: [{ id: pv, type: solar, capacityMW: 1, capacityFactor: { constant: 0.5 } }]
    storage: { energyMWh: 0.2, powerMW: 0.1 }
    tariff: { energy: { type: flat, pricePerMWh: 80 }, export: { type: flat, pricePerMWh: 30 } }
workloads:
  - { id: train, type: training, accelerator: A100, sites: [sunny], workGpuHours: 100000, gpus: { max: 8 }, continuous: true, qosFloor: 1 }
`;

export const SUNNY_START_MS = Date.parse('2025-05-03T12:00:00Z');

/** The start of hourly step `step` as an RFC 3339 date-time. */
export const sunnyAt = (step: number) => new Date(SUNNY_START_MS + step * 3_600_000).toISOString().replace('.000Z', 'Z');

/** Polls `f` every 20 ms until it gives a value, or fails after `ms`. */
export async function until<T>(what: string, f: () => T | undefined, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const v = f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}
