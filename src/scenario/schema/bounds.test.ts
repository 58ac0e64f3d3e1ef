import { describe, expect, it } from 'vitest';
import { Scenario, scenarioJsonSchema } from './index.ts';

/** Every number node of a JSON Schema, with its path. */
function numbers(node: unknown, path = '#', out: Array<{ path: string; node: Record<string, unknown> }> = []): typeof out {
  if (Array.isArray(node)) node.forEach((x, i) => numbers(x, `${path}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    const n = node as Record<string, unknown>;
    if (n.type === 'number' || n.type === 'integer') out.push({ path, node: n });
    for (const [k, v] of Object.entries(n)) numbers(v, `${path}/${k}`, out);
  }
  return out;
}

const site = {
  id: 'a', latitude: 30, longitude: -97, grid: { importLimitMW: 20 }, it: [{ accelerator: 'H100', gpus: 8 }],
  facility: { cooling: { archetype: 'air' } }, tariff: { energy: { type: 'flat', pricePerMWh: 50 } },
};
const scenario = (over: Record<string, unknown> = {}) => ({ name: 'b', horizon: { start: '2023-01-01T00:00', hours: 24 }, sites: [site], ...over });

describe('number bounds in the scenario schema', () => {
  it('every number has a lower and an upper bound, stated in its description', () => {
    // literal choices (stepMinutes: 15, 30 or 60) are bounded by what they list
    const all = numbers(scenarioJsonSchema()).filter(({ node }) => node.const === undefined && node.enum === undefined);
    expect(all.length).toBeGreaterThan(150);
    const unbounded = all.filter(({ node }) => (node.minimum === undefined && node.exclusiveMinimum === undefined) || (node.maximum === undefined && node.exclusiveMaximum === undefined));
    expect(unbounded.map((u) => u.path)).toEqual([]);
    const undocumented = all.filter(({ node }) => !String(node.description ?? '').includes('Range: '));
    expect(undocumented.map((u) => u.path)).toEqual([]);
  });

  it('refuses 1e308 and other absurd magnitudes in physical fields', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['sites.0.grid.importLimitMW', scenario({ sites: [{ ...site, grid: { importLimitMW: 1e308 } }] })],
      ['sites.0.tariff.energy.pricePerMWh', scenario({ sites: [{ ...site, tariff: { energy: { type: 'flat', pricePerMWh: 1e308 } } }] })],
      ['sites.0.tariff.energy.pricePerMWh', scenario({ sites: [{ ...site, tariff: { energy: { type: 'flat', pricePerMWh: -1e7 } } }] })],
      ['sites.0.it.0.gpus', scenario({ sites: [{ ...site, it: [{ accelerator: 'H100', gpus: 1e9 }] }] })],
      ['sites.0.storage.energyMWh', scenario({ sites: [{ ...site, storage: { energyMWh: 1e300, powerMW: 1 } }] })],
      ['sites.0.tariff.demandChargePerKWMonth', scenario({ sites: [{ ...site, tariff: { energy: { type: 'flat', pricePerMWh: 50 }, demandChargePerKWMonth: 1e308 } }] })],
      ['sites.0.tariff.criticalPeak', scenario({ sites: [{ ...site, tariff: { energy: { type: 'tou', pricesPerMWh: { peak: 1e308 }, bands: [] } } }] })],
      ['sites.0.facility.fixedOverheadKW', scenario({ sites: [{ ...site, facility: { cooling: { archetype: 'air' }, fixedOverheadKW: 1e200 } }] })],
      ['workloads.0.workGpuHours', scenario({ workloads: [{ id: 'j', type: 'training', accelerator: 'H100', sites: ['a'], workGpuHours: 1e308, gpus: { max: 8 } }] })],
      ['workloads.0.demandTokensPerSecond.constant', scenario({ workloads: [{ id: 'i', type: 'inference', accelerator: 'H100', sites: ['a'], demandTokensPerSecond: { constant: 1e308 } }] })],
    ];
    for (const [where, data] of cases) {
      const r = Scenario.safeParse(data);
      expect(r.success, where).toBe(false);
      expect(r.error!.issues.some((i) => i.code === 'too_big' || i.code === 'too_small'), where).toBe(true);
    }
    expect(Scenario.safeParse(scenario()).success).toBe(true);
  });
});
