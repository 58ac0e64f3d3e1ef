/**
 * Plans a fleet with the dispatch LP: one window over the whole horizon (`optimal`) or rolling
 * windows (look-ahead / commit) on forecasts (`rolling`). Each window is split into independent
 * groups of sites, solved in parallel HiGHS workers, and read back into one dispatch. Infeasible
 * windows are explained by an elastic re-solve, never answered with a bare "infeasible".
 */
import { checkLpSize } from './lp-size.ts';
import { throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { LocalExecutor } from '../decompose/executor.ts';
import { planWindowsDecomposed } from '../decompose/plan-windows.ts';
import { defaultSolverFactory, rowActivities, solveOutcomeError, writeLpFile, writeMpsFile, type CompiledModel, type SolveResult, type Solver } from '../optimize/index.ts';
import type { Dispatch, SolverStats } from '../simulate/dispatch.ts';
import { stepHours } from '../time/grid.ts';
import { lpMethodFor } from '../optimize/lp-method.ts';
import { describeSolveProgress, type SolveProgress } from '../optimize/solve-progress.ts';
import { batchComponents, siteComponents } from './components.ts';
import { explainInfeasibleWindow } from './explain-infeasible.ts';
import { extractWindow, emptyDispatch } from './extract.ts';
import { fleetImportCaps, FleetBudgetPacer } from './fleet-limits.ts';
import { buildFleetLp, emptyWindowState, type FleetLpLayout, type FleetLpOptions, type WindowSignals, type WindowState } from './fleet-lp.ts';
import { BILL_COMPONENTS } from '../billing/bill.ts';
import { buildGuide, type Guide } from './guide.ts';
import { Forecaster } from './signals.ts';
import { terminalValues } from './terminal-values.ts';
import { advanceTariffState } from './tariff-lp.ts';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from './plan-options.ts';

export { DEFAULT_PLAN_OPTIONS, type PlanOptions } from './plan-options.ts';

/** Models at least this large report their solve's progress (smaller ones finish in a blink). */
const PROGRESS_MIN_COLUMNS = 20_000;

/** Carries the committed steps' work, state of charge and monthly peaks into the next window's state. */
export function updateState(model: FleetModel, layout: FleetLpLayout, x: Float64Array, commitTo: number, state: WindowState): void {
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
    const g = (t: number) => x[L.g + t - layout.from]!;
    advanceTariffState(site, model.grid, layout.from, end, g, L.e >= 0 ? (t) => x[L.e + t - layout.from]! : undefined, state.tariff[s]!);
    for (let t = layout.from; t < end; t++) {
      L.gen.forEach((gc, j) => {
        if (x[gc.p + t - layout.from]! > 1e-9) state.runHours[s]![j]! += h;
      });
    }
  });
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
  const lpOpts = { ...lpOptions(o, model, from, to, forecaster.window(from, to), state), caps: [...o.caps, ...fleetImportCaps(model)], budgets: new FleetBudgetPacer(model).window(from, to, to).limits };
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
  // fleet-wide limits: the shared import cap as caps, the horizon rules as budgets paced per window
  const caps = [...o.caps, ...fleetImportCaps(model)];
  const pacer = new FleetBudgetPacer(model);
  // sites that share a workload must be in one model; caps and budgets couple them further
  const inseparable = siteComponents(model);
  const coupled = siteComponents(model, [...caps, ...pacer.spans]);
  // a recovered plan mixes site plans; a generator's on/off and fuel do not mix, so such fleets stay one model
  const withGenerators = model.sites.some((s) => s.generators.length > 0);
  const decompose = useDecomposition(o, coupled, inseparable) && !withGenerators;
  // a full-horizon model is already large: solve every independent group on its own (in parallel)
  const perModel = o.mode === 'optimal' ? 1 : o.maxSitesPerModel;
  const batches = batchComponents(coupled, perModel);
  const groups = decompose ? batchComponents(inseparable, o.sitesPerSubproblem ?? 1) : [];
  checkLpSize(model, decompose ? groups : batches, windows.reduce((a, [from, to]) => Math.max(a, to - from), 0), o.maxPoints);
  const forecaster = new Forecaster(model, o.forecast);
  const makeSolver = o.solverFactory ?? defaultSolverFactory;
  // a solver passed in is the caller's to keep (and close); otherwise one per worker, closed here
  const solvers: Solver[] = o.solverInstance ? [o.solverInstance] : [];
  try {
    if (!o.solverInstance) for (let i = 0; i < Math.max(1, Math.min(o.workers, decompose ? o.workers : batches.length)); i++) solvers.push(makeSolver(o.solver));
  } catch (e) {
    await Promise.all(solvers.map((s) => s.close?.()));
    throw e;
  }
  const fellBack = new Set<string>();
  /** A model went to another backend than the configured one (a native binary for a model above the WebAssembly budget). */
  const noteFallback = (backend: string, message?: string) => {
    if (fellBack.has(backend)) return;
    fellBack.add(backend);
    stats.solver = `${solvers[0]!.name} + ${backend}`;
    const text = message ?? `some models were solved with ${backend}`;
    dispatch.notes.push(text);
    o.progress?.(0, text);
  };
  const stats: SolverStats = { solver: solvers[0]!.name, status: 'optimal', objective: 0, rows: 0, columns: 0, nonzeros: 0, buildSeconds: 0, solveSeconds: 0, mipGap: null, solves: 0, windows: windows.length, largestColumns: 0 };
  if (withGenerators && useDecomposition(o, coupled, inseparable)) dispatch.notes.push('fleet-wide limits are planned in one model, not decomposed: a site has generators, whose on/off and fuel do not mix between site plans');
  try {
    if (o.exportLp) {
      const compiled = firstWindowModel(model, o);
      if (o.exportLp.toLowerCase().endsWith('.mps')) await writeMpsFile(compiled, o.exportLp);
      else await writeLpFile(compiled, o.exportLp);
    }
    let guide: Guide | undefined;
    if (o.mode === 'rolling' && o.guide !== false) {
      // the guide has no fleet rows, so independent sites are guided separately
      guide = await buildGuide(model, forecaster.window(0, n), solvers[0]!, batchComponents(inseparable, perModel), undefined, o.signal);
      throwIfCancelled(o.signal, 'while planning the guide');
      if (guide) {
        stats.buildSeconds += guide.buildSeconds;
        stats.solveSeconds += guide.solveSeconds;
        // a window pays for demand only above the month's peak the guide expects anyway
        guide.peaks.forEach((peaks, s) => peaks.forEach((kW, key) => state.tariff[s]!.peaks.set(key, kW)));
        dispatch.notes.push('rolling windows follow a seasonal guide (one day-block LP over the horizon) for job pacing and monthly peaks');
      }
    }
    const relaxations = new Set<string>();
    const predicted: NonNullable<SolverStats['predictedBill']> = [];
    if (decompose) {
      const executor = o.executor ?? (o.openExecutor ? await o.openExecutor() : new LocalExecutor({ model, signals: (from, to) => forecaster.window(from, to) }, solvers));
      try {
        await planWindowsDecomposed({ model, options: o, windows, caps, pacer, groups, forecaster, state, guide, executor, masterSolver: solvers[0]!, dispatch, stats, noteFallback });
      } finally {
        if (!o.executor) await executor.close();
      }
    } else {
      if (o.openExecutor && !o.executor) {
        dispatch.notes.push('the plan was not decomposed (no fleet-wide limit shared by more sites than --decompose auto needs, or a site has generators), so its models were solved in this process, not by the executor given for site subproblems (e.g. queue workers)');
      }
      let done = 0;
      for (const [from, to, commitTo] of windows) {
        throwIfCancelled(o.signal, `before window ${from}–${to}`);
        const signals = forecaster.window(from, to);
        const budgets = pacer.window(from, to, commitTo);
        const lpOpts = { ...lpOptions(o, model, from, to, signals, state), caps, budgets: [...budgets.limits, ...budgets.measures] };
        if (guide) lpOpts.progressTarget = guide.cumulativeWork.map((c) => (c ? c[to - 1]! : 0));
        let next = 0;
        const results: Array<{ layout: FleetLpLayout; result: SolveResult; compiled: CompiledModel } | undefined> = [];
        // a long single solve reports its own progress inside the window's share
        const share = new Float64Array(batches.length);
        const solveProgress = (b: number) => o.progress && ((p: SolveProgress) => {
          share[b] = p.fraction;
          const inWindow = share.reduce((acc, x) => acc + x, 0) / batches.length;
          o.progress!((done + inWindow) / windows.length, `${batches.length > 1 ? `model ${b + 1} of ${batches.length}, ` : ''}${describeSolveProgress(p)}`);
        });
        const work = async (solver: Solver) => {
          while (next < batches.length) {
            const b = next++;
            const t0 = performance.now();
            const { lp, layout } = buildFleetLp(model, from, to, signals, state, { ...lpOpts, sites: batches[b] });
            const compiled = lp.compile();
            stats.buildSeconds += (performance.now() - t0) / 1000;
            if (compiled.numColumns === 0) continue;
            const method = lpMethodFor(compiled, o.lpMethod);
            const result = await solver.solve(compiled, { timeLimitSeconds: o.timeLimitSeconds, method, signal: o.signal, onProgress: compiled.numColumns >= PROGRESS_MIN_COLUMNS ? solveProgress(b) || undefined : undefined });
            share[b] = 1;
            if (result.solver && result.solver !== solver.name) noteFallback(result.solver, result.message);
            stats.solves++;
            stats.solveSeconds += result.solveSeconds;
            stats.rows += compiled.numRows;
            stats.columns += compiled.numColumns;
            stats.nonzeros += compiled.numNonzeros;
            stats.largestColumns = Math.max(stats.largestColumns, compiled.numColumns);
            if (result.mipGap !== undefined) stats.mipGap = Math.max(stats.mipGap ?? 0, result.mipGap);
            if (result.status === 'infeasible' && !o.signal?.aborted) await explainInfeasibleWindow(compiled, layout, solver, model);
            if (result.status !== 'optimal' && !(result.status === 'time-limit' && result.columnValues.length > 0)) {
              throw solveOutcomeError(result, { what: windows.length > 1 ? `the plan of window ${from}–${to}` : 'the plan', signal: o.signal });
            }
            if (result.status === 'time-limit') stats.status = 'time-limit';
            stats.objective += result.objective;
            results[b] = { layout, result, compiled };
            layout.relaxations.forEach((note) => relaxations.add(note));
            stats.integerColumns = (stats.integerColumns ?? 0) + layout.integerColumns;
            if (o.mode === 'optimal') {
              layout.books.forEach((book, s) => {
                if (!book) return;
                const br = book.evaluate(result.columnValues);
                predicted[s] = { site: model.sites[s]!.id, ...br, total: BILL_COMPONENTS.reduce((acc, k) => acc + br[k], 0) };
              });
            }
          }
        };
        await Promise.all(solvers.map(work));
        const measured = budgets.measures.map(() => 0);
        for (const r of results) {
          if (!r) continue;
          extractWindow(model, r.layout, r.result.columnValues, commitTo, dispatch);
          updateState(model, r.layout, r.result.columnValues, commitTo, state);
          const activity = rowActivities(r.compiled, r.result.columnValues);
          for (const c of r.layout.coupling) if (c.source === 'budget' && c.index >= budgets.limits.length) measured[c.index - budgets.limits.length]! += activity[c.row]! + c.constant;
        }
        pacer.commit(budgets.measures, measured);
        done++;
        o.progress?.(done / windows.length);
      }
    }
    dispatch.notes.push(...relaxations);
    if (o.mode === 'optimal' && !decompose) stats.predictedBill = predicted.filter(Boolean);
  } finally {
    if (!o.solverInstance) await Promise.all(solvers.map((s) => s.close?.()));
  }
  if (o.mode === 'rolling') stats.objective = NaN; // window objectives overlap; the simulated cost is what counts
  dispatch.solver = stats;
  dispatch.notes.push(`${stats.solves} LP solve${stats.solves > 1 ? 's' : ''} over ${windows.length} window${windows.length > 1 ? 's' : ''}; largest model ${stats.largestColumns.toLocaleString('en-US')} columns`);
  return dispatch;
}

/** Whether to decompose: some group of sites is coupled only by fleet rows, and (auto) it is large. */
function useDecomposition(o: PlanOptions, coupled: number[][], inseparable: number[][]): boolean {
  if (o.decompose === 'off' || coupled.length === inseparable.length) return false;
  if (o.decompose === 'on') return true;
  return coupled.some((c) => c.length > o.decomposeAboveSites);
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
