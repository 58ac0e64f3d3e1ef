/**
 * The seam between policies and the simulator. A policy (naive rules, an optimiser, a grid
 * event response) decides allocations and storage setpoints; the simulator applies physics,
 * limits and bookkeeping to them. Dispatches are plain typed arrays over the grid.
 */

/** GPUs a training or batch job runs on at one site, per step. */
export interface JobAllocation {
  workload: number;
  site: number;
  /** Active GPUs (may be fractional: GPUs × share of the step). */
  gpus: Float64Array;
  /** GPU power of each active GPU, W (the power-cap lever). */
  gpuPowerW: Float64Array;
}

/** Inference demand served at one site, per step. */
export interface InferenceAllocation {
  workload: number;
  site: number;
  /** Tokens per second served here. */
  servedTokensPerSecond: Float64Array;
  /** GPU power of the busy GPUs, W. */
  gpuPowerW: Float64Array;
}

/** Everything a policy decides over the horizon. */
export interface Dispatch {
  policy: string;
  jobs: JobAllocation[];
  inference: InferenceAllocation[];
  /** Storage setpoint per site and step, kW: positive charges, negative discharges. */
  storageKW: Array<Float64Array | undefined>;
  /** Whether surplus may be exported (where the tariff pays for export), per site. */
  allowExport: boolean[];
  /** Renewable power to take per site and step, kW (the rest is curtailed); default all available. */
  renewableTakeKW?: Array<Float64Array | undefined>;
  /**
   * Export per site and step, kW, when a plan decides it (default: up to the export limit). Where
   * the tariff allows importing and exporting in the same step, planned export beyond the surplus
   * is honoured (on-site output sold while the load buys from the grid).
   */
  exportKW?: Array<Float64Array | undefined>;
  /** Output per site, generator and step, kW (default: generators off). */
  generatorKW?: Array<Float64Array[] | undefined>;
  /** Facts the policy wants in the report. */
  notes: string[];
  /** Solver statistics, for optimising policies. */
  solver?: SolverStats;
}

/** What the optimiser did: sizes, times and outcome of the solves behind a dispatch. */
export interface SolverStats {
  solver: string;
  status: string;
  /** Objective of the plan (sum over windows for rolling plans), scenario currency. */
  objective: number;
  rows: number;
  columns: number;
  nonzeros: number;
  buildSeconds: number;
  solveSeconds: number;
  mipGap: number | null;
  /** Number of LPs solved (1 for optimal; windows × components for rolling). */
  solves: number;
  windows: number;
  /** Largest single model, columns. */
  largestColumns: number;
  /** Binary columns over all models (0 for pure linear programs). */
  integerColumns?: number;
  /**
   * The bill the plan expects, per site and bill component (optimal plans): the objective's
   * bill part, to compare with the bill of the simulated ledger.
   */
  predictedBill?: Array<{ site: string; total: number } & Record<'energy' | 'demand' | 'capacity' | 'fixed' | 'minimum' | 'exportCredit' | 'pueAdjustment' | 'certificates' | 'renewableSupply' | 'carbon' | 'generation', number>>;
  /** How fleet-wide limits were decomposed, when they were. */
  decomposition?: DecompositionStats;
}

/** Statistics of a decomposed plan (docs/decomposition.md). */
export interface DecompositionStats {
  method: 'dantzig-wolfe';
  /** Units of work per round (groups of sites). */
  groups: number;
  /** Units of work the executor runs at once. */
  parallelism: number;
  windows: number;
  /** Windows whose fleet rows bound (more than one round). */
  bindingWindows: number;
  rounds: number;
  maxRounds: number;
  /** Median rounds of the windows whose fleet rows bound. */
  medianRounds: number;
  /** Largest relative gap of a window: (upper − lower) / |upper|. */
  maxGap: number;
  /** Sums over windows of the Lagrangian lower bounds and of the recovered plans' costs. */
  lowerBound: number;
  upperBound: number;
  masterSeconds: number;
  /** Units of work whose warm-started solve ended without an optimum and that a cold solve then settled. */
  coldRetries: number;
}

/** A policy: turns the fleet model into a dispatch. */
export interface Policy<M> {
  readonly name: string;
  dispatch(model: M): Dispatch | Promise<Dispatch>;
}
