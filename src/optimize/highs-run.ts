/**
 * One HiGHS solve through the persistent API with CSC arrays. Pure apart from HiGHS itself, so it
 * runs inside the worker and can be unit-tested in-thread.
 *
 * @module
 */
import type { Highs, HighsCallbackMap, Model, ModelData, ModelStatusCode } from 'highs';
import { SolveProgressEstimator, type SolveProgress } from './solve-progress.ts';
import type { WireModel, WireOptions } from './highs-protocol.ts';
import type { SolveResult, SolveStatus } from './solver.ts';

/** How often a solve reports progress on the clock alone, ms. */
const PROGRESS_INTERVAL_MS = 250;

/** A rise of the estimate that is always reported (a share of the whole solve). */
const PROGRESS_STEP = 0.01;

/** Whether a wire model has integer columns (a MIP). */
function isMipModel(model: WireModel): boolean {
  return model.integrality !== null && model.integrality.some((v) => v !== 0);
}

/** HiGHS's model data of a wire model: the CSC arrays as they are, integrality only for a MIP. */
export function toModelData(highs: Highs, model: WireModel): ModelData {
  return {
    numCols: model.numColumns,
    numRows: model.numRows,
    sense: model.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: model.objectiveConstant,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    matrix: { format: 'csc', numRows: model.numRows, numCols: model.numColumns, starts: model.starts, indices: model.indices, values: model.values },
    ...(isMipModel(model) && model.integrality ? { integrality: Int32Array.from(model.integrality) } : {}),
  };
}

/**
 * HiGHS options of a solve with progress: the log feeds the estimate and nothing is printed.
 * Development level 1 makes the simplex report every basis rebuild (after a count of updates, not
 * of seconds), so a solve logs its iterations however busy the machine is; the user level logs
 * them every few seconds. Not for a MIP, whose many small LPs would each report every rebuild.
 */
export function progressLogOptions(isMip: boolean): { output_flag: true; log_to_console: false; log_dev_level: 0 | 1 } {
  return { output_flag: true, log_to_console: false, log_dev_level: isMip ? 0 : 1 };
}

/** HiGHS's iteration counts after a run, as it reports them. */
export function iterationCounts(m: Model): { simplex: number; ipm: number; crossover: number } {
  return {
    simplex: Number(m.info.get('simplex_iteration_count')),
    ipm: Number(m.info.get('ipm_iteration_count')),
    crossover: Number(m.info.get('crossover_iteration_count')),
  };
}

/**
 * Solves a wire model with a loaded HiGHS runtime; throws only on runtime failure (e.g. WASM
 * abort). With `onProgress`, HiGHS's log feeds an estimate of how far the solve has come,
 * reported on every phase change and every percent, at most every quarter second otherwise, and
 * once more at the end with HiGHS's final iteration counts.
 */
export function runHighs(highs: Highs, model: WireModel, options: WireOptions, onProgress?: (p: SolveProgress) => void): SolveResult {
  const t0 = performance.now();
  if (options.fault === 'wasm-abort') {
    throw new Error('RuntimeError: Aborted(). Build with -sASSERTIONS for more info. (simulated by a test)');
  }
  const m = loadHighsModel(highs, model);
  try {
    return solveLoaded(highs, m, model, options, t0, onProgress);
  } finally {
    m.dispose();
  }
}

/**
 * HiGHS models kept between solves by name (a worker's {@link KeptModels}): a kept model solved
 * again at other costs changes only its costs and goes on from where its last solve stopped, its
 * factorisation included, instead of being loaded, factorised and warm-started anew.
 */
export class KeptModels {
  private readonly models = new Map<string, Model>();

  constructor(private readonly highs: Highs) {}

  /** How many models are kept. */
  get size(): number {
    return this.models.size;
  }

  /**
   * Solves `model` as {@link runHighs} does, keeping it under `options.keepAs`. With
   * `options.reprice` naming a kept model (the same but for its costs), that model takes
   * `model`'s costs and starts from its last basis when it equals `options.basis` (or none is
   * given), else from `options.basis`.
   */
  run(model: WireModel, options: WireOptions, onProgress?: (p: SolveProgress) => void): SolveResult {
    const t0 = performance.now();
    const kept = options.reprice !== undefined ? this.models.get(options.reprice) : undefined;
    if (!kept && options.keepAs === undefined) return runHighs(this.highs, model, options, onProgress);
    if (options.fault === 'wasm-abort') {
      throw new Error('RuntimeError: Aborted(). Build with -sASSERTIONS for more info. (simulated by a test)');
    }
    let m = kept;
    let o = options;
    // HiGHS marks its basis unknown once costs change: compare before
    const hot = m !== undefined && (!o.basis || sameBasis(this.highs, m, o.basis));
    if (m) {
      m.changeColsCost({ kind: 'range', from: 0, to: model.numColumns - 1 }, model.colCost);
      if (hot && o.basis) {
        const { basis: _b, ...rest } = o;
        o = rest;
      }
    } else m = loadHighsModel(this.highs, model);
    const name = options.keepAs ?? options.reprice!;
    const previous = this.models.get(name);
    if (previous && previous !== m) previous.dispose();
    this.models.set(name, m);
    try {
      return solveLoaded(this.highs, m, model, o, t0, onProgress, hot);
    } catch (e) {
      // a model whose solve threw is not kept (the runtime is usually lost then anyway)
      this.models.delete(name);
      m.dispose();
      throw e;
    }
  }

  /** Drops kept models. */
  forget(names: Iterable<string>): void {
    for (const name of names) {
      this.models.get(name)?.dispose();
      this.models.delete(name);
    }
  }
}

/** Whether a model's current basis is `b`. */
function sameBasis(highs: Highs, m: Model, b: { colStatus: Int32Array; rowStatus: Int32Array }): boolean {
  if (Number(m.info.get('basis_validity')) !== highs.constants.basisValidity.valid) return false;
  const cur = m.getBasis();
  if (cur.colStatus.length !== b.colStatus.length || cur.rowStatus.length !== b.rowStatus.length) return false;
  for (let j = 0; j < b.colStatus.length; j++) if (cur.colStatus[j] !== b.colStatus[j]) return false;
  for (let i = 0; i < b.rowStatus.length; i++) if (cur.rowStatus[i] !== b.rowStatus[i]) return false;
  return true;
}

/** A HiGHS model of the wire model's data. */
function loadHighsModel(highs: Highs, model: WireModel): Model {
  return highs.createModel(toModelData(highs, model));
}

/** Solves a loaded HiGHS model (see {@link runHighs}); `hot`: a kept model goes on from its last solve. */
function solveLoaded(highs: Highs, m: Model, model: WireModel, options: WireOptions, t0: number, onProgress?: (p: SolveProgress) => void, hot = false): SolveResult {
  const ms = highs.constants.modelStatus;
  const isMip = isMipModel(model);
  m.options.set({ output_flag: false });
  if (options.timeLimitSeconds !== undefined) m.options.set('time_limit', options.timeLimitSeconds);
  if (options.mipRelGap !== undefined) m.options.set('mip_rel_gap', options.mipRelGap);
  if (options.method !== undefined) m.options.set('solver', options.method);
  const b = options.basis;
  const warm = !isMip && b !== undefined && b.colStatus.length === model.numColumns && b.rowStatus.length === model.numRows;
  // HiGHS's simplex_strategy: 1 dual, 4 primal (options stay set on a kept model)
  m.options.set('simplex_strategy', (warm || hot) && options.simplex === 'primal' ? 4 : 1);
  if (warm) {
    try {
      m.setBasis({ colStatus: b.colStatus, rowStatus: b.rowStatus });
    } catch {
      // an unusable basis only costs the warm start
      m.setLogicalBasis();
    }
  }
  if (onProgress) {
    m.options.set(progressLogOptions(isMip));
    const estimate = new SolveProgressEstimator(model.numRows);
    let last: SolveProgress | undefined;
    let lastAt = 0;
    const tick = () => {
      const p = estimate.report();
      const now = performance.now();
      // a new phase or another percent of the estimate is always reported (what a report says
      // depends on the log, not on how fast it came); the clock alone at most every quarter second
      if (last && p.phase === last.phase && p.fraction < last.fraction + PROGRESS_STEP && now - lastAt < PROGRESS_INTERVAL_MS) return;
      last = p;
      lastAt = now;
      onProgress(p);
    };
    // the log alone: a callback on every simplex iteration costs more than the solve itself
    // (measured 1.5–1.8× on an 88k-column model)
    const callbacks: HighsCallbackMap = {
      [highs.constants.callbackType.logging]: (e) => {
        estimate.log(e.message);
        tick();
        return undefined;
      },
    };
    m.run(callbacks);
    m.options.set({ output_flag: false, log_dev_level: 0 });
    // always say where the solve ended, with HiGHS's own counts
    onProgress(estimate.finish(iterationCounts(m)));
  } else m.run();
  let code: ModelStatusCode = m.getModelStatus();
  const feasiblePoint = () => Number(m.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
  if ((warm || hot) && (code !== ms.optimal || !feasiblePoint())) {
    // from a given basis HiGHS skips presolve and may stop short of a verdict (status unknown), or
    // call the model optimal with no feasible point to show for it: the cold solve, with presolve,
    // decides
    m.clearSolver();
    m.setLogicalBasis();
    m.options.set('simplex_strategy', 1);
    m.run();
    code = m.getModelStatus();
  }
  if (code === ms.unboundedOrInfeasible) {
    // presolve often cannot tell the two apart; a solve without presolve can, and only broken
    // models get here, so the second solve is affordable
    m.options.set('presolve', 'off');
    m.clearSolver();
    m.run();
    code = m.getModelStatus();
  }
  const seconds = (performance.now() - t0) / 1000;
  const status = mapStatus(highs, code);
  const primalFeasible = feasiblePoint();
  const result: SolveResult = {
    status: status.status,
    objective: Number.NaN,
    columnValues: new Float64Array(0),
    solveSeconds: seconds,
    solver: 'highs-wasm',
  };
  if (status.message) result.message = status.message;
  if ((status.status === 'optimal' || status.status === 'time-limit' || status.status === 'error') && primalFeasible && model.numColumns > 0) {
    const sol = m.getSolution();
    result.columnValues = sol.colValue;
    result.objective = m.getObjectiveValue();
    if (!isMip && status.status === 'optimal' && Number(m.info.get('dual_solution_status')) === highs.constants.solutionStatus.feasible) {
      result.rowDuals = sol.rowDual;
    }
  } else if (status.status === 'optimal' && model.numColumns === 0) {
    // an empty model: the optimum is the constant
    result.objective = model.objectiveConstant;
    result.columnValues = new Float64Array(0);
  } else if (status.status === 'optimal') {
    // an optimum with no feasible primal solution to show for it (seen from another window's basis
    // in a 1,000-site year, before the cold re-solve above): zeros in its place were once taken
    // for a plan
    result.status = 'error';
    result.message = 'HiGHS reported an optimum without a feasible primal solution';
  }
  if (isMip) result.mipGap = Number(m.info.get('mip_gap'));
  const counts = iterationCounts(m);
  result.iterations = { simplex: Math.max(0, counts.simplex), ipm: Math.max(0, counts.ipm), crossover: Math.max(0, counts.crossover) };
  if (!isMip && options.keepBasis && status.status === 'optimal' && Number(m.info.get('basis_validity')) === highs.constants.basisValidity.valid) {
    const basis = m.getBasis();
    result.basis = { colStatus: basis.colStatus, rowStatus: basis.rowStatus };
  }
  return result;
}

function mapStatus(highs: Highs, code: ModelStatusCode): { status: SolveStatus; message?: string } {
  const ms = highs.constants.modelStatus;
  switch (code) {
    case ms.optimal:
    case ms.empty:
      return { status: 'optimal' };
    case ms.infeasible:
      return { status: 'infeasible' };
    case ms.unbounded:
      return { status: 'unbounded' };
    case ms.unboundedOrInfeasible:
      return { status: 'infeasible', message: 'HiGHS could not tell whether the model is infeasible or unbounded' };
    case ms.timeLimit:
      return { status: 'time-limit', message: 'time limit reached' };
    case ms.iterationLimit:
      return { status: 'error', message: 'HiGHS stopped at its iteration limit' };
    case ms.solutionLimit:
      return { status: 'error', message: 'HiGHS stopped at its solution limit' };
    case ms.interrupted:
      return { status: 'error', message: 'HiGHS was interrupted' };
    case ms.objectiveBound:
    case ms.objectiveTarget:
      return { status: 'error', message: 'HiGHS stopped at an objective bound or target' };
    default:
      return { status: 'error', message: `HiGHS ended with model status ${code}` };
  }
}
