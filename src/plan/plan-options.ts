/**
 * How to plan: the planner's options and their defaults, apart from the planner so that the
 * decomposed planner (src/decompose) reads them without importing the planner that calls it.
 */
import { DEFAULT_DECOMPOSE_OPTIONS } from '../decompose/dantzig-wolfe.ts';
import type { SubproblemExecutor } from '../decompose/executor.ts';
import type { Solver, SolverFactory } from '../optimize/index.ts';
import type { Progress } from '../simulate/engine.ts';
import type { FleetLpOptions, PowerCap } from './fleet-lp.ts';
import type { ForecastOptions } from './signals.ts';

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
   * LP algorithm: 'auto' picks dual simplex or interior point per model from its measured
   * features (size, repeated cost levels, one row over most of the model; src/optimize/lp-method.ts).
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
  /**
   * Sites coupled only by fleet rows (the fleet import cap, CO2 budget, green share, caps over
   * several sites): 'auto' decomposes when such a coupled group has more than
   * `decomposeAboveSites` sites, 'on' always, 'off' never (one model per coupled group).
   */
  decompose: 'auto' | 'on' | 'off';
  decomposeAboveSites: number;
  /** Decomposition: relative gap at which a window counts as solved, and most rounds per window. */
  gapTolerance: number;
  maxRounds: number;
  /**
   * Decomposition: most sites per unit of work (default 1: every group of sites that shares no
   * workload is its own unit, which gives the master the most plans to mix; executors still
   * solve small units together, see LocalExecutor's packSites).
   */
  sitesPerSubproblem?: number;
  /** Decomposition: where the units of work run (default: this machine's solver workers); the caller closes it. */
  executor?: SubproblemExecutor;
  /**
   * Decomposition: opens where the units of work run (e.g. a work queue), called only when the
   * plan is decomposed; the plan closes what it opened. Ignored when `executor` is given.
   */
  openExecutor?: () => Promise<SubproblemExecutor>;
  /** Binary variables for non-convex tariff rules and generator on/off: exact when the model is small (auto), always, or never. */
  integers?: 'auto' | 'exact' | 'relax';
  /** A solver to use instead of making one (`solver` and `solverFactory` are then ignored); the caller closes it. */
  solverInstance?: Solver;
  progress?: Progress;
}

/** The defaults of {@link PlanOptions}. */
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
  decompose: 'auto',
  decomposeAboveSites: 24,
  gapTolerance: DEFAULT_DECOMPOSE_OPTIONS.gapTolerance,
  maxRounds: DEFAULT_DECOMPOSE_OPTIONS.maxRounds,
};
