/**
 * Key figures from a ledger and its bills: energy by use, PUE, green ratios, CO2, cost, peak,
 * tokens per joule, unserved work. `summary.json` is a contract for scripts: fields are only
 * ever added, never renamed.
 */
import { assertTreeFinite } from '../simulate/finite.ts';
import { BILL_COMPONENTS, billSite, emptyBreakdown, type SiteBill } from '../billing/bill.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { generatorFuel, type GeneratorModel } from '../physics/generator.ts';
import type { Ledger, SiteLedger } from '../simulate/ledger.ts';
import type { Kpis, MonthKpis, SiteSummary, Summary } from './summary-types.ts';
import { SUMMARY_SCHEMA_VERSION } from './summary-schema.ts';
import { calendarOf, stepHours, stepStartMs, gridEndMs } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';

export type { Kpis, MonthKpis, SiteSummary, Summary, SummarySolver } from './summary-types.ts';

/** Rounds to `d` decimals; NaN and ±∞ pass through and are refused once the summary is built. */
const r = (x: number, d = 6) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

interface Acc {
  it: number; cooling: number; losses: number; fixed: number; facility: number; imp: number; exp: number;
  reAvail: number; curtailed: number; green: number; gridRe: number; co2: number; shortfall: number;
  charge: number; discharge: number; tokens: number; siteLoad: number; gen: number; genCo2: number;
}

function zeroAcc(): Acc {
  return { it: 0, cooling: 0, losses: 0, fixed: 0, facility: 0, imp: 0, exp: 0, reAvail: 0, curtailed: 0, green: 0, gridRe: 0, co2: 0, shortfall: 0, charge: 0, discharge: 0, tokens: 0, siteLoad: 0, gen: 0, genCo2: 0 };
}

function accumulate(L: SiteLedger, gens: GeneratorModel[], h: number, from = 0, to = L.itKW.length, into: Acc = zeroAcc(), monthIndex?: Int32Array, monthly?: Acc[]): Acc {
  for (let t = from; t < to; t++) {
    const a = monthly && monthIndex ? monthly[monthIndex[t]!]! : into;
    const imp = L.gridImportKW[t]!;
    a.it += L.itKW[t]! * h;
    a.cooling += L.coolingKW[t]! * h;
    a.losses += L.lossesKW[t]! * h;
    a.fixed += L.fixedKW[t]! * h;
    a.facility += L.facilityKW[t]! * h;
    a.imp += imp * h;
    a.exp += L.gridExportKW[t]! * h;
    a.reAvail += L.renewableAvailableKW[t]! * h;
    a.curtailed += L.renewableCurtailedKW[t]! * h;
    a.green += L.directGreenKW[t]! * h;
    a.gridRe += imp * L.gridRenewableShare[t]! * h;
    a.co2 += imp * L.carbonIntensity[t]! * h; // kWh × g/kWh = g
    a.shortfall += L.shortfallKW[t]! * h;
    a.charge += L.storageChargeKW[t]! * h;
    a.discharge += L.storageDischargeKW[t]! * h;
    a.siteLoad += L.siteLoadKW[t]! * h;
    a.gen += L.generatorKW[t]! * h;
    for (let k = 0; k < gens.length; k++) {
      const kW = L.generators[k]!.kW[t]!;
      if (kW > 0) a.genCo2 += generatorFuel(gens[k]!, kW, L.generators[k]!.running[t]!, h) * gens[k]!.co2KgPerFuelUnit * 1000; // kg → g
    }
  }
  return into;
}

function kpis(a: Acc, bill: SiteBill['breakdown'] & { total: number }, peakKW: number, degradation: number, outcomes: { unservedWork: number; unservedTokens: number; lateJobs: number; slo: number }): Kpis {
  const div = (x: number, y: number) => (y > 0 ? x / y : 0);
  return {
    itEnergyMWh: r(a.it / 1000),
    coolingEnergyMWh: r(a.cooling / 1000),
    lossesEnergyMWh: r(a.losses / 1000),
    fixedEnergyMWh: r(a.fixed / 1000),
    facilityEnergyMWh: r(a.facility / 1000),
    pue: a.it > 0 ? r(a.facility / a.it) : null,
    siteLoadEnergyMWh: r(a.siteLoad / 1000),
    generatorEnergyMWh: r(a.gen / 1000),
    generatorCo2Tonnes: r(a.genCo2 / 1e6),
    gridImportMWh: r(a.imp / 1000),
    gridExportMWh: r(a.exp / 1000),
    renewableAvailableMWh: r(a.reAvail / 1000),
    renewableCurtailedMWh: r(a.curtailed / 1000),
    directGreenMWh: r(a.green / 1000),
    directGreenRatio: r(Math.min(1, div(a.green, a.facility))),
    renewableShare: r(Math.min(1, div(a.green + a.gridRe, a.facility))),
    co2Tonnes: r((a.co2 + a.genCo2) / 1e6),
    energyCost: r(bill.total, 2),
    energyCostBreakdown: Object.fromEntries(BILL_COMPONENTS.map((k) => [k, r(bill[k], 2)])) as unknown as SiteBill['breakdown'],
    storageDegradationCost: r(degradation, 2),
    storageThroughputMWh: r(a.discharge / 1000),
    peakImportMW: r(peakKW / 1000),
    shortfallMWh: r(a.shortfall / 1000),
    tokens: r(a.tokens, 0),
    tokensPerJouleIT: a.it > 0 ? r(a.tokens / (a.it * 3.6e6), 9) : null,
    tokensPerJouleFacility: a.facility > 0 ? r(a.tokens / (a.facility * 3.6e6), 9) : null,
    energyCostPerMillionTokens: a.tokens > 0 ? r(bill.total / (a.tokens / 1e6), 6) : null,
    unservedWork: r(outcomes.unservedWork),
    unservedTokens: r(outcomes.unservedTokens, 0),
    lateJobs: outcomes.lateJobs,
    sloAttainment: r(outcomes.slo),
  };
}

/** Bills every site and summarises the ledger. */
export function summarise(model: FleetModel, ledger: Ledger): { summary: Summary; bills: SiteBill[] } {
  const { grid } = model;
  const h = stepHours(grid);
  const n = grid.steps;
  const bills = model.sites.map((s) => billSite(s, ledger.sites[s.index]!, grid));
  const fleetCal = calendarOf(grid);
  const localIso = (ms: number) => formatLocalIso(ms, offsetMinutesAt(grid.timeZone, ms));

  // unserved work and late jobs attributed to sites: jobs to their first eligible site,
  // inference to the sites where the demand arrived
  const perSite = model.sites.map(() => ({ unservedWork: 0, unservedTokens: 0, lateJobs: 0, demand: 0, served: 0 }));
  for (const o of ledger.outcomes) {
    const w = model.workloads[o.workload]!;
    if (w.type === 'inference') {
      // demand may be served away from where it arrives: unserved tokens are the service's
      // total shortfall, attributed to sites by where the demand arrived
      const served = o.tokens;
      const demand = o.demandTokens;
      const servedShare = demand > 0 ? Math.min(1, served / demand) : 1;
      w.siteIndices.forEach((s, j) => {
        const share = w.arrivalShares?.[j] ?? 0;
        const ps = perSite[s]!;
        ps.demand += demand * share;
        ps.served += demand * share * servedShare;
        const unserved = Math.max(0, demand - served) * share;
        ps.unservedTokens += unserved;
        ps.unservedWork += unserved / w.tokensPerGpuHour;
      });
    } else {
      const ps = perSite[w.siteIndices[0]!]!;
      ps.unservedWork += o.remainingGpuHours;
      if (o.late) ps.lateJobs += 1;
    }
  }

  const fleetAcc = zeroAcc();
  const fleetMonthly = fleetCal.monthKeys.map(() => zeroAcc());
  const fleetImport = new Float64Array(n);
  const fleetMonthCost = new Float64Array(fleetCal.monthKeys.length);
  const sites: SiteSummary[] = model.sites.map((s) => {
    const L = ledger.sites[s.index]!;
    const a = accumulate(L, s.generators, h);
    for (const f of L.workloads) for (let t = 0; t < n; t++) a.tokens += f.tokens[t]!;
    const monthly = s.calendar.monthKeys.map(() => zeroAcc());
    accumulate(L, s.generators, h, 0, n, zeroAcc(), s.calendar.monthIndex, monthly);
    accumulate(L, s.generators, h, 0, n, zeroAcc(), fleetCal.monthIndex, fleetMonthly);
    let peak = 0;
    for (let t = 0; t < n; t++) {
      const v = L.gridImportKW[t]!;
      if (v > peak) peak = v;
      fleetImport[t]! += v;
    }
    for (const k of Object.keys(a) as Array<keyof Acc>) fleetAcc[k] += a[k];
    const bill = bills[s.index]!;
    // fleet months follow the horizon zone; a site's month costs are placed by its own month keys
    for (const m of bill.months) {
      const idx = fleetCal.monthKeys.indexOf(m.month);
      if (idx >= 0) fleetMonthCost[idx]! += m.total;
    }
    const degradation = s.storage ? (a.discharge * s.storage.degradationCostPerKWh) : 0;
    const ps = perSite[s.index]!;
    const k = kpis(a, { ...bill.breakdown, total: bill.total }, peak, degradation, { unservedWork: ps.unservedWork, unservedTokens: ps.unservedTokens, lateJobs: ps.lateJobs, slo: ps.demand > 0 ? ps.served / ps.demand : 1 });
    const months: MonthKpis[] = s.calendar.monthKeys.map((month, m) => monthKpis(month, monthly[m]!, bill.months[m]?.total ?? 0));
    return { id: s.id, name: s.name, timeZone: s.timeZone, designPue: Number.isFinite(s.facility.designPue) ? r(s.facility.designPue) : null, installedItMW: r(s.installedItKW / 1000), greenTarget: s.spec.greenTarget?.directGreenRatio ?? null, ...k, months };
  });

  let fleetPeak = 0;
  for (let t = 0; t < n; t++) if (fleetImport[t]! > fleetPeak) fleetPeak = fleetImport[t]!;
  const fleetBill = bills.reduce(
    (acc, b) => {
      for (const k of BILL_COMPONENTS) acc[k] += b.breakdown[k];
      acc.total += b.total;
      return acc;
    },
    { ...emptyBreakdown(), total: 0 },
  );
  const totalDemand = perSite.reduce((s, p) => s + p.demand, 0);
  const totalServed = perSite.reduce((s, p) => s + p.served, 0);
  const degradation = sites.reduce((s, x) => s + x.storageDegradationCost, 0);
  const fleet = {
    ...kpis(fleetAcc, fleetBill, fleetPeak, degradation, {
      unservedWork: perSite.reduce((s, p) => s + p.unservedWork, 0),
      unservedTokens: perSite.reduce((s, p) => s + p.unservedTokens, 0),
      lateJobs: ledger.outcomes.filter((o) => o.late).length,
      slo: totalDemand > 0 ? totalServed / totalDemand : 1,
    }),
    months: fleetCal.monthKeys.map((month, m) => monthKpis(month, fleetMonthly[m]!, fleetMonthCost[m]!)),
  };

  const withFloor = ledger.outcomes.filter((o) => o.type !== 'inference' && o.qosFloor !== undefined);
  const wsum = withFloor.reduce((s, o) => s + o.qosWeight, 0);
  const qos = withFloor.length
    ? {
        weighted: r(withFloor.reduce((s, o) => s + o.qosWeight * o.performance, 0) / (wsum || 1)),
        jobs: withFloor.map((o) => ({ id: o.id, performance: r(o.performance), floor: o.qosFloor ?? null, weight: r(o.qosWeight / (wsum || 1)) })),
      }
    : null;

  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    scenario: model.name,
    policy: ledger.policy,
    horizon: { start: formatUtcIso(grid.startMs), end: formatUtcIso(gridEndMs(grid)), startLocal: localIso(grid.startMs), endLocal: localIso(gridEndMs(grid)), stepMinutes: grid.stepMinutes, steps: n, timeZone: grid.timeZone },
    currency: model.currency,
    fleet,
    sites,
    jobs: ledger.outcomes.map((o) => ({
      id: o.id, type: o.type, requiredGpuHours: r(o.requiredGpuHours), doneGpuHours: r(o.doneGpuHours), remainingGpuHours: r(o.remainingGpuHours),
      late: o.late, tokens: r(o.tokens, 0), unservedTokens: r(o.unservedTokens, 0), performance: r(o.performance), qosWeight: r(o.qosWeight),
      qosFloor: o.qosFloor ?? null, finishedAt: o.finishedStep >= 0 ? formatUtcIso(stepStartMs(grid, o.finishedStep + 1)) : null,
      finishedAtLocal: o.finishedStep >= 0 ? localIso(stepStartMs(grid, o.finishedStep + 1)) : null,
    })),
    qos,
    checks: { maxEnergyBalanceErrorKWh: ledger.maxEnergyBalanceErrorKWh, corrections: ledger.corrections },
    warnings: [...model.resolved.warnings], // a copy: a loaded scenario is shared by many runs
    series: [...model.resolved.seriesReports],
    notes: ledger.notes,
  };
  const st = ledger.solver;
  if (st) {
    summary.solver = {
      status: st.status,
      objective: Number.isFinite(st.objective) ? r(st.objective, 2) : null,
      rows: st.rows,
      columns: st.columns,
      nonzeros: st.nonzeros,
      buildSeconds: r(st.buildSeconds, 3),
      solveSeconds: r(st.solveSeconds, 3),
      mipGap: st.mipGap,
      solves: st.solves,
      windows: st.windows,
      largestColumns: st.largestColumns,
      backend: st.solver,
      ...(st.decomposition ? { decomposition: st.decomposition } : {}),
      integerColumns: st.integerColumns ?? 0,
    };
    if (st.predictedBill) summary.solver.predictedBill = st.predictedBill.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? r(v, 2) : v])));
  }
  // a NaN or ∞ here is a fault upstream: say where, never print it as 0 or null
  for (const b of bills) assertTreeFinite({ total: b.total, breakdown: b.breakdown, lines: b.lines.map((l) => ({ item: `${l.month} ${l.item}`, quantity: l.quantity, rate: l.rate, amount: l.amount })) }, `bill of site ${b.site}`);
  assertTreeFinite({ fleet: summary.fleet, sites: summary.sites, jobs: summary.jobs, qos: summary.qos, checks: summary.checks }, 'summary');
  return { summary, bills };
}

function monthKpis(month: string, a: Acc, cost: number): MonthKpis {
  return {
    month,
    itEnergyMWh: r(a.it / 1000),
    facilityEnergyMWh: r(a.facility / 1000),
    pue: a.it > 0 ? r(a.facility / a.it) : null,
    directGreenRatio: a.facility > 0 ? r(Math.min(1, a.green / a.facility)) : 0,
    gridImportMWh: r(a.imp / 1000),
    co2Tonnes: r((a.co2 + a.genCo2) / 1e6),
    energyCost: r(cost, 2),
  };
}
