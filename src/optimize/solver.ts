/**
 * The solver seam: one interface for every LP/MILP backend (HiGHS in WebAssembly, native binaries),
 * and the result shape they all return. Outcomes such as infeasible or time limit are results,
 * not exceptions.
 *
 * @module
 */
import type { SolveProgress } from './solve-progress.ts';
import type { CompiledModel } from './model-builder.ts';

/** How a solve ended. */
export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time-limit' | 'error' | 'too-large';

/** Options understood by every solver; a backend ignores what it cannot honour. */
export interface SolveOptions {
  /** Wall-clock budget for the solver itself. */
  timeLimitSeconds?: number;
  /** Relative MIP gap at which a MILP counts as solved (HiGHS default 1e-4). */
  mipRelGap?: number;
  /** LP algorithm for backends that offer a choice (HiGHS: simplex, ipm, pdlp, or choose: HiGHS decides). */
  method?: 'simplex' | 'ipm' | 'pdlp' | 'choose';
  /** Threads for backends that can use them (the WebAssembly build is single-threaded). */
  threads?: number;
  /** Cancels the solve; the result then has status 'error' and message 'aborted'. */
  signal?: AbortSignal;
  /** Called while the solve runs (backends that can tell: HiGHS), about every quarter second. */
  onProgress?: (p: SolveProgress) => void;
  /**
   * A simplex basis to start from (LP only), e.g. from an earlier solve of the same model with other
   * costs: a re-solve then takes a few iterations instead of hundreds. Ignored when its sizes do
   * not match the model, or by backends without warm starts.
   */
  basis?: SimplexBasis;
  /** Return the final basis in the result (LP backends that can). */
  keepBasis?: boolean;
  /**
   * Which simplex to run from `basis` (HiGHS): 'primal' when the basis is still primal feasible,
   * as the optimum of the same model at other costs is (the dual simplex would first have to
   * repair its dual infeasibilities; the primal one goes straight on, about a third less work on
   * small re-priced models); default the dual simplex.
   */
  simplex?: 'dual' | 'primal';
  /**
   * Keep the model in the backend under this name after the solve (replacing one kept under it),
   * for later solves of it at other costs (`reprice`). Backends that keep no models ignore it.
   */
  keepAs?: string;
  /**
   * `model` is the one kept under this name but for its costs (same columns, rows, bounds and
   * coefficients). A backend that still keeps it changes only its costs and, when `basis` is its
   * current basis (or none is given), goes on from its last solve, factorisation included; a
   * backend that does not keep it solves `model` as given. The kept model stays kept.
   */
  reprice?: string;
}

/**
 * A simplex basis: one status per column and per row, HiGHS codes (0 at lower bound, 1 basic,
 * 2 at upper bound, 3 zero, 4 nonbasic).
 */
export interface SimplexBasis {
  colStatus: Int32Array;
  rowStatus: Int32Array;
}

/** What a solve returns. Values are in model order; objective includes the model's constant. */
export interface SolveResult {
  status: SolveStatus;
  /** Objective of the returned point, NaN when there is none. */
  objective: number;
  /** Primal values, length numColumns when a point exists (optimal, or time-limit with incumbent), else empty. */
  columnValues: Float64Array;
  /** ∂objective/∂(active row bound), LP only, when the backend reports duals. */
  rowDuals?: Float64Array;
  /** Relative MIP gap at the end, MILP only. */
  mipGap?: number;
  /** Time spent by the solver (model load + solve), excluding queueing and worker start-up. */
  solveSeconds: number;
  /** Final simplex basis, when asked for with `keepBasis` and the backend has one. */
  basis?: SimplexBasis;
  /** Human-readable detail for anything but a clean optimum. */
  message?: string;
  /** Which backend produced the result. */
  solver?: string;
  /** Iterations the backend reports (HiGHS: simplex, interior point, crossover), when it does. */
  iterations?: { simplex: number; ipm: number; crossover: number };
}

/** An LP/MILP backend. */
export interface Solver {
  /** Short identifier, e.g. 'highs-wasm' or 'native-cbc'. */
  readonly name: string;
  /** Solves a compiled model. Never rejects for solver outcomes; rejects only on programming errors. */
  solve(model: CompiledModel, options?: SolveOptions): Promise<SolveResult>;
  /** Releases processes or workers held by the backend. */
  close?(): Promise<void>;
  /** Drops models kept under these names (backends that keep models, see `SolveOptions.keepAs`). */
  forget?(names: string[]): void;
}

/** A result without a point (infeasible, error, too large, aborted). */
export function resultWithoutPoint(status: SolveStatus, message: string | undefined, solveSeconds = 0, solver?: string): SolveResult {
  const r: SolveResult = { status, objective: Number.NaN, columnValues: new Float64Array(0), solveSeconds };
  if (message !== undefined) r.message = message;
  if (solver !== undefined) r.solver = solver;
  return r;
}

/** Budget above which a backend refuses a model instead of crashing. */
export interface SizeBudget {
  maxColumns: number;
  maxNonzeros: number;
}

/** The message for a model over a backend's size budget; names sizes, the limit and what to do. */
export function tooLargeMessage(model: Pick<CompiledModel, 'numColumns' | 'numNonzeros' | 'numRows'>, budget: SizeBudget, backend: string, cause?: string): string {
  const f = (n: number): string => n.toLocaleString('en-US');
  const head = cause
    ? `${backend} ran out of memory (${cause}) on a model with ${f(model.numColumns)} columns, ${f(model.numRows)} rows and ${f(model.numNonzeros)} non-zeros.`
    : `The model has ${f(model.numColumns)} columns, ${f(model.numRows)} rows and ${f(model.numNonzeros)} non-zeros, above the ${backend} budget of ${f(budget.maxColumns)} columns / ${f(budget.maxNonzeros)} non-zeros.`;
  return `${head} The WebAssembly HiGHS heap is capped at 2 GiB (about 1.3–1.5 M columns or 3 M non-zeros). Plan with a rolling horizon (shorter windows), or use a native solver (highs, cbc or glpsol on PATH).`;
}
