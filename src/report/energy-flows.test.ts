import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeFleet } from '../../test/browser/fixtures.ts';
import { run } from '../pipeline.ts';
import type { SiteLedger, WorkloadFlows } from '../simulate/ledger.ts';
import { svgChart } from './chart.ts';
import { escapeHtml } from './format.ts';
import { energySankeyOption } from './charts/sankey.ts';
import { energyFlowRules, flowImbalances, siteEnergyFlows } from './energy-flows.ts';

const TEXAS = fileURLToPath(new URL('../../examples/texas-single-site.yaml', import.meta.url));

/** A ledger of `n` steps from per-step parts, filled the way the simulator's supply stage does. */
function ledgerOf(parts: Array<{ inference: number; training: number; idle: number; cooling: number; losses: number; fixed: number; reToLoad: number; reToBatt: number; reExport: number; curtailed: number; battToLoad: number; battExport: number; gridToBatt: number; shortfall: number }>): SiteLedger {
  const n = parts.length;
  const z = () => new Float64Array(n);
  const w = (workload: number, type: WorkloadFlows['type']): WorkloadFlows => ({ workload, id: `${type}-job`, type, itKW: z(), gpus: z(), gpuPowerW: z(), throughput: z(), workGpuHours: z(), tokens: z(), demandTokensPerSecond: z() });
  const L: SiteLedger = {
    site: 0, id: 'a', itKW: z(), idleItKW: z(), coolingKW: z(), lossesKW: z(), fixedKW: z(), facilityKW: z(), renewableAvailableKW: z(), renewableUsedKW: z(), renewableExportKW: z(),
    renewableCurtailedKW: z(), directGreenKW: z(), storageChargeKW: z(), storageDischargeKW: z(), socKWh: z(), gridImportKW: z(), gridExportKW: z(), shortfallKW: z(),
    facilityLoadKW: z(), siteLoadKW: z(), generatorKW: z(), generators: [],
    gridToLoadKW: z(), gridToStorageKW: z(), renewableToLoadKW: z(), renewableToStorageKW: z(), storageToLoadKW: z(), storageToGridKW: z(),
    generatorToLoadKW: z(), generatorToStorageKW: z(), generatorToGridKW: z(),
    importPrice: z(), exportPrice: z(), carbonIntensity: z(), gridRenewableShare: z(), workloads: [w(0, 'inference'), w(1, 'training')],
  };
  parts.forEach((p, t) => {
    L.workloads[0]!.itKW[t] = p.inference;
    L.workloads[1]!.itKW[t] = p.training;
    L.idleItKW[t] = p.idle;
    L.itKW[t] = p.inference + p.training + p.idle;
    L.coolingKW[t] = p.cooling;
    L.lossesKW[t] = p.losses;
    L.fixedKW[t] = p.fixed;
    const facility = L.itKW[t]! + p.cooling + p.losses + p.fixed;
    L.facilityKW[t] = facility;
    // renewables first, then the battery, then the grid (or shortfall), as the simulator settles supply
    const reToLoad = Math.min(p.reToLoad, facility);
    const battToLoad = Math.min(p.battToLoad, facility - reToLoad);
    const load = facility - reToLoad - battToLoad;
    const short = Math.min(p.shortfall, load);
    L.renewableAvailableKW[t] = reToLoad + p.reToBatt + p.reExport + p.curtailed;
    L.renewableUsedKW[t] = reToLoad + p.reToBatt;
    L.renewableExportKW[t] = p.reExport;
    L.renewableCurtailedKW[t] = p.curtailed;
    L.storageChargeKW[t] = p.reToBatt + p.gridToBatt;
    L.storageDischargeKW[t] = battToLoad + p.battExport;
    L.gridImportKW[t] = load - short + p.gridToBatt;
    L.shortfallKW[t] = short;
    L.gridExportKW[t] = p.reExport + p.battExport;
  });
  return L;
}

function link(g: ReturnType<typeof siteEnergyFlows>, source: string, target: string): number | undefined {
  return g.links.find((l) => l.source === source && l.target === target)?.value;
}

describe('energy flows of a site', () => {
  it('sum each ledger column to energy: a worked two-hour example', () => {
    // hour 1: 800 kW inference + 1,000 training + 200 idle IT, 100 cooling, 50 losses, 50 fixed = 2,200 kW facility;
    //         solar 1,500 kW: 1,200 to the load, 100 to the battery, 100 exported, 100 curtailed; grid 1,000 (incl. 0 to battery)
    // hour 2: same loads; no solar; battery 300 kW to the load; grid 1,900 + 200 to the battery
    const L = ledgerOf([
      { inference: 800, training: 1000, idle: 200, cooling: 100, losses: 50, fixed: 50, reToLoad: 1200, reToBatt: 100, reExport: 100, curtailed: 100, battToLoad: 0, battExport: 0, gridToBatt: 0, shortfall: 0 },
      { inference: 800, training: 1000, idle: 200, cooling: 100, losses: 50, fixed: 50, reToLoad: 0, reToBatt: 0, reExport: 0, curtailed: 0, battToLoad: 300, battExport: 0, gridToBatt: 200, shortfall: 0 },
    ]);
    const g = siteEnergyFlows(L, { title: 't', stepHours: 1 });
    expect(g.unit).toBe('MWh');
    expect(link(g, 'Renewables', 'Site bus')).toBeCloseTo(1.3, 12);
    expect(link(g, 'Renewables', 'Grid export')).toBeCloseTo(0.1, 12);
    expect(link(g, 'Renewables', 'Curtailed')).toBeCloseTo(0.1, 12);
    expect(link(g, 'Grid import', 'Site bus')).toBeCloseTo(1.0 + 2.1, 12);
    expect(link(g, 'Storage discharge', 'Site bus')).toBeCloseTo(0.3, 12);
    expect(link(g, 'Site bus', 'Facility')).toBeCloseTo(4.4, 12);
    expect(link(g, 'Site bus', 'Storage charge')).toBeCloseTo(0.3, 12);
    expect(link(g, 'Site bus', 'Grid export')).toBeUndefined();
    expect(link(g, 'Facility', 'IT')).toBeCloseTo(4.0, 12);
    expect(link(g, 'IT', 'IT · inference')).toBeCloseTo(1.6, 12);
    expect(link(g, 'IT', 'IT · training')).toBeCloseTo(2.0, 12);
    expect(link(g, 'IT', 'IT · idle GPUs')).toBeCloseTo(0.4, 12);
    expect(link(g, 'Facility', 'Cooling')).toBeCloseTo(0.2, 12);
    expect(g.links.some((l) => l.source === 'Shortfall (unsupplied)')).toBe(false);
    for (const b of flowImbalances(g)) expect(b.relative).toBeLessThan(1e-12);
  });

  it('conserve energy at every inner node of a simulated ledger (Texas, greedy: solar, wind, battery, curtailment)', async () => {
    const r = await run(TEXAS, 'greedy');
    const L = r.ledger.sites[0]!;
    const g = siteEnergyFlows(L, { title: 't', stepHours: 1 });
    const inner = flowImbalances(g);
    expect(inner.map((b) => b.node).sort()).toEqual(['Facility', 'IT', 'Site bus']);
    for (const b of inner) expect(b.relative).toBeLessThan(1e-9);
    // the sources are the ledger's totals
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / 1000;
    const out = (name: string) => g.links.filter((l) => l.source === name).reduce((s, l) => s + l.value, 0);
    expect(out('Renewables')).toBeCloseTo(sum(L.renewableAvailableKW), 6);
    expect(out('Grid import')).toBeCloseTo(sum(L.gridImportKW), 6);
    expect(out('Storage discharge')).toBeCloseTo(sum(L.storageDischargeKW), 6);
    expect(link(g, 'Site bus', 'Storage charge')).toBeCloseTo(sum(L.storageChargeKW), 6);
    expect(link(g, 'Renewables', 'Curtailed')).toBeGreaterThan(0);
  });

  it('conserve energy for any ledger that balances step by step (property)', () => {
    // flows are zero or at least a watt (the battery's export is a difference of two ledger columns,
    // so flows far below a watt next to megawatts are only known to rounding); a facility always draws something
    const kw = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 5e4, noNaN: true, noDefaultInfinity: true }));
    const step = fc.record({ inference: kw, training: kw, idle: kw, cooling: kw, losses: kw, fixed: fc.double({ min: 1, max: 1e3, noNaN: true }), reToLoad: kw, reToBatt: kw, reExport: kw, curtailed: kw, battToLoad: kw, battExport: kw, gridToBatt: kw, shortfall: kw });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 48 }), fc.constantFrom(0.25, 1), (parts, hours) => {
        const g = siteEnergyFlows(ledgerOf(parts), { title: 't', stepHours: hours });
        for (const b of flowImbalances(g)) expect(b.relative).toBeLessThan(1e-9);
        for (const l of g.links) expect(l.value).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('conserve energy on the report fixture, and count a short stretch in kWh', () => {
    const f = makeFleet({ days: 2, sites: 1 });
    const L = f.ledger.sites[0]!;
    const big = siteEnergyFlows(L, { title: 't', stepHours: 1 });
    expect(big.unit).toBe('MWh');
    for (const b of flowImbalances(big)) expect(b.relative).toBeLessThan(1e-9);
    // one quarter-hour step of about 1.5 MW facility is under 1 MWh
    const small = siteEnergyFlows(L, { title: 't', stepHours: 0.25, from: 0, to: 1 });
    expect(small.unit).toBe('kWh');
    expect(link(small, 'Site bus', 'Facility')).toBeCloseTo(L.facilityKW[0]! * 0.25, 9);
  });

  it('take extra flows from the rules, so attributed ledger columns can link sources to uses directly', () => {
    const L = ledgerOf([{ inference: 800, training: 1000, idle: 200, cooling: 100, losses: 50, fixed: 50, reToLoad: 1200, reToBatt: 100, reExport: 0, curtailed: 0, battToLoad: 0, battExport: 0, gridToBatt: 50, shortfall: 0 }]);
    const rules = [...energyFlowRules(L).filter((r) => r.to !== 'Storage charge'), { from: 'Site bus', to: 'Battery', kw: L.storageChargeKW }];
    const g = siteEnergyFlows(L, { title: 't', stepHours: 1, rules });
    expect(g.nodes.map((n) => n.name)).toContain('Battery');
    expect(g.nodes.map((n) => n.name)).not.toContain('Storage charge');
    for (const b of flowImbalances(g)) expect(b.relative).toBeLessThan(1e-9);
  });

  it('draws as a Sankey with the energy and unit on every node', () => {
    const f = makeFleet({ days: 2, sites: 1 });
    const g = siteEnergyFlows(f.ledger.sites[0]!, { title: 'Site A: energy flows', stepHours: 1 });
    const svg = svgChart(energySankeyOption(g), 960, 420, 'flows');
    for (const n of g.nodes) expect(svg).toMatch(new RegExp(`${escapeHtml(n.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  [\\d,.]+ MWh`));
  });
});
