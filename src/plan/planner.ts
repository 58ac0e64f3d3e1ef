/**
 * Plans a fleet with the dispatch LP: one window over the whole horizon (`optimal`) or rolling
 * windows (look-ahead / commit) on forecasts (`rolling`). Each window is split into independent
 * groups of sites, solved in parallel HiGHS workers, and read back into one dispatch. Infeasible
 * windows are explained by an elastic re-solve, never answered with a bare "infeasible".
 */
import { checkLpSize } from './lp-size.ts';
import { InputError, throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { defaultSolverFactory, explainInfeasibility, solveOutcomeError, writeLpFile, writeMpsFile, type CompiledModel, type SolveResult, type Solver, type SolverFactory } from '../optimize/index.ts';
import type { Dispatch, SolverStats } from '../simulate/dispatch.ts';
import type { Progress } from '../simulate/engine.ts';
import { stepHours } from '../time/grid.ts';
import { batchComponents, siteComponents } from './components.ts';
import { extractWindow, emptyDispatch } from './extract.ts';
import { buildFleetLp, effectiveDeadline, emptyWindowState, type FleetLpLayout, type FleetLpOptions, type PowerCap, type WindowSignals, type WindowState } from './fleet-lp.ts';
import { BILL_COMPONENTS } from '../billing/bill.ts';
import { buildGuide, type Guide } from './guide.ts';
import { Forecaster, type ForecastOptions } from './signals.ts';

/** How to plan. */
export interface PlanOptions {
  mode: 'optimal' | 'rolling';
  /** Rolling: hours each window looks ahead, and hours of it that are committed. */
  lookaheadHours: number;
  commitHours: number;
  forecast: ForecastOptions;
  objective: 'cost' | 'qos';
  caps: PowerCap[];
  qosWindow?: FleetLpOptions['qosWindow'];
  /** 'highs' (WebAssembly, default) or a native binary on PATH: 'native', 'native-highs', 'native-cbc', 'native-glpsol'. */
  solver: string;
  /** Makes the solvers by the name in `solver` (default: {@link defaultSolverFactory}). */
  solverFactory?: SolverFactory;
  /** Stops planning between windows and aborts a running solve (a CancelledError). */
  signal?: AbortSignal;
  timeLimitSeconds?: number;
  /**
   * LP algorithm: 'auto' uses dual simplex for models up to 250,000 columns and the interior-point
   * method above (measured: 7 s vs 18 s on the 144k-column Texas year, 10+ min vs 98 s on a
   * 433k-column four-site year).
   */
  lpMethod: 'auto' | 'simplex' | 'ipm';
  maxPoints: number;
  /** Parallel solver workers. */
  workers: number;
  /** Most sites in one LP when sites are independent (several small LPs solve faster). */
  maxSitesPerModel: number;
  /** Write the (first window's) whole-fleet model here: CPLEX LP, or MPS when the name ends in .mps. */
  exportLp?: string;
  /** Rolling: pace jobs and peaks with a coarse full-horizon guide (default true). */
  guide?: boolean;
  /** Binary variables for non-convex tariff rules and generator on/off: exact when the model is small (auto), always, or never. */
  integers?: 'auto' | 'exact' | 'relax';
  /** A solver to use instead of making one (`solver` and `solverFactory` are then ignored); the caller closes it. */
  solverInstance?: Solver;
  progress?: Progress;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  mode: 'optimal',
  lookaheadHours: 48,
  commitHours: 24,
  forecast: { kind: 'perfect' },
  objective: 'cost',
  caps: [],
  solver: 'highs',
  lpMethod: 'auto',
  maxPoints: 4,
  workers: 2,
  maxSitesPerModel: 8,
};

/** Value of one more GPU-hour of progress now: the energy cost of a GPU-hour at the price below which the rest of the job fits. */
function terminalValues(model: FleetModel, from: number, to: number, signals: WindowSignals, state: WindowState): number[] {
  const h = stepHours(model.grid);
  const history = Math.round((28 * 24) / h);
  return model.workloads.map((w) => {
    if (w.type === 'inference' || w.continuous) return 0;
    const left = w.workGpuHours - state.doneGpuHours[w.index]!;
    if (left <= 0) return 0;
    const end = effectiveDeadline(w, h, model.grid.steps);
    const start = Math.max(from, w.releaseStep);
    if (end <= start) return 0;
    const need = left / (w.gpusMax * w.fullPower.throughput);
    const share = Math.min(1, need / ((end - start) * h));
    const site = model.sites[w.siteIndices[0]!]!;
    const sample: number[] = [];
    for (let t = Math.max(0, from - history); t < from; t++) sample.push(site.importPrice[t]!);
    for (let t = from; t < to; t++) sample.push(signals.importPrice[site.index]![t]!);
    sample.sort((a, b) => a - b);
    const price = sample[Math.min(sample.length - 1, Math.floor(share * sample.length))] ?? 0;
    let slope = 0;
    for (let t = from; t < to; t++) slope += site.facility.coolingSlope[t]!;
    const facilityPerIt = 1 + site.facility.lossSlope + slope / Math.max(1, to - from);
    const kWhPerGpuHour = (w.fullPower.itPowerW / 1000) * facilityPerIt;
    // a little above the threshold, so that hours at the threshold price are used
    return ((kWhPerGpuHour * Math.max(0, price)) / 1000 / w.fullPower.throughput) * 1.02 + 1e-6;
  });
}

function updateState(model: FleetModel, layout: FleetLpLayout, x: Float64Array, commitTo: number, state: WindowState): void {
  const h = stepHours(model.grid);
  const end = Math.min(commitTo, layout.to);
  for (const j of layout.jobs) {
    const K = j.points.length;
    for (let t = j.t0; t < Math.min(j.t1, end); t++) {
      const base = j.first + (t - j.t0) * K;
      for (let k = 0; k < K; k++) state.doneGpuHours[j.workload]! += Math.max(0, x[base + k]!) * j.points[k]!.throughput * h;
    }
  }
  layout.sites.forEach((L, s) => {
    if (!L) return;
    if (L.soc >= 0 && end > layout.from) state.socKWh[s] = x[L.soc + end - 1 - layout.from]!;
    const site = model.sites[s]!;
    const c = site.compiledTariff;
    const ts = state.tariff[s]!;
    const g = (t: number) => x[L.g + t - layout.from]!;
    // demand measured in the committed steps (interval averages, as the bill measures them)
    const peakAt = (per: number, counts: Uint8Array | undefined, key: (m: number) => string) => {
      for (let i = Math.floor(layout.from / per) * per; i < end; i += per) {
        if (counts && !counts[i]) continue;
        const first = Math.max(i, layout.from);
        let sum = 0;
        const k = Math.min(per, model.grid.steps - i);
        for (let q = first; q < Math.min(i + per, end); q++) sum += g(q);
        const kk = key(site.calendar.monthIndex[first]!);
        if (sum / k > (ts.peaks.get(kk) ?? 0)) ts.peaks.set(kk, sum / k);
      }
    };
    c.demand.forEach((d, ci) => {
      if (d.measure === 'max') peakAt(d.intervalSteps, d.counts, (m) => `${ci}@${m}`);
    });
    if (c.twoPart) peakAt(c.twoPart.intervalSteps, undefined, (m) => `tp@${m}`);
    for (let t = layout.from; t < end; t++) {
      const m = site.calendar.monthIndex[t]!;
      ts.importMWh.set(m, (ts.importMWh.get(m) ?? 0) + (g(t) * h) / 1000);
      if (L.e >= 0) ts.creditedMWh.set(m, (ts.creditedMWh.get(m) ?? 0) + (x[L.e + t - layout.from]! * h) / 1000);
      L.gen.forEach((gc, j) => {
        if (x[gc.p + t - layout.from]! > 1e-9) state.runHours[s]![j]! += h;
      });
    }
  });
}

function energy(kWh: number): string {
  return kWh >= 1e6 ? `${(kWh / 1e6).toFixed(2)} GWh` : kWh >= 1e3 ? `${(kWh / 1e3).toFixed(1)} MWh` : `${kWh.toFixed(1)} kWh`;
}

async function explain(compiled: CompiledModel, layout: FleetLpLayout, solver: Solver, model: FleetModel): Promise<never> {
  const report = await explainInfeasibility(compiled, layout.softRows, solver, { timeLimitSeconds: 120 });
  const h = stepHours(model.grid);
  const lines: string[] = [];
  const heads: string[] = [];
  // supply shortfalls: merge consecutive steps of a site into windows
  const supply = report.violations.filter((v) => v.group === 'power supply').map((v) => {
    const [s, t] = v.label.split('@').map(Number) as [number, number];
    return { s, t, kWh: v.amount };
  });
  for (const site of model.sites) {
    const steps = supply.filter((x) => x.s === site.index).sort((a, b) => a.t - b.t);
    if (steps.length === 0) continue;
    const total = steps.reduce((a, x) => a + x.kWh, 0);
    heads.push(`site ${site.id} needs ${energy(total)} more than its grid connection and local supply can deliver`);
    let i = 0;
    while (i < steps.length) {
      let j = i;
      while (j + 1 < steps.length && steps[j + 1]!.t === steps[j]!.t + 1 && site.importLimitKW[steps[j + 1]!.t] === site.importLimitKW[steps[i]!.t]) j++;
      const run = steps.slice(i, j + 1);
      const kWh = run.reduce((a, x) => a + x.kWh, 0);
      const limitKW = site.importLimitKW[run[0]!.t]!;
      const cal = site.calendar;
      const stamp = (t: number) => `${cal.dayKeys[cal.dayIndex[t]!]} ${String(cal.hour[t]).padStart(2, '0')}:${String(cal.minute[t]).padStart(2, '0')}`;
      const endT = run[run.length - 1]!.t + 1;
      const endStamp = endT < model.grid.steps ? stamp(endT).slice(-5) : 'end';
      lines.push(
        `site ${site.id}, ${stamp(run[0]!.t)}–${endStamp} (${site.timeZone}): import limit ${(limitKW / 1000).toFixed(2)} MW, but the least-cost plan that breaks only this limit draws ${((limitKW + kWh / (run.length * h)) / 1000).toFixed(2)} MW (idle GPUs, must-run work, cooling): short by ${energy(kWh)}`,
      );
      i = j + 1;
    }
  }
  for (const v of report.violations.filter((x) => x.group !== 'power supply').slice(0, 10)) {
    lines.push(`${v.label}: short by ${v.unit === 'kWh' ? energy(v.amount) : `${v.amount.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${v.unit}`}`);
    heads.push(`${v.label} cannot be met`);
  }
  throw new InputError(
    'PLAN_INFEASIBLE',
    `no plan satisfies every limit of ${model.name}${heads.length ? `: ${heads.slice(0, 3).join('; ')}` : ' (the elastic re-solve found no single limit to relax; check conflicting caps)'}`,
    {},
    lines.slice(0, 20),
  );
}

/** The planning windows [from, to, commitTo) in steps: one for `optimal`, look-ahead windows for `rolling`. */
function planWindows(model: FleetModel, o: PlanOptions): Array<[number, number, number]> {
  const n = model.grid.steps;
  const h = stepHours(model.grid);
  const windows: Array<[number, number, number]> = [];
  if (o.mode === 'optimal') windows.push([0, n, n]);
  else {
    const L = Math.max(1, Math.round(o.lookaheadHours / h));
    const C = Math.max(1, Math.min(L, Math.round(o.commitHours / h)));
    for (let from = 0; from < n; from += C) windows.push([from, Math.min(n, from + L), Math.min(n, from + C)]);
  }
  return windows;
}

function initialState(model: FleetModel): WindowState {
  return emptyWindowState(model);
}

/**
 * The whole-fleet model of the first planning window, as `--export-lp` writes it (CPLEX LP or
 * MPS) so an independent solver can check it. Nothing is solved.
 */
export function firstWindowModel(model: FleetModel, options: Partial<PlanOptions> = {}): CompiledModel {
  const o: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...options };
  const [from, to] = planWindows(model, o)[0]!;
  const forecaster = new Forecaster(model, o.forecast);
  const state = initialState(model);
  const lpOpts = lpOptions(o, model, from, to, forecaster.window(from, to), state);
  return buildFleetLp(model, from, to, forecaster.window(from, to), state, lpOpts).lp.compile();
}

/** Plans the fleet and returns the dispatch (with solver statistics). */
export async function planFleet(model: FleetModel, options: Partial<PlanOptions> = {}): Promise<Dispatch> {
  const o: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...options };
  const n = model.grid.steps;
  const policy = o.mode === 'optimal' ? 'optimal' : `rolling ${o.lookaheadHours}h/${o.commitHours}h${o.forecast.kind === 'perfect' ? '' : `, ${o.forecast.kind} forecast`}`;
  const dispatch = emptyDispatch(model, policy);
  const windows = planWindows(model, o);
  const state = initialState(model);
  throwIfCancelled(o.signal, 'before planning');
  // a full-horizon model is already large: solve every independent group on its own (in parallel)
  const batches = batchComponents(siteComponents(model, o.caps), o.mode === 'optimal' ? 1 : o.maxSitesPerModel);
  checkLpSize(model, batches, windows.reduce((a, [from, to]) => Math.max(a, to - from), 0), o.maxPoints);
  const forecaster = new Forecaster(model, o.forecast);
  const makeSolver = o.solverFactory ?? defaultSolverFactory;
  // a solver passed in is the caller's to keep (and close); otherwise one per worker, closed here
  const solvers: Solver[] = o.solverInstance ? [o.solverInstance] : [];
  try {
    if (!o.solverInstance) for (let i = 0; i < Math.max(1, Math.min(o.workers, batches.length)); i++) solvers.push(makeSolver(o.solver));
  } catch (e) {
    await Promise.all(solvers.map((s) => s.close?.()));
    throw e;
  }
  const stats: SolverStats = { solver: solvers[0]!.name, status: 'optimal', objective: 0, rows: 0, columns: 0, nonzeros: 0, buildSeconds: 0, solveSeconds: 0, mipGap: null, solves: 0, windows: windows.length, largestColumns: 0 };
  try {
    if (o.exportLp) {
      const compiled = firstWindowModel(model, o);
      if (o.exportLp.toLowerCase().endsWith('.mps')) await writeMpsFile(compiled, o.exportLp);
      else await writeLpFile(compiled, o.exportLp);
    }
    let guide: Guide | undefined;
    if (o.mode === 'rolling' && o.guide !== false) {
      guide = await buildGuide(model, forecaster.window(0, n), solvers[0]!, batches, undefined, o.signal);
      throwIfCancelled(o.signal, 'while planning the guide');
      if (guide) {
        stats.buildSeconds += guide.buildSeconds;
        stats.solveSeconds += guide.solveSeconds;
        // a window pays for demand only above the month's peak the guide expects anyway
        guide.peaks.forEach((peaks, s) => peaks.forEach((kW, key) => state.tariff[s]!.peaks.set(key, kW)));
        dispatch.notes.push('rolling windows follow a seasonal guide (one day-block LP over the horizon) for job pacing and monthly peaks');
      }
    }
    let done = 0;
    const relaxations = new Set<string>();
    const predicted: NonNullable<SolverStats['predictedBill']> = [];
    for (const [from, to, commitTo] of windows) {
      throwIfCancelled(o.signal, `before window ${from}–${to}`);
      const signals = forecaster.window(from, to);
      const lpOpts = lpOptions(o, model, from, to, signals, state);
      if (guide) lpOpts.progressTarget = guide.cumulativeWork.map((c) => (c ? c[to - 1]! : 0));
      let next = 0;
      const results: Array<{ layout: FleetLpLayout; result: SolveResult } | undefined> = [];
      const work = async (solver: Solver) => {
        while (next < batches.length) {
          const b = next++;
          const t0 = performance.now();
          const { lp, layout } = buildFleetLp(model, from, to, signals, state, { ...lpOpts, sites: batches[b] });
          const compiled = lp.compile();
          stats.buildSeconds += (performance.now() - t0) / 1000;
          if (compiled.numColumns === 0) continue;
          const method = o.lpMethod === 'auto' ? (compiled.numColumns > 250_000 ? 'ipm' : 'simplex') : o.lpMethod;
          const result = await solver.solve(compiled, { timeLimitSeconds: o.timeLimitSeconds, method, signal: o.signal });
          stats.solves++;
          stats.solveSeconds += result.solveSeconds;
          stats.rows += compiled.numRows;
          stats.columns += compiled.numColumns;
          stats.nonzeros += compiled.numNonzeros;
          stats.largestColumns = Math.max(stats.largestColumns, compiled.numColumns);
          if (result.mipGap !== undefined) stats.mipGap = Math.max(stats.mipGap ?? 0, result.mipGap);
          if (result.status === 'infeasible' && !o.signal?.aborted) await explain(compiled, layout, solver, model);
          if (result.status !== 'optimal' && !(result.status === 'time-limit' && result.columnValues.length > 0)) {
            throw solveOutcomeError(result, { what: windows.length > 1 ? `the plan of window ${from}–${to}` : 'the plan', signal: o.signal });
          }
          if (result.status === 'time-limit') stats.status = 'time-limit';
          stats.objective += result.objective;
          results[b] = { layout, result };
          layout.relaxations.forEach((note) => relaxations.add(note));
          stats.integerColumns = (stats.integerColumns ?? 0) + layout.integerColumns;
          if (o.mode === 'optimal') {
            layout.books.forEach((book, s) => {
              if (!book) return;
              const br = book.evaluate(result.columnValues);
              predicted[s] = { site: model.sites[s]!.id, ...br, total: BILL_COMPONENTS.reduce((a, k) => a + br[k], 0) };
            });
          }
        }
      };
      await Promise.all(solvers.map(work));
      for (const r of results) {
        if (!r) continue;
        extractWindow(model, r.layout, r.result.columnValues, commitTo, dispatch);
        updateState(model, r.layout, r.result.columnValues, commitTo, state);
      }
      done++;
      o.progress?.(done / windows.length);
    }
    dispatch.notes.push(...relaxations);
    if (o.mode === 'optimal') stats.predictedBill = predicted.filter(Boolean);
  } finally {
    if (!o.solverInstance) await Promise.all(solvers.map((s) => s.close?.()));
  }
  if (o.mode === 'rolling') stats.objective = NaN; // window objectives overlap; the simulated cost is what counts
  dispatch.solver = stats;
  dispatch.notes.push(`${stats.solves} LP solve${stats.solves > 1 ? 's' : ''} over ${windows.length} window${windows.length > 1 ? 's' : ''}; largest model ${stats.largestColumns.toLocaleString('en-US')} columns`);
  return dispatch;
}

function lpOptions(o: PlanOptions, model: FleetModel, from: number, to: number, signals: WindowSignals, state: WindowState): FleetLpOptions {
  return {
    objective: o.objective,
    caps: o.caps,
    rolling: o.mode === 'rolling',
    terminalValuePerGpuHour: o.mode === 'rolling' ? terminalValues(model, from, to, signals, state) : undefined,
    maxPoints: o.maxPoints,
    qosWindow: o.qosWindow,
    holdStorageEnd: true,
    integers: o.integers,
  };
}
