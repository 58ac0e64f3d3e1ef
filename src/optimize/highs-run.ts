/**
 * One HiGHS solve through the persistent API with CSC arrays. Pure apart from HiGHS itself, so it
 * runs inside the worker and can be unit-tested in-thread.
 *
 * @module
 */
import type { Highs, HighsCallbackMap, ModelData, ModelStatusCode } from 'highs';
import { SolveProgressEstimator, type SolveProgress } from './solve-progress.ts';
import type { WireModel, WireOptions } from './highs-protocol.ts';
import type { SolveResult, SolveStatus } from './solver.ts';

/** How often a solve reports progress on the clock alone, ms. */
const PROGRESS_INTERVAL_MS = 250;

/** A rise of the estimate that is always reported (a share of the whole solve). */
const PROGRESS_STEP = 0.01;

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
  const ms = highs.constants.modelStatus;
  const isMip = model.integrality !== null && model.integrality.some((v) => v !== 0);
  const data: ModelData = {
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
    ...(isMip && model.integrality ? { integrality: Int32Array.from(model.integrality) } : {}),
  };
  const m = highs.createModel(data);
  try {
    m.options.set({ output_flag: false });
    if (options.timeLimitSeconds !== undefined) m.options.set('time_limit', options.timeLimitSeconds);
    if (options.mipRelGap !== undefined) m.options.set('mip_rel_gap', options.mipRelGap);
    if (options.method !== undefined) m.options.set('solver', options.method);
    const b = options.basis;
    const warm = !isMip && b !== undefined && b.colStatus.length === model.numColumns && b.rowStatus.length === model.numRows;
    if (warm) {
      // HiGHS's simplex_strategy: 1 dual, 4 primal
      if (options.simplex === 'primal') m.options.set('simplex_strategy', 4);
      try {
        m.setBasis({ colStatus: b.colStatus, rowStatus: b.rowStatus });
      } catch {
        // an unusable basis only costs the warm start
        m.setLogicalBasis();
      }
    }
    if (onProgress) {
      // the log feeds the estimate; nothing is printed. Development level 1 makes the simplex
      // report every basis rebuild (after a count of updates, not of seconds), so a solve logs its
      // iterations however busy the machine is; the user level logs them every few seconds. Not for
      // a MIP, whose many small LPs would each report every rebuild
      m.options.set({ output_flag: true, log_to_console: false, log_dev_level: isMip ? 0 : 1 });
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
      onProgress(
        estimate.finish({
          simplex: Number(m.info.get('simplex_iteration_count')),
          ipm: Number(m.info.get('ipm_iteration_count')),
          crossover: Number(m.info.get('crossover_iteration_count')),
        }),
      );
    } else m.run();
    let code: ModelStatusCode = m.getModelStatus();
    if (warm && code !== ms.optimal) {
      // from a given basis HiGHS skips presolve and may stop short of a verdict (status unknown):
      // the cold solve, with presolve, decides
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
    const primalFeasible = Number(m.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
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
    } else if (status.status === 'optimal') {
      // an empty model: the optimum is the constant
      result.objective = model.objectiveConstant;
      result.columnValues = new Float64Array(model.numColumns);
    }
    if (isMip) result.mipGap = Number(m.info.get('mip_gap'));
    result.iterations = {
      simplex: Math.max(0, Number(m.info.get('simplex_iteration_count'))),
      ipm: Math.max(0, Number(m.info.get('ipm_iteration_count'))),
      crossover: Math.max(0, Number(m.info.get('crossover_iteration_count'))),
    };
    if (!isMip && options.keepBasis && status.status === 'optimal' && Number(m.info.get('basis_validity')) === highs.constants.basisValidity.valid) {
      const basis = m.getBasis();
      result.basis = { colStatus: basis.colStatus, rowStatus: basis.rowStatus };
    }
    return result;
  } finally {
    m.dispose();
  }
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
