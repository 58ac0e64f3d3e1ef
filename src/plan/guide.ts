/**
 * The seasonal guide of a rolling plan: one coarse LP over the whole horizon in day-long blocks
 * (signals averaged per block, storage left out since it cycles within a day), solved once at
 * the start. It paces the jobs (cumulative work each job should have done by each day) and sets
 * each month's demand peak a window may use without paying again. Short windows then keep
 * long-range decisions (finish the pre-training run by December; keep the peak flat all month)
 * that a 48-hour view cannot see.
 */
import type { FleetModel, SiteModel, WorkloadModel } from '../model/fleet-model.ts';
import type { Solver } from '../optimize/index.ts';
import type { CompiledTariff } from '../tariff/compile.ts';
import { calendarOf, stepHours, type Calendar, type TimeGrid } from '../time/grid.ts';
import { buildFleetLp, emptyWindowState, type WindowSignals } from './fleet-lp.ts';

/** What the guide tells each window. */
export interface Guide {
  buildSeconds: number;
  solveSeconds: number;
  /** Cumulative work (GPU-h) each workload should have done by the end of each grid step. */
  cumulativeWork: Array<Float64Array | undefined>;
  /** Demand peak per site, by `${charge}@${month index of the fine grid}` (all-hours charges), kW. */
  peaks: Array<Map<string, number>>;
  blockSteps: number;
}

const mean = (a: Float64Array, from: number, to: number) => {
  let s = 0;
  for (let t = from; t < to; t++) s += a[t]!;
  return s / Math.max(1, to - from);
};

/** Averages a fine series into blocks. */
function blocks(a: Float64Array, B: number, n: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let b = 0; b < count; b++) out[b] = mean(a, b * B, Math.min(n, (b + 1) * B));
  return out;
}

/**
 * The tariff on day blocks: block-average prices (adders included), and only the all-hours
 * demand charges (a daily block cannot see an hour-of-day window), at their first block's rate.
 * Returns the coarse tariff and, per coarse charge, the index of the fine charge it stands for.
 */
function coarseTariff(c: CompiledTariff, fine: Calendar, coarse: Calendar, importPrice: Float64Array, exportPrice: Float64Array, count: number): { tariff: CompiledTariff; charges: number[] } {
  const byKey = (a: Float64Array) => Float64Array.from(coarse.monthKeys, (k) => a[fine.monthKeys.indexOf(k)] ?? 0);
  const charges: number[] = [];
  const demand = c.demand.flatMap((d, i) => {
    if (d.measure !== 'max' || !d.counts.every((v, t) => v === 1 || t % d.intervalSteps !== 0)) return [];
    charges.push(i);
    return [{ ...d, intervalSteps: 1, counts: new Uint8Array(count).fill(1), tierKW: [Infinity], rates: [byKey(d.rates[0]!)], convex: true, ratchet: undefined, history: new Map<string, number>() }];
  });
  const tariff: CompiledTariff = {
    ...c,
    energyKind: 'flat',
    periods: [],
    period: undefined,
    energyPrice: importPrice,
    adderPerMWh: 0,
    energyTiers: [],
    energyTiersConvex: true,
    demand,
    capacity: undefined,
    twoPart: undefined,
    fixedPerMonth: 0,
    fixedPerDay: 0,
    minimumPerMonth: 0,
    monthHoursIn: byKey(c.monthHoursIn),
    monthHours: byKey(c.monthHours),
    monthDays: byKey(c.monthDays),
    share: byKey(c.share),
    export: { kind: c.export.kind === 'none' ? 'none' : 'price', price: exportPrice, excessPricePerMWh: 0 },
    exclusive: false,
  };
  return { tariff, charges };
}

/**
 * Builds and solves the guide, one model per group of sites that share nothing (`batches`);
 * returns undefined when the horizon is shorter than three blocks, a guide model fails or
 * `signal` fires (the windows then plan on their own, and check the signal themselves).
 */
export async function buildGuide(model: FleetModel, signals: WindowSignals, solver: Solver, batches: number[][], blockHours = 24, signal?: AbortSignal): Promise<Guide | undefined> {
  const n = model.grid.steps;
  const h = stepHours(model.grid);
  const B = Math.max(1, Math.round(blockHours / h));
  const count = Math.ceil(n / B);
  if (count < 3) return undefined;
  const grid: TimeGrid = { startMs: model.grid.startMs, stepMinutes: model.grid.stepMinutes * B, steps: count, timeZone: model.grid.timeZone };
  const chargeOf: number[][] = [];
  const sites: SiteModel[] = model.sites.map((s) => {
    const calendar = calendarOf(grid, s.timeZone);
    const importPrice = blocks(signals.importPrice[s.index]!, B, n, count);
    const exportPrice = blocks(signals.exportPrice[s.index]!, B, n, count);
    const { tariff, charges } = coarseTariff(s.compiledTariff, s.calendar, calendar, importPrice, exportPrice, count);
    chargeOf[s.index] = charges;
    const exportLimitKW = blocks(s.exportLimitKW, B, n, count);
    return {
      ...s,
      calendar,
      facility: { ...s.facility, coolingSlope: blocks(s.facility.coolingSlope, B, n, count) },
      facilityLoadKW: blocks(s.facilityLoadKW, B, n, count),
      siteLoadKW: blocks(s.siteLoadKW, B, n, count),
      generators: [], // a day block cannot commit a genset hour by hour
      renewables: s.renewables.map((r) => ({ ...r, availableKW: blocks(r.availableKW, B, n, count) })),
      renewableAvailableKW: blocks(s.renewableAvailableKW, B, n, count),
      storage: undefined,
      importLimitKW: blocks(s.importLimitKW, B, n, count),
      carbonIntensity: blocks(s.carbonIntensity, B, n, count),
      exportLimitKW,
      canExport: exportLimitKW.some((x) => x > 0),
      compiledTariff: tariff,
      importPrice,
      exportPrice,
      touPeriod: undefined,
    };
  });
  const workloads: WorkloadModel[] = model.workloads.map((w) => ({
    ...w,
    releaseStep: Math.ceil(w.releaseStep / B),
    deadlineStep: Math.floor(w.deadlineStep / B),
    demandTokensPerSecond: w.demandTokensPerSecond ? blocks(signals.demand[w.index]!, B, n, count) : undefined,
  }));
  const coarse: FleetModel = { ...model, grid, sites, workloads };
  const coarseSignals: WindowSignals = {
    importPrice: sites.map((s) => s.importPrice),
    exportPrice: sites.map((s) => s.exportPrice),
    renewableKW: sites.map((s) => s.renewables.map((r) => r.availableKW)),
    demand: workloads.map((w) => w.demandTokensPerSecond),
  };
  const state = emptyWindowState(coarse);
  const hb = stepHours(grid);
  const perBlock = model.workloads.map(() => new Float64Array(count));
  const peaks = model.sites.map(() => new Map<string, number>());
  let buildSeconds = 0;
  let solveSeconds = 0;
  for (const sitesOfBatch of batches) {
    const t0 = performance.now();
    const { lp, layout } = buildFleetLp(coarse, 0, count, coarseSignals, state, { objective: 'cost', caps: [], rolling: false, maxPoints: 4, holdStorageEnd: false, sites: sitesOfBatch, integers: 'relax' });
    const compiled = lp.compile();
    buildSeconds += (performance.now() - t0) / 1000;
    if (compiled.numColumns === 0) continue;
    if (signal?.aborted) return undefined;
    const result = await solver.solve(compiled, { signal });
    solveSeconds += result.solveSeconds;
    if (result.status !== 'optimal') return undefined; // the windows still plan on their own
    const x = result.columnValues;
    for (const j of layout.jobs) {
      const K = j.points.length;
      for (let b = j.t0; b < j.t1; b++) {
        const base = j.first + (b - j.t0) * K;
        for (let k = 0; k < K; k++) perBlock[j.workload]![b]! += Math.max(0, x[base + k]!) * j.points[k]!.throughput * hb;
      }
    }
    for (const s of sitesOfBatch) {
      const L = layout.sites[s];
      if (!L) continue;
      const cal = model.sites[s]!.calendar;
      for (const ci of chargeOf[s]!) {
        for (let b = 0; b < count; b++) {
          const key = `${ci}@${cal.monthIndex[Math.min(n - 1, b * B)]!}`;
          peaks[s]!.set(key, Math.max(peaks[s]!.get(key) ?? 0, x[L.g + b]!));
        }
      }
    }
  }
  const cumulativeWork = model.workloads.map((w) => {
    if (w.type === 'inference' || w.continuous) return undefined;
    const out = new Float64Array(n);
    let acc = 0;
    for (let b = 0; b < count; b++) {
      const start = acc;
      acc += perBlock[w.index]![b]!;
      const a = b * B;
      const e = Math.min(n, a + B);
      for (let t = a; t < e; t++) out[t] = start + ((acc - start) * (t + 1 - a)) / (e - a);
    }
    return out;
  });
  return { cumulativeWork, peaks, blockSteps: B, buildSeconds, solveSeconds };
}
