/**
 * One unit of work of the decomposition: plan a group of sites over a window with prices on the
 * fleet rows it shares with other groups, and report what the plan costs, how much of each fleet
 * row it uses, and its committed steps. A task is plain data (numbers, arrays, small objects), so
 * it can be solved in this thread, in a worker, in another process or on another machine that has
 * the same scenario: the function of (group, window, prices, state) it stands for is pure.
 *
 * A worker that keeps the model it built for a (window, group) re-solves it with new prices by
 * changing only the objective (`priceSubproblem`), from the basis of the previous solve.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { buildElasticModel, objectiveValue, rowActivities, type CompiledModel, type SimplexBasis, type SoftRowGroup, type SolveOptions, type SolveResult, type SolveStatus, type Solver } from '../optimize/index.ts';
import { buildFleetLp, type FleetBudget, type FleetLpLayout, type FleetLpOptions, type PowerCap, type WindowSignals, type WindowState } from '../plan/fleet-lp.ts';
import { tariffStateFromWire, type TariffStateWire } from '../plan/tariff-lp.ts';
import { readGroupPlan, type GroupPlan } from './group-plan.ts';

/** A fleet row shared by several groups: a power cap at one step, or a budget. */
export interface FleetRowRef {
  source: 'cap' | 'budget';
  /** Index into the task's `caps` or `budgets`. */
  index: number;
  /** Grid step of a cap row; -1 for a budget. */
  step: number;
}

/** The window LP settings every group shares. */
export interface SubproblemSettings {
  objective: FleetLpOptions['objective'];
  rolling: boolean;
  maxPoints: number;
  holdStorageEnd: boolean;
  lpMethod?: 'simplex' | 'ipm';
  timeLimitSeconds?: number;
}

/** State carried into the window for this group's sites and workloads. */
export interface SubproblemState {
  /** State of charge per site of `sites`, kWh. */
  socKWh: number[];
  /** Tariff state per site of `sites` (demand peaks, imported and credited MWh so far). */
  tariff: TariffStateWire[];
  /** Hours each generator has run so far, per site of `sites`. */
  runHours: number[][];
  /** Work already done per workload of `workloads`, GPU-h. */
  doneGpuHours: number[];
}

/** One unit of work. */
export interface SubproblemTask {
  /** Names the window and everything but prices that shapes its models: a worker may keep a model under (windowKey, sites). */
  windowKey: string;
  from: number;
  to: number;
  commitTo: number;
  sites: number[];
  /** Workloads planned by this group (those whose eligible sites all lie in `sites`). */
  workloads: number[];
  settings: SubproblemSettings;
  /** Rolling: value per GPU-hour of progress, per workload of `workloads`. */
  terminalValuePerGpuHour?: number[];
  /** Rolling: work each job should have done by the window's end, per workload of `workloads`. */
  progressTarget?: number[];
  /** Power caps (fleet order; `open` where they continue over other groups). */
  caps: PowerCap[];
  /** Fleet budgets (fleet order; `open` where they continue over other groups, no bound when only measured). */
  budgets: FleetBudget[];
  state: SubproblemState;
  /** Fleet rows whose use is reported, in the order of `prices`. */
  rows: FleetRowRef[];
  /** Price on each row, currency per row unit (kW of a cap step, tonne, kWh); added to the objective. */
  prices: number[];
  /**
   * Limits on this group's use of the rows (null: free), in row units: at most `value` of a cap
   * step or a CO2 budget, at least `value` of a green surplus. Elastic: going beyond costs
   * `penalty` per row unit, so the group returns its best effort. A share of the fleet limit,
   * used to recover a plan that meets the fleet rows.
   */
  limits?: Array<{ value: number; penalty: number } | null>;
  /** A warm start: the basis of this group's previous solve (in this window, or the previous one). */
  basis?: SimplexBasis;
  /** `basis` is this group's optimum in the same window at other prices: still primal feasible, so the primal simplex re-optimises from it. */
  repriced?: boolean;
}

/** What a unit of work returns. */
export interface SubproblemResult {
  status: SolveStatus;
  message?: string;
  /** Objective at the original costs (no prices), scenario currency. */
  objective: number;
  /** Use of each row of `task.rows` (activity plus the constant part, e.g. idle power), in row units. */
  usage: number[];
  /** The committed steps of the plan (absent without a solution). */
  plan?: GroupPlan;
  basis?: SimplexBasis;
  buildSeconds: number;
  solveSeconds: number;
  columns: number;
  rows: number;
  nonzeros: number;
  iterations?: number;
  /** The backend that solved it, when not the solver it was given (a native binary for a model above the WebAssembly budget), and why. */
  fallback?: { backend: string; message: string };
  /** A warm-started solve ended without an optimum and this result is from a cold solve of the same model (see {@link solveConfirmed}). */
  coldRetry?: boolean;
}

/** What a worker needs besides the task: the fleet model and what the plan believes about a window. */
export interface SubproblemContext {
  model: FleetModel;
  signals(from: number, to: number): WindowSignals;
}

/** A built subproblem: its model at the original costs, where its fleet rows are, and their constants. */
export interface PreparedSubproblem {
  compiled: CompiledModel;
  layout: FleetLpLayout;
  /** Model row of each task row, -1 if the model does not have it. */
  modelRow: Int32Array;
  constant: Float64Array;
  buildSeconds: number;
}

const refKey = (source: string, index: number, step: number) => `${source}:${index}:${step}`;

/** Builds the group's window model (without prices). */
export function prepareSubproblem(ctx: SubproblemContext, task: SubproblemTask): PreparedSubproblem {
  const t0 = performance.now();
  const { model } = ctx;
  // entries for this group's sites and workloads only (the model reads no others): a state for
  // every site of a large fleet in every task was most of a task's garbage
  const sparse = (values: number[] | undefined): number[] | undefined => {
    if (!values) return undefined;
    const out: number[] = [];
    task.workloads.forEach((w, i) => (out[w] = values[i]!));
    return out;
  };
  const state: WindowState = { socKWh: [], doneGpuHours: [], tariff: [], runHours: [] };
  task.sites.forEach((s, i) => {
    state.socKWh[s] = task.state.socKWh[i]!;
    state.tariff[s] = tariffStateFromWire(task.state.tariff[i]!);
    state.runHours[s] = [...task.state.runHours[i]!];
  });
  task.workloads.forEach((w, i) => (state.doneGpuHours[w] = task.state.doneGpuHours[i]!));
  const o: FleetLpOptions = {
    objective: task.settings.objective,
    caps: task.caps,
    budgets: task.budgets,
    rolling: task.settings.rolling,
    maxPoints: task.settings.maxPoints,
    holdStorageEnd: task.settings.holdStorageEnd,
    sites: task.sites,
    // plans are mixed by weight: binaries of tariff rules would not survive the mix, so they stay relaxed
    integers: 'relax',
  };
  const tv = sparse(task.terminalValuePerGpuHour);
  if (tv) o.terminalValuePerGpuHour = tv;
  const pt = sparse(task.progressTarget);
  if (pt) o.progressTarget = pt;
  const { lp, layout } = buildFleetLp(model, task.from, task.to, ctx.signals(task.from, task.to), state, o);
  const compiled = lp.compile();
  const where = new Map(layout.coupling.map((c) => [refKey(c.source, c.index, c.step), c] as const));
  const modelRow = new Int32Array(task.rows.length).fill(-1);
  const constant = new Float64Array(task.rows.length);
  task.rows.forEach((r, i) => {
    const c = where.get(refKey(r.source, r.index, r.step));
    if (!c) return;
    modelRow[i] = c.row;
    constant[i] = c.constant;
  });
  return { compiled, layout, modelRow, constant, buildSeconds: (performance.now() - t0) / 1000 };
}

/** The prepared model with `prices` added to the objective (a new cost array; the rest is shared). */
export function priceSubproblem(p: PreparedSubproblem, prices: ArrayLike<number>): CompiledModel {
  const base = p.compiled;
  let any = false;
  for (let i = 0; i < prices.length; i++) if (prices[i] !== 0 && p.modelRow[i]! >= 0) any = true;
  if (!any) return base;
  const cost = new Float64Array(base.numColumns);
  cost.set(base.colCost);
  const { starts, indices, values } = base.csr;
  for (let i = 0; i < prices.length; i++) {
    const price = prices[i]!;
    const r = p.modelRow[i]!;
    if (price === 0 || r < 0) continue;
    for (let q = starts[r]!; q < starts[r + 1]!; q++) cost[indices[q]!]! += price * values[q]!;
  }
  return { ...base, colCost: cost, columnName: base.columnName, rowName: base.rowName };
}

/**
 * The model with the task's elastic limits on its shares of the fleet rows: new row bounds and
 * one penalised slack column per limited row, appended after the model's own columns.
 */
export function limitSubproblem(p: PreparedSubproblem, task: SubproblemTask, model: CompiledModel = p.compiled): CompiledModel {
  const limits = task.limits;
  if (!limits || limits.every((l) => l === null)) return model;
  const lower = Float64Array.from(model.rowLower);
  const upper = Float64Array.from(model.rowUpper);
  const soft: SoftRowGroup[] = [];
  limits.forEach((l, i) => {
    const r = p.modelRow[i]!;
    if (l === null || r < 0) return;
    const ref = task.rows[i]!;
    const atLeast = ref.source === 'budget' && task.budgets[ref.index]!.kind === 'green-surplus';
    if (atLeast) lower[r] = l.value - p.constant[i]!;
    else upper[r] = l.value - p.constant[i]!;
    soft.push({ group: 'share', rows: [r], label: () => 'share', unit: '', penalty: l.penalty });
  });
  return buildElasticModel({ ...model, rowLower: lower, rowUpper: upper, columnName: model.columnName, rowName: model.rowName }, soft).model;
}

/** Use of each task row by a solution: activity plus the constant part. */
export function rowUsage(p: PreparedSubproblem, x: ArrayLike<number>): number[] {
  const { starts, indices, values } = p.compiled.csr;
  return Array.from(p.modelRow, (r, i) => {
    if (r < 0) return 0;
    let s = p.constant[i]!;
    for (let q = starts[r]!; q < starts[r + 1]!; q++) s += values[q]! * x[indices[q]!]!;
    return s;
  });
}

/** The model a task solves: its group's model with the task's prices and share limits. */
export function subproblemModel(p: PreparedSubproblem, task: SubproblemTask): CompiledModel {
  return limitSubproblem(p, task, priceSubproblem(p, task.prices));
}

/**
 * The warm start of a task's model: the task's basis of its group's model, with the slack columns
 * of share limits (appended after the model's own columns) nonbasic at zero, so a plan recovered
 * within shares starts from the last priced plan instead of from scratch. Undefined when the task
 * has no basis of the model's size (e.g. a window that spans another month has another column).
 */
export function subproblemBasis(p: PreparedSubproblem, task: SubproblemTask, model: CompiledModel): SimplexBasis | undefined {
  const b = task.basis;
  const c = p.compiled;
  if (!b || b.colStatus.length !== c.numColumns || b.rowStatus.length !== c.numRows || model.numRows !== c.numRows) return undefined;
  if (model.numColumns === c.numColumns) return b;
  const colStatus = new Int32Array(model.numColumns);
  colStatus.set(b.colStatus);
  return { colStatus, rowStatus: b.rowStatus };
}

/** Whether a task only re-prices its basis's model (no share limits): the basis is primal feasible. */
export function isRepricing(task: SubproblemTask): boolean {
  return task.repriced === true && task.basis !== undefined && (!task.limits || task.limits.every((l) => l === null));
}

/** Solve options of a task's model (simplex with a warm start unless it asks for the interior-point method). */
export function subproblemSolveOptions(task: SubproblemTask, p?: PreparedSubproblem, model?: CompiledModel): SolveOptions {
  const method = task.settings.lpMethod ?? 'simplex';
  const basis = method === 'simplex' && p && model ? subproblemBasis(p, task, model) : undefined;
  return {
    method,
    keepBasis: method === 'simplex',
    ...(basis ? { basis } : {}),
    ...(basis && isRepricing(task) ? { simplex: 'primal' as const } : {}),
    ...(task.settings.timeLimitSeconds !== undefined ? { timeLimitSeconds: task.settings.timeLimitSeconds } : {}),
  };
}

/** Reads a task's result from the solve of its model (`solverName`: the backend it was sent to). */
export function readSubproblem(ctx: SubproblemContext, p: PreparedSubproblem, task: SubproblemTask, r: SolveResult, solverName: string, buildSeconds = 0): SubproblemResult {
  const c = p.compiled;
  const out: SubproblemResult = { status: r.status, objective: Number.NaN, usage: [], solveSeconds: r.solveSeconds, columns: c.numColumns, rows: c.numRows, nonzeros: c.numNonzeros, buildSeconds };
  if (r.message) out.message = r.message;
  if (r.iterations !== undefined) out.iterations = r.iterations.simplex;
  if (r.solver && r.solver !== solverName) out.fallback = { backend: r.solver, message: r.message ?? `solved with ${r.solver}` };
  if (r.columnValues.length >= c.numColumns && (r.status === 'optimal' || r.status === 'time-limit')) {
    const x = r.columnValues;
    out.objective = objectiveValue(c, x);
    out.usage = rowUsage(p, x);
    out.plan = readGroupPlan(ctx.model, p.layout, x, task.commitTo);
    if (r.basis && r.basis.colStatus.length === c.numColumns) out.basis = r.basis;
  }
  return out;
}

/**
 * Solves a task's model with `options`; when a warm start (a basis, or a kept model re-priced)
 * ends infeasible, unbounded or in error, or reports an optimum whose point breaks the model's
 * rows or bounds, solves it again from scratch before believing it: a cold solve settles what the
 * model is. A time limit is not retried.
 */
export async function solveConfirmed(solver: Solver, model: CompiledModel, task: SubproblemTask, options: SolveOptions): Promise<{ result: SolveResult; coldRetry: boolean }> {
  const result = await solver.solve(model, options);
  const warm = options.basis !== undefined || options.reprice !== undefined;
  if (!warm || result.status === 'time-limit') return { result, coldRetry: false };
  // an optimum is believed when its point keeps the model's rows and bounds (a cheap pass)
  if (result.status === 'optimal' && !grosslyInfeasible(model, result.columnValues)) return { result, coldRetry: false };
  if (options.signal?.aborted) return { result, coldRetry: false };
  const cold: SolveOptions = { ...subproblemSolveOptions(task), ...(options.keepAs !== undefined ? { keepAs: options.keepAs } : {}) };
  if (options.signal) cold.signal = options.signal;
  const again = await solver.solve(model, cold);
  again.solveSeconds += result.solveSeconds;
  return { result: again, coldRetry: true };
}

/** Relative violation above which a reported optimum is not believed (HiGHS's own tolerances are 1e-7). */
const GROSS_VIOLATION = 1e-5;

/** Whether `x` breaks a row or a bound of `model` by more than {@link GROSS_VIOLATION} of its size. */
export function grosslyInfeasible(model: CompiledModel, x: ArrayLike<number>): boolean {
  if (x.length < model.numColumns) return true;
  const scale = (a: number, b: number) => GROSS_VIOLATION * Math.max(1, Number.isFinite(a) ? Math.abs(a) : 0, Number.isFinite(b) ? Math.abs(b) : 0);
  for (let j = 0; j < model.numColumns; j++) {
    const v = x[j]!;
    const lo = model.colLower[j]!;
    const up = model.colUpper[j]!;
    if (!Number.isFinite(v) || lo - v > scale(lo, up) || v - up > scale(lo, up)) return true;
  }
  const act = rowActivities(model, x);
  for (let i = 0; i < model.numRows; i++) {
    const lo = model.rowLower[i]!;
    const up = model.rowUpper[i]!;
    if (lo - act[i]! > scale(lo, up) || act[i]! - up > scale(lo, up)) return true;
  }
  return false;
}

/** Solves one task with a solver (builds its model unless given; see {@link prepareSubproblem}). */
export async function solveSubproblem(ctx: SubproblemContext, task: SubproblemTask, solver: Solver, prepared?: PreparedSubproblem): Promise<SubproblemResult> {
  const p = prepared ?? prepareSubproblem(ctx, task);
  const buildSeconds = prepared ? 0 : p.buildSeconds;
  if (p.compiled.numColumns === 0) return emptyResult(ctx, p, task);
  const m = subproblemModel(p, task);
  const { result, coldRetry } = await solveConfirmed(solver, m, task, subproblemSolveOptions(task, p, m));
  const out = readSubproblem(ctx, p, task, result, solver.name, buildSeconds);
  if (coldRetry) out.coldRetry = true;
  return out;
}

/** The result of a group with nothing to decide. */
export function emptyResult(ctx: SubproblemContext, p: PreparedSubproblem, task: SubproblemTask): SubproblemResult {
  const c = p.compiled;
  return { status: 'optimal', objective: c.objectiveConstant, usage: Array.from(p.constant), plan: readGroupPlan(ctx.model, p.layout, new Float64Array(0), task.commitTo), solveSeconds: 0, columns: 0, rows: c.numRows, nonzeros: 0, buildSeconds: 0 };
}
