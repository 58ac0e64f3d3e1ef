/**
 * A synthetic fleet for report tests: sites with a diurnal inference load, a training job
 * that pauses in the evening price peak, night-time batch work, solar, a battery that charges
 * at noon and discharges in the evening, and a price curve; plus a matching summary and
 * bills. Flows satisfy the ledger's energy balance at every step, like the simulator's.
 */
import type { BillLine, SiteBill } from '../../src/billing/bill.ts';
import type { Kpis, MonthKpis, SiteSummary, Summary } from '../../src/metrics/summary.ts';
import type { Ledger, SiteLedger, WorkloadFlows, WorkloadOutcome } from '../../src/simulate/ledger.ts';
import { calendarOf, gridEndMs, stepHours, stepStartMs, type TimeGrid } from '../../src/time/grid.ts';
import { formatUtcIso } from '../../src/time/parse.ts';

/** Options of `makeFleet`. */
export interface FleetOptions {
  sites?: number;
  days?: number;
  stepMinutes?: number;
  /** First step, UTC ISO. */
  start?: string;
  /** Time zone per site (cycled). */
  zones?: string[];
  horizonZone?: string;
  scenario?: string;
  currency?: string;
}

/** A synthetic fleet: ledger, summary, bills and site zones. */
export interface Fleet {
  ledger: Ledger;
  summary: Summary;
  bills: SiteBill[];
  siteTimeZones: string[];
}

const WORKLOADS = [
  { id: 'chat-inference', type: 'inference' as const },
  { id: 'train-llm-70b', type: 'training' as const },
  { id: 'batch-embed', type: 'batch' as const },
];

/** Deterministic pseudo-random number in [0, 1) from an integer seed. */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

function flows(w: number, n: number): WorkloadFlows {
  const z = () => new Float64Array(n);
  return { workload: w, id: WORKLOADS[w]!.id, type: WORKLOADS[w]!.type, itKW: z(), gpus: z(), gpuPowerW: z(), throughput: z(), workGpuHours: z(), tokens: z(), demandTokensPerSecond: z() };
}

function siteLedger(index: number, id: string, grid: TimeGrid, zone: string): SiteLedger {
  const n = grid.steps;
  const h = stepHours(grid);
  const cal = calendarOf(grid, zone);
  const cap = 2000 * (1 + index); // installed IT, kW
  const z = () => new Float64Array(n);
  const L: SiteLedger = {
    site: index, id, itKW: z(), idleItKW: z(), coolingKW: z(), lossesKW: z(), fixedKW: z(), facilityKW: z(),
    renewableAvailableKW: z(), renewableUsedKW: z(), renewableExportKW: z(), renewableCurtailedKW: z(), directGreenKW: z(),
    storageChargeKW: z(), storageDischargeKW: z(), socKWh: z(), gridImportKW: z(), gridExportKW: z(), shortfallKW: z(),
    facilityLoadKW: z(), siteLoadKW: z(), generatorKW: z(), generators: [],
    gridToLoadKW: z(), gridToStorageKW: z(), renewableToLoadKW: z(), renewableToStorageKW: z(), storageToLoadKW: z(), storageToGridKW: z(),
    generatorToLoadKW: z(), generatorToStorageKW: z(), generatorToGridKW: z(),
    importPrice: z(), exportPrice: z(), carbonIntensity: z(), gridRenewableShare: z(), workloads: [],
  };
  const inf = flows(0, n);
  const second = flows(index % 2 === 0 ? 1 : 2, n);
  L.workloads.push(inf, second);
  const batteryKWh = cap * 1.0;
  const batteryKW = cap * 0.5;
  const eta = 0.95;
  let soc = batteryKWh * 0.1; // starts empty (at its floor), so discharged energy was charged from solar
  for (let t = 0; t < n; t++) {
    const hour = cal.hour[t]! + cal.minute[t]! / 60;
    const day = cal.dayIndex[t]!;
    const daily = Math.sin((2 * Math.PI * (hour - 9)) / 24); // peaks mid-afternoon
    const sun = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12));
    const eveningPeak = hour >= 17 && hour < 21 ? 1 : 0;
    // workloads
    inf.itKW[t] = cap * 0.35 * (0.65 + 0.35 * daily) * (0.95 + 0.1 * noise(t + 7 * index));
    inf.gpus[t] = inf.itKW[t]! / 1.0;
    inf.gpuPowerW[t] = 700;
    inf.throughput[t] = 1;
    inf.tokens[t] = inf.itKW[t]! * h * 1.2e7;
    inf.demandTokensPerSecond[t] = inf.tokens[t]! / (3600 * h);
    inf.workGpuHours[t] = inf.gpus[t]! * h;
    if (second.type === 'training') second.itKW[t] = cap * 0.4 * (eveningPeak ? 0.5 : 1);
    else second.itKW[t] = cap * (hour < 6 ? 0.25 : 0.05);
    second.gpus[t] = second.itKW[t]! / 1.0;
    second.gpuPowerW[t] = eveningPeak ? 450 : 700;
    second.throughput[t] = eveningPeak && second.type === 'training' ? 0.78 : 1;
    second.workGpuHours[t] = second.gpus[t]! * second.throughput[t]! * h;
    second.tokens[t] = second.type === 'batch' ? second.itKW[t]! * h * 0.8e7 : 0;
    // facility
    L.idleItKW[t] = cap * 0.03;
    L.itKW[t] = inf.itKW[t]! + second.itKW[t]! + L.idleItKW[t]!;
    const tempC = 18 + 7 * daily + 6 * Math.sin((2 * Math.PI * day) / 365);
    L.coolingKW[t] = L.itKW[t]! * (0.05 + 0.004 * Math.max(0, tempC - 10));
    L.lossesKW[t] = 0.03 * (L.itKW[t]! + L.coolingKW[t]!);
    L.fixedKW[t] = cap * 0.02;
    L.facilityKW[t] = L.itKW[t]! + L.coolingKW[t]! + L.lossesKW[t]! + L.fixedKW[t]!;
    // renewables and storage
    const solar = cap * 0.9 * sun * (0.45 + 0.55 * noise(day * 31 + index));
    L.renewableAvailableKW[t] = solar;
    const excess = Math.max(0, solar - L.facilityKW[t]!);
    const charge = hour >= 9 && hour < 16 ? Math.max(0, Math.min(batteryKW, excess, (batteryKWh * 0.95 - soc) / (h * eta))) : 0;
    soc += charge * h * eta;
    const discharge = eveningPeak ? Math.max(0, Math.min(batteryKW, (soc - batteryKWh * 0.1) * eta / h, L.facilityKW[t]!)) : 0;
    soc -= (discharge * h) / eta;
    L.storageChargeKW[t] = charge;
    L.storageDischargeKW[t] = discharge;
    L.socKWh[t] = soc;
    const net = L.facilityKW[t]! + charge - solar - discharge;
    let exported = 0, curtailed = 0;
    if (net >= 0) L.gridImportKW[t] = net;
    else {
      exported = Math.min(-net, cap * 0.2);
      curtailed = -net - exported;
    }
    L.gridExportKW[t] = exported;
    L.renewableExportKW[t] = exported;
    L.renewableCurtailedKW[t] = curtailed;
    L.renewableUsedKW[t] = solar - curtailed - exported;
    L.directGreenKW[t] = Math.min(L.facilityKW[t]!, L.renewableUsedKW[t]! - charge + discharge);
    // market
    L.importPrice[t] = 42 + 55 * eveningPeak + 12 * daily - 30 * sun + 8 * noise(t * 3 + index);
    L.exportPrice[t] = 0.8 * L.importPrice[t]!;
    L.carbonIntensity[t] = 460 - 220 * sun;
    L.gridRenewableShare[t] = 0.22 + 0.3 * sun;
  }
  return L;
}

function sum(a: Float64Array, h = 1): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t]!;
  return s * h;
}

function billOf(L: SiteLedger, grid: TimeGrid, zone: string): SiteBill {
  const cal = calendarOf(grid, zone);
  const h = stepHours(grid);
  const lines: BillLine[] = [];
  const months = cal.monthKeys.map((month) => ({ month, total: 0 }));
  const breakdown = { energy: 0, demand: 0, capacity: 0, fixed: 0, minimum: 0, exportCredit: 0, pueAdjustment: 0, certificates: 0, renewableSupply: 0, carbon: 0, generation: 0 };
  cal.monthKeys.forEach((month, m) => {
    let imp = 0, cost = 0, exp = 0, credit = 0, peak = 0;
    for (let t = 0; t < grid.steps; t++) {
      if (cal.monthIndex[t] !== m) continue;
      imp += (L.gridImportKW[t]! * h) / 1000;
      cost += (L.gridImportKW[t]! * h * L.importPrice[t]!) / 1000;
      exp += (L.gridExportKW[t]! * h) / 1000;
      credit += (L.gridExportKW[t]! * h * L.exportPrice[t]!) / 1000;
      peak = Math.max(peak, L.gridImportKW[t]!);
    }
    const add = (line: Omit<BillLine, 'month'>, kind: keyof typeof breakdown) => {
      lines.push({ month, ...line });
      breakdown[kind] += line.amount;
      months[m]!.total += line.amount;
    };
    add({ item: 'energy, spot', quantity: imp, unit: 'MWh', rate: imp > 0 ? cost / imp : 0, rateUnit: 'per MWh', amount: cost }, 'energy');
    add({ item: 'maximum demand (15-min average)', quantity: peak, unit: 'kW', rate: 8.5, rateUnit: 'per kW-month', amount: peak * 8.5 }, 'demand');
    if (exp > 0) add({ item: 'export credit', quantity: exp, unit: 'MWh', rate: -credit / exp, rateUnit: 'per MWh', amount: -credit }, 'exportCredit');
  });
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { site: L.id, lines, months, breakdown, total, certificatesMWh: 0, puePeriods: [{ period: cal.monthKeys[0]!.slice(0, 4), pue: sum(L.facilityKW) / sum(L.itKW), tier: 'none' }] };
}

function kpisOf(ls: SiteLedger[], bills: SiteBill[], grid: TimeGrid, lateJobs: number): Kpis {
  const h = stepHours(grid);
  const tot = (f: (L: SiteLedger) => Float64Array) => ls.reduce((a, L) => a + sum(f(L), h), 0);
  const it = tot((L) => L.itKW), facility = tot((L) => L.facilityKW), green = tot((L) => L.directGreenKW);
  let gridRe = 0, co2 = 0, tokens = 0;
  const fleetImport = new Float64Array(grid.steps);
  for (const L of ls) {
    for (let t = 0; t < grid.steps; t++) {
      gridRe += L.gridImportKW[t]! * L.gridRenewableShare[t]! * h;
      co2 += L.gridImportKW[t]! * L.carbonIntensity[t]! * h;
      fleetImport[t]! += L.gridImportKW[t]!;
    }
    for (const f of L.workloads) tokens += sum(f.tokens);
  }
  const b = bills.reduce((acc, x) => {
    for (const k of Object.keys(acc) as Array<keyof typeof acc>) acc[k] += x.breakdown[k];
    return acc;
  }, { energy: 0, demand: 0, capacity: 0, fixed: 0, minimum: 0, exportCredit: 0, pueAdjustment: 0, certificates: 0, renewableSupply: 0, carbon: 0, generation: 0 });
  const cost = bills.reduce((a, x) => a + x.total, 0);
  return {
    itEnergyMWh: it / 1000, coolingEnergyMWh: tot((L) => L.coolingKW) / 1000, lossesEnergyMWh: tot((L) => L.lossesKW) / 1000, fixedEnergyMWh: tot((L) => L.fixedKW) / 1000,
    facilityEnergyMWh: facility / 1000, pue: facility / it, siteLoadEnergyMWh: 0, generatorEnergyMWh: 0, generatorCo2Tonnes: 0, gridImportMWh: tot((L) => L.gridImportKW) / 1000, gridExportMWh: tot((L) => L.gridExportKW) / 1000,
    renewableAvailableMWh: tot((L) => L.renewableAvailableKW) / 1000, renewableCurtailedMWh: tot((L) => L.renewableCurtailedKW) / 1000, directGreenMWh: green / 1000,
    directGreenRatio: green / facility, renewableShare: (green + gridRe) / facility, co2Tonnes: co2 / 1e6, energyCost: cost, energyCostBreakdown: b,
    storageDegradationCost: tot((L) => L.storageDischargeKW) * 0.01, storageThroughputMWh: tot((L) => L.storageDischargeKW) / 1000,
    peakImportMW: Math.max(...fleetImport) / 1000, shortfallMWh: 0, tokens,
    tokensPerJouleIT: tokens / (it * 3.6e6), tokensPerJouleFacility: tokens / (facility * 3.6e6), energyCostPerMillionTokens: cost / (tokens / 1e6),
    unservedWork: 12.5 * ls.length, unservedTokens: 3.2e9 * ls.length, lateJobs, sloAttainment: 0.9985,
  };
}

function monthsOf(ls: SiteLedger[], bills: SiteBill[], grid: TimeGrid, zone: string): MonthKpis[] {
  const cal = calendarOf(grid, zone);
  const h = stepHours(grid);
  return cal.monthKeys.map((month, m) => {
    let it = 0, fac = 0, green = 0, imp = 0, co2 = 0;
    for (const L of ls) for (let t = 0; t < grid.steps; t++) {
      if (cal.monthIndex[t] !== m) continue;
      it += L.itKW[t]! * h; fac += L.facilityKW[t]! * h; green += L.directGreenKW[t]! * h; imp += L.gridImportKW[t]! * h; co2 += L.gridImportKW[t]! * L.carbonIntensity[t]! * h;
    }
    const cost = bills.reduce((a, b) => a + (b.months.find((x) => x.month === month)?.total ?? 0), 0);
    return { month, itEnergyMWh: it / 1000, facilityEnergyMWh: fac / 1000, pue: fac / it, directGreenRatio: green / fac, gridImportMWh: imp / 1000, co2Tonnes: co2 / 1e6, energyCost: cost };
  });
}

/** Builds a synthetic fleet (default: 2 sites, one week, hourly, from 2023-07-10 UTC). */
export function makeFleet(o: FleetOptions = {}): Fleet {
  const sites = o.sites ?? 2;
  const stepMinutes = o.stepMinutes ?? 60;
  const days = o.days ?? 7;
  const zones = o.zones ?? ['America/Chicago', 'Asia/Shanghai'];
  const grid: TimeGrid = { startMs: Date.parse(o.start ?? '2023-07-10T00:00:00Z'), stepMinutes, steps: Math.round((days * 1440) / stepMinutes), timeZone: o.horizonZone ?? zones[0]! };
  const siteTimeZones = Array.from({ length: sites }, (_, i) => zones[i % zones.length]!);
  const ids = Array.from({ length: sites }, (_, i) => `site-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`);
  const ls = ids.map((id, i) => siteLedger(i, id, grid, siteTimeZones[i]!));
  const bills = ls.map((L, i) => billOf(L, grid, siteTimeZones[i]!));
  const outcomes: WorkloadOutcome[] = WORKLOADS.map((w, index) => {
    const done = ls.reduce((a, L) => a + L.workloads.filter((f) => f.workload === index).reduce((b, f) => b + sum(f.workGpuHours), 0), 0);
    const tokens = ls.reduce((a, L) => a + L.workloads.filter((f) => f.workload === index).reduce((b, f) => b + sum(f.tokens), 0), 0);
    return {
      workload: index, id: w.id, type: w.type,
      requiredGpuHours: w.type === 'inference' ? 0 : done * (w.type === 'batch' ? 1.02 : 1), doneGpuHours: done, lateGpuHours: 0,
      remainingGpuHours: w.type === 'batch' ? done * 0.02 : 0, finishedStep: w.type === 'training' ? grid.steps - 5 : -1,
      late: w.type === 'batch', tokens, demandTokens: w.type === 'inference' ? tokens * 1.0015 : 0, unservedTokens: w.type === 'inference' ? tokens * 0.0015 : 0,
      performance: w.type === 'training' ? 0.93 : w.type === 'batch' ? 0.72 : 0.9985, qosFloor: w.type === 'inference' ? undefined : w.type === 'training' ? 0.9 : 0.75, qosWeight: 1,
    };
  });
  const ledger: Ledger = { policy: 'greedy', grid, sites: ls, outcomes, corrections: ['storage limit at site-a (charge clipped)', 'storage limit at site-a (charge clipped)'], maxEnergyBalanceErrorKWh: 1.2e-9, notes: [] };
  const siteSummaries: SiteSummary[] = ls.map((L, i) => ({
    id: L.id, name: `Site ${L.id.slice(5).toUpperCase()} (${siteTimeZones[i]})`, timeZone: siteTimeZones[i]!, designPue: 1.12, installedItMW: (2000 * (1 + i)) / 1000,
    ...kpisOf([L], [bills[i]!], grid, i === 1 ? 1 : 0), months: monthsOf([L], [bills[i]!], grid, siteTimeZones[i]!),
  }));
  const summary: Summary = {
    scenario: o.scenario ?? 'Texas and Shanghai summer week',
    policy: 'greedy',
    notes: [],
    horizon: { start: formatUtcIso(grid.startMs), end: formatUtcIso(gridEndMs(grid)), stepMinutes, steps: grid.steps, timeZone: grid.timeZone },
    currency: o.currency ?? 'USD',
    fleet: { ...kpisOf(ls, bills, grid, 1), months: monthsOf(ls, bills, grid, grid.timeZone) },
    sites: siteSummaries,
    jobs: outcomes.map((x) => ({ id: x.id, type: x.type, requiredGpuHours: x.requiredGpuHours, doneGpuHours: x.doneGpuHours, remainingGpuHours: x.remainingGpuHours, late: x.late, tokens: x.tokens, unservedTokens: x.unservedTokens, performance: x.performance, qosWeight: x.qosWeight, qosFloor: x.qosFloor ?? null, finishedAt: x.finishedStep >= 0 ? formatUtcIso(stepStartMs(grid, x.finishedStep + 1)) : null })),
    qos: { weighted: 0.825, jobs: [{ id: 'train-llm-70b', performance: 0.93, floor: 0.9, weight: 0.5 }, { id: 'batch-embed', performance: 0.72, floor: 0.75, weight: 0.5 }] },
    checks: { maxEnergyBalanceErrorKWh: ledger.maxEnergyBalanceErrorKWh, corrections: ledger.corrections },
    warnings: ['price series for site-b has 3 gaps filled by linear interpolation'],
    series: [
      { name: 'sites[0].series.price', file: 'prices.csv', source: 'prices.csv column "Price (USD/MWh)"', unitFrom: 'USD/MWh', unitTo: 'currency/MWh', samples: 8760, samplesInHorizon: grid.steps, duplicates: 1, missingCells: 3, nonexistentLocalTimes: 0, sourceStepMinutes: 60, gapSteps: 3, gapRuns: 1, longestGapSteps: 3, fill: 'linear', resample: 'mean' },
      { name: 'sites[1].series.carbonIntensity', source: 'carbon.csv column "gCO2eq/kWh"', unitFrom: 'gCO2/kWh', unitTo: 'gCO2/kWh', samples: 8760, samplesInHorizon: grid.steps, duplicates: 0, missingCells: 0, nonexistentLocalTimes: 0, sourceStepMinutes: 60, gapSteps: 0, gapRuns: 0, longestGapSteps: 0, fill: 'linear', resample: 'mean' },
    ],
  };
  return { ledger, summary, bills, siteTimeZones };
}

/** Largest |sources − sinks| of a site ledger over all steps, kW (for checking the fixture). */
export function maxBalanceErrorKW(L: SiteLedger): number {
  let worst = 0;
  for (let t = 0; t < L.itKW.length; t++) {
    const sources = L.renewableAvailableKW[t]! - L.renewableCurtailedKW[t]! + L.storageDischargeKW[t]! + L.gridImportKW[t]! + L.shortfallKW[t]!;
    const sinks = L.facilityKW[t]! + L.storageChargeKW[t]! + L.gridExportKW[t]!;
    worst = Math.max(worst, Math.abs(sources - sinks));
  }
  return worst;
}
