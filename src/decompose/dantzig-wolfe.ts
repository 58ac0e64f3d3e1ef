/**
 * Dantzig–Wolfe decomposition of one planning window whose groups of sites share only fleet rows
 * (a shared import cap per step, a CO2 budget, a green-share rule), stabilised by a trust region
 * on the prices (box-step bundle method).
 *
 * Each group's plans form a polytope; the fleet optimum is a convex combination of plans of each
 * group that respects the fleet rows. Every round:
 *
 * 1. every group plans against the current prices on the fleet rows (the units of work, run by
 *    the executor in parallel) and offers its plan to the master; the sum of the priced optima
 *    minus prices × limits is a Lagrangian lower bound: no plan of the window costs less;
 * 2. the restricted master LP, weights over every plan offered so far (a convexity row per group,
 *    a row per fleet row, a penalised artificial column per row), gives the best plan that meets
 *    the fleet rows: its cost is an upper bound, and its weights are the recovered plan (mixing
 *    plans is exact because the fleet rows and the committed quantities are linear);
 * 3. the same master with the prices held within a box around the best prices so far (extra
 *    columns that buy or sell row capacity at the box's edges) gives the next prices. Far from
 *    the optimum, unstabilised prices swing between extremes (every group sheds load, then none
 *    does); the box doubles after a step that raises the bound and reaches its edge, and halves
 *    after one that lowers it.
 *
 * Stops when (upper − lower) / max(1, |upper|) is within the tolerance, or after the most rounds
 * (the gap reached is reported either way).
 */
import { SolverError } from '../errors/index.ts';
import { LinearModel, type SimplexBasis, type Solver } from '../optimize/index.ts';
import type { SubproblemExecutor } from './executor.ts';
import { mixGroupPlans, type GroupPlan } from './group-plan.ts';
import type { SubproblemResult, SubproblemTask } from './subproblem.ts';

/** A fleet row of the window, as the master sees it. */
export interface CouplingRow {
  label: string;
  unit: string;
  sense: '<=' | '>=';
  /** Fleet limit on the summed use, row units. */
  bound: number;
  /** Typical size of a price of this row (e.g. the energy price of a kW over a step), currency per row unit: the first trust region. */
  priceScale: number;
  /** Penalty per unit of violation in the master (must exceed any sensible price of the row). */
  penalty: number;
  /** Only measured (e.g. committed CO2): never priced, not a master row. */
  measureOnly?: boolean;
}

/** A group of sites with its unit of work (prices and basis are filled in each round). */
export interface DecompositionGroup {
  task: SubproblemTask;
  /** Window row of each of `task.rows`. */
  rowIndex: number[];
}

/** Settings of the decomposition. */
export interface DecomposeOptions {
  /** Stop when (upper − lower) / max(1, |upper|) is at most this. */
  gapTolerance: number;
  /** Most rounds of group solves. */
  maxRounds: number;
  /** Prices to try in the second round (e.g. the previous window's), aligned with the rows. */
  warmPrices?: Float64Array;
  /**
   * A warm start per group for the first round (e.g. its last basis in the previous window: the
   * same hours of the day a day earlier, which a window's optimum resembles); a basis of another
   * size is ignored.
   */
  warmBases?: Array<SimplexBasis | undefined>;
  /** Called after each round. */
  onRound?: (r: { round: number; lowerBound: number; upperBound: number; gap: number; serious: boolean; box: number; violation: number }) => void;
}

/** Default settings: 0.1 % gap, at most 30 rounds. */
export const DEFAULT_DECOMPOSE_OPTIONS: DecomposeOptions = { gapTolerance: 1e-3, maxRounds: 30 };

/** The outcome for one window. */
export interface WindowDecomposition {
  /** Recovered committed plan per group (the master's combination). */
  plans: GroupPlan[];
  /** Lagrangian bound: no plan of the window costs less. */
  lowerBound: number;
  /** Cost of the recovered plan (it meets the fleet rows when `violation` is all zero). */
  upperBound: number;
  /** (upper − lower) / max(1, |upper|); 0 when the fleet rows do not bind. */
  gap: number;
  rounds: number;
  /** Best prices found (the lower bound's), currency per row unit; 0 for measured rows. */
  prices: Float64Array;
  /** Use of each row by the recovered plan. */
  usage: Float64Array;
  /** Each group's last basis of a priced round (a warm start for the next window). */
  bases: Array<SimplexBasis | undefined>;
  /** Amount by which the recovered plan breaks each row (all 0 unless the rows cannot be met). */
  violation: Float64Array;
  solves: number;
  buildSeconds: number;
  solveSeconds: number;
  masterSeconds: number;
  /** Columns of the largest master. */
  masterColumns: number;
  /** Sizes of the groups' models (first round), for statistics. */
  columns: number;
  rows: number;
  nonzeros: number;
  largestColumns: number;
  /** Simplex iterations of all group solves. */
  iterations: number;
  /** Group solves whose warm start ended without an optimum, solved again cold. */
  coldRetries: number;
  /** Backends other than the configured one that solved groups (native binaries for groups above the WebAssembly budget), with why. */
  fallbacks: Map<string, string>;
}

interface Proposal {
  objective: number;
  /** Use of each of the group's rows (aligned with task.rows). */
  usage: number[];
  plan: GroupPlan;
}

/** Raised when a group's own limits cannot be met whatever the prices. */
export class GroupInfeasibleError extends Error {
  override readonly name = 'GroupInfeasibleError';
  constructor(
    readonly group: number,
    readonly result: SubproblemResult,
    readonly task?: SubproblemTask,
  ) {
    super(`the subproblem of group ${group} ended ${result.status}${result.message ? `: ${result.message}` : ''}`);
  }
}

const FEASIBILITY_TOLERANCE = 1e-6;
/** A step is serious when the bound rises by at least this share of the predicted rise. */
const SERIOUS = 0.1;
/** First trust region, in price scales of each row (prices of a binding cap are typically a fraction of the energy price). */
const INITIAL_BOX = 0.25;
/** Rounds between two solves of the plan-recovering master while the prices still move. */
const PRIMAL_EVERY = 3;
/** Fewest rounds between two primal recoveries. */
const REPAIR_EVERY = 3;
/**
 * Passes of a primal recovery. Going beyond a share costs the best price plus 1, 4, 16 price
 * scales in the first passes, so a group that can meet its share only at a high cost gives way and
 * the excess moves to groups that can meet theirs cheaply; the last two hold shares at the full penalty.
 */
const REPAIR_PASSES = 5;

/** Decomposes one window. */
export async function decomposeWindow(
  groups: DecompositionGroup[],
  rows: CouplingRow[],
  executor: SubproblemExecutor,
  masterSolver: Solver,
  options: DecomposeOptions = DEFAULT_DECOMPOSE_OPTIONS,
): Promise<WindowDecomposition> {
  const R = rows.length;
  const masterRows = rows.map((r, i) => (r.measureOnly ? -1 : i)).filter((i) => i >= 0);
  const masterPos = new Int32Array(R).fill(-1);
  masterRows.forEach((i, k) => (masterPos[i] = k));
  const coupled = groups.map((g) => g.rowIndex.some((i) => masterPos[i]! >= 0));
  const data: MasterData = { groups, rows, masterRows, masterPos, coupled, proposals: groups.map(() => []), order: [], penalty: rows.map((r) => r.penalty), bases: {}, coldRetries: 0 };
  /** Offers a plan of group g to the master (unless it has it already). */
  const offer = (g: number, p: Proposal) => {
    const props = data.proposals[g]!;
    if (props.some((q) => same(q, p))) return;
    props.push(p);
    data.order.push([g, props.length - 1]);
  };
  const bases: Array<SimplexBasis | undefined> = groups.map((_, g) => options.warmBases?.[g]);
  /** bases[g] is an optimum of this window's model of group g (not the previous window's). */
  const ownBasis = groups.map(() => false);
  const out: WindowDecomposition = {
    plans: [],
    lowerBound: -Infinity,
    upperBound: Infinity,
    gap: Infinity,
    rounds: 0,
    prices: new Float64Array(R),
    usage: new Float64Array(R),
    bases,
    violation: new Float64Array(R),
    solves: 0,
    buildSeconds: 0,
    solveSeconds: 0,
    masterSeconds: 0,
    masterColumns: 0,
    columns: 0,
    rows: 0,
    nonzeros: 0,
    largestColumns: 0,
    iterations: 0,
    coldRetries: 0,
    fallbacks: new Map(),
  };
  let fixedObjective = 0;

  /** One round: the (coupled) groups plan against `prices`; returns the Lagrangian bound at them. */
  const round = async (prices: Float64Array, first: boolean): Promise<number> => {
    const which = groups.map((_, g) => g).filter((g) => first || coupled[g]);
    const tasks = which.map((g) => {
      const G = groups[g]!;
      const t: SubproblemTask = { ...G.task, prices: G.rowIndex.map((i) => (masterPos[i]! >= 0 ? prices[i]! : 0)) };
      const b = bases[g];
      if (b) t.basis = b;
      else delete t.basis;
      if (b && ownBasis[g]) t.repriced = true;
      else delete t.repriced;
      return t;
    });
    const results = await executor.run(tasks);
    out.rounds++;
    let lower = 0;
    for (const i of masterRows) lower -= prices[i]! * rows[i]!.bound;
    results.forEach((r, k) => {
      const g = which[k]!;
      out.solves++;
      out.buildSeconds += r.buildSeconds;
      out.solveSeconds += r.solveSeconds;
      out.iterations += r.iterations ?? 0;
      if (r.coldRetry) out.coldRetries++;
      if (r.fallback) out.fallbacks.set(r.fallback.backend, r.fallback.message);
      if (first) {
        out.columns += r.columns;
        out.rows += r.rows;
        out.nonzeros += r.nonzeros;
        out.largestColumns = Math.max(out.largestColumns, r.columns);
      }
      if (r.status !== 'optimal' || !r.plan) throw new GroupInfeasibleError(g, r, tasks[k]);
      if (r.basis) {
        bases[g] = r.basis;
        ownBasis[g] = true;
      }
      const p: Proposal = { objective: r.objective, usage: r.usage, plan: r.plan };
      if (!coupled[g]) {
        fixedObjective += r.objective;
        data.proposals[g] = [p];
        return;
      }
      let z = r.objective;
      groups[g]!.rowIndex.forEach((i, n) => {
        if (masterPos[i]! >= 0) z += prices[i]! * r.usage[n]!;
      });
      lower += z;
      offer(g, p);
    });
    return lower + fixedObjective;
  };

  // round 1 at zero prices: when the fleet rows do not bind, this is already the optimum
  let center = new Float64Array(R);
  let best = await round(center, true);
  if (options.warmPrices && masterRows.length > 0) {
    const warm = Float64Array.from(options.warmPrices);
    clampSigns(warm, rows);
    if (warm.some((v) => v !== 0)) {
      const l = await round(warm, false);
      if (l > best) {
        best = l;
        center = warm;
      }
    }
  }
  /**
   * Primal recovery, when no mix of the plans found meets the fleet rows. Each group gets a share
   * of every row: its part of the master's mix, cut where the fleet is over a limit (in proportion
   * to how far the group's plans show it can move) and topped up where the fleet is under (in
   * proportion to use). Groups plan within their shares at the best prices, elastically: going
   * beyond a share costs the price plus 1, 4, 16 price scales in the first passes, so a group
   * that can meet its share only dearly gives way, then the full penalty. The excess left is
   * shared again each pass, among all groups but those that could not meet a share even at the
   * full penalty (they are at their floor). Plans that meet their shares meet the fleet rows
   * together; every plan found is offered to the master either way.
   */
  const repair = async (): Promise<void> => {
    const which = groups.map((_, g) => g).filter((g) => coupled[g]);
    const isMaster = (i: number) => masterPos[i]! >= 0;
    const dir = (i: number) => (rows[i]!.sense === '<=' ? 1 : -1); // +1: use must stay below the limit
    // each group's current use: the master's mix of its plans
    const use = which.map((g) => {
      const props = data.proposals[g]!;
      const w = primal.weights[g]!;
      return groups[g]!.rowIndex.map((_, n) => props.reduce((a, p, k) => a + w[k]! * p.usage[n]!, 0));
    });
    // how far each group's plans show it can move each row in the helpful direction
    const movable = which.map((g, j) =>
      groups[g]!.rowIndex.map((i, n) => {
        const us = data.proposals[g]!.map((p) => p.usage[n]!);
        return dir(i) > 0 ? Math.max(0, use[j]![n]! - Math.min(...us)) : Math.max(0, Math.max(...us) - use[j]![n]!);
      }),
    );
    const share = use.map((u) => u.slice());
    // a share the group could not meet at the full penalty: it is at its floor there
    const fixed = use.map((u) => u.map(() => false));
    const fullPenalty = (pass: number) => pass >= REPAIR_PASSES - 2;
    const sum = (pick: (j: number, n: number) => number, only?: (j: number, n: number) => boolean) => {
      const out = new Float64Array(R);
      which.forEach((g, j) => groups[g]!.rowIndex.forEach((i, n) => (only && !only(j, n) ? 0 : (out[i]! += pick(j, n)))));
      return out;
    };
    let base = use;
    let active = which.map((_, j) => j);
    for (let pass = 0; pass < REPAIR_PASSES && active.length > 0; pass++) {
      // excess of each row over its limit (negative: room), and who shares it
      const total = sum((j, n) => base[j]![n]!);
      const weightOf = (j: number, n: number, i: number, over: boolean) => (over ? (pass === 0 ? movable[j]![n]! : Math.abs(base[j]![n]!)) : Math.abs(base[j]![n]!));
      const denom = new Float64Array(R);
      which.forEach((g, j) =>
        groups[g]!.rowIndex.forEach((i, n) => {
          if (!isMaster(i) || fixed[j]![n]) return;
          denom[i]! += weightOf(j, n, i, dir(i) * (total[i]! - rows[i]!.bound) > 0);
        }),
      );
      which.forEach((g, j) =>
        groups[g]!.rowIndex.forEach((i, n) => {
          if (!isMaster(i) || fixed[j]![n]) return;
          const over = dir(i) * (total[i]! - rows[i]!.bound); // > 0: the fleet is beyond the limit
          const w = weightOf(j, n, i, over > 0);
          const part = denom[i]! > 0 ? w / denom[i]! : 0;
          share[j]![n] = base[j]![n]! - dir(i) * over * part;
        }),
      );
      const tasks = active.map((j) => {
        const g = which[j]!;
        const G = groups[g]!;
        const t: SubproblemTask = {
          ...G.task,
          prices: G.rowIndex.map((i) => (isMaster(i) ? center[i]! : 0)),
          limits: G.rowIndex.map((i, n) => (isMaster(i) ? { value: share[j]![n]!, penalty: fullPenalty(pass) ? data.penalty[i]! : Math.abs(center[i]!) + rows[i]!.priceScale * 4 ** pass } : null)),
        };
        // from the group's last priced plan: only the shares' bounds and slacks are new
        const b = bases[g];
        if (b) t.basis = b;
        else delete t.basis;
        delete t.repriced;
        return t;
      });
      const results = await executor.run(tasks);
      out.rounds++;
      const next = base.map((u) => u.slice());
      results.forEach((r, k) => {
        const j = active[k]!;
        const g = which[j]!;
        out.solves++;
        out.buildSeconds += r.buildSeconds;
        out.solveSeconds += r.solveSeconds;
        out.iterations += r.iterations ?? 0;
        if (r.coldRetry) out.coldRetries++;
        if (r.fallback) out.fallbacks.set(r.fallback.backend, r.fallback.message);
        if (r.status !== 'optimal' || !r.plan) throw new GroupInfeasibleError(g, r, tasks[k]);
        const p: Proposal = { objective: r.objective, usage: r.usage, plan: r.plan };
        offer(g, p);
        next[j] = r.usage.slice();
        // a share it could not meet at the full penalty is what it can do: no further cuts there
        if (fullPenalty(pass)) {
          groups[g]!.rowIndex.forEach((i, n) => {
            if (isMaster(i) && dir(i) * (r.usage[n]! - share[j]![n]!) > 1e-6 * Math.max(1, Math.abs(share[j]![n]!))) fixed[j]![n] = true;
          });
        }
      });
      base = next;
      const after = sum((j, n) => base[j]![n]!);
      const broken = masterRows.filter((i) => dir(i) * (after[i]! - rows[i]!.bound) > FEASIBILITY_TOLERANCE * Math.max(1, Math.abs(rows[i]!.bound)));
      if (broken.length === 0) return;
      const touched = new Set(broken);
      active = which.map((_, j) => j).filter((j) => groups[which[j]!]!.rowIndex.some((i, n) => touched.has(i) && !fixed[j]![n]));
    }
  };

  const box = Float64Array.from(rows, (r) => Math.max(1e-9, INITIAL_BOX * r.priceScale));
  let primal = await solveMaster(data, masterSolver);
  out.masterSeconds += primal.seconds;
  let predicted = Infinity;
  let repairedAt = -Infinity;
  let finalRepair = false;
  for (;;) {
    out.masterColumns = Math.max(out.masterColumns, primal.columns);
    const upper = primal.feasible ? primal.objective + fixedObjective : Infinity;
    const gap = (upper - best) / Math.max(1, Math.abs(upper));
    if (gap <= options.gapTolerance) break;
    const dualSettled = (predicted - best) / Math.max(1, Math.abs(best)) <= options.gapTolerance / 2;
    const last = out.rounds >= options.maxRounds;
    if ((out.rounds - repairedAt >= REPAIR_EVERY && dualSettled && !last) || (last && !finalRepair)) {
      finalRepair = last;
      repairedAt = out.rounds;
      await repair();
      primal = await solveMaster(data, masterSolver);
      out.masterSeconds += primal.seconds;
      continue;
    }
    if (last) break;
    // next prices: the master's, held within the box around the best prices so far
    const stab = await solveMaster(data, masterSolver, { center, box });
    out.masterSeconds += stab.seconds;
    predicted = stab.objective + fixedObjective;
    const prices = stab.prices;
    const lower = await round(prices, false);
    const serious = lower >= best + SERIOUS * (predicted - best);
    if (serious) {
      // a step that raised the bound and reached the edge of the box: let the next one go further
      for (const i of masterRows) if (Math.abs(prices[i]! - center[i]!) >= 0.99 * box[i]!) box[i] = box[i]! * 2;
      if (lower > best) {
        best = lower;
        center = Float64Array.from(prices);
      }
    } else if (lower < best) {
      for (const i of masterRows) box[i] = Math.max(1e-9 * rows[i]!.priceScale, box[i]! / 2);
    }
    options.onRound?.({ round: out.rounds, lowerBound: best, upperBound: upper, gap, serious, box: Math.max(...masterRows.map((i) => box[i]! / rows[i]!.priceScale)), violation: primal.violation.reduce((a, b) => a + b, 0) });
    // the plan-recovering master is needed once the prices have nearly settled (the gap can then
    // close), and at the round limit; in between, its last solution remains a valid upper bound
    const settled = (predicted - best) / Math.max(1, Math.abs(best)) <= options.gapTolerance;
    if (settled || !primal.feasible || out.rounds % PRIMAL_EVERY === 0 || out.rounds >= options.maxRounds) {
      primal = await solveMaster(data, masterSolver);
      out.masterSeconds += primal.seconds;
    }
  }
  out.lowerBound = best;
  out.upperBound = primal.objective + fixedObjective - primal.violation.reduce((a, v, k) => a + v * data.penalty[masterRows[k]!]!, 0);
  out.gap = Math.max(0, (out.upperBound - out.lowerBound) / Math.max(1, Math.abs(out.upperBound)));
  out.prices = center;
  primal.violation.forEach((v, k) => (out.violation[masterRows[k]!] = v));
  out.plans = groups.map((G, g) => {
    const props = data.proposals[g]!;
    const w = coupled[g] ? primal.weights[g]! : [1];
    props.forEach((p, k) => G.rowIndex.forEach((i, n) => (out.usage[i]! += w[k]! * p.usage[n]!)));
    return mixGroupPlans(
      props.map((p) => p.plan),
      w,
    );
  });
  out.coldRetries += data.coldRetries;
  return out;
}

function same(a: Proposal, b: Proposal): boolean {
  const eq = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  return eq(a.objective, b.objective) && a.usage.every((u, n) => eq(u, b.usage[n]!));
}

/** Prices of '≤' rows are ≥ 0, of '≥' rows ≤ 0, of measured rows 0. */
function clampSigns(prices: Float64Array, rows: CouplingRow[]): void {
  rows.forEach((r, i) => {
    if (r.measureOnly) prices[i] = 0;
    else if (r.sense === '<=') prices[i] = Math.max(0, prices[i]!);
    else prices[i] = Math.min(0, prices[i]!);
  });
}

interface MasterData {
  groups: DecompositionGroup[];
  rows: CouplingRow[];
  masterRows: number[];
  masterPos: Int32Array;
  coupled: boolean[];
  proposals: Proposal[][];
  /** Master columns in the order plans were offered: [group, index in its proposals]. */
  order: Array<[number, number]>;
  penalty: number[];
  /** Last basis of each master (columns only ever appended, so it stays a valid start). */
  bases: { primal?: SimplexBasis; stabilised?: SimplexBasis };
  /** Warm-started master solves that ended without an optimum and were solved again cold. */
  coldRetries: number;
}

interface MasterSolution {
  objective: number;
  /** No artificial column is used: the weights give a plan within every fleet row. */
  feasible: boolean;
  /** Weights per group and proposal (coupled groups). */
  weights: number[][];
  /** π per window row (0 for measured rows). */
  prices: Float64Array;
  /** Artificial use per master row. */
  violation: Float64Array;
  seconds: number;
  columns: number;
}

/**
 * The restricted master. Without `stabilise`: artificial columns at the penalties (always
 * feasible; the recovered plan and the upper bound). With it: for each row a column that buys
 * capacity at |center| + box and one that sells it at |center| − box, which holds the row's price
 * within that interval (the trust region) instead of an artificial.
 */
async function solveMaster(d: MasterData, solver: Solver, stabilise?: { center: Float64Array; box: Float64Array }): Promise<MasterSolution> {
  const t0 = performance.now();
  const { groups, rows, masterRows, masterPos, coupled, proposals, order } = d;
  const lp = new LinearModel('minimize');
  const M = masterRows.length;
  // columns: relax[k] buys capacity on row k (at the price ceiling, or the penalty), tighten[k]
  // leaves capacity unused (paid at the price floor; fixed at 0 without a floor), then the plans
  // in the order they were offered, so the last basis is a prefix of the next model's
  const relax = lp.addVariables(M, { cost: (k) => (stabilise ? Math.abs(stabilise.center[masterRows[k]!]!) + stabilise.box[masterRows[k]!]! : d.penalty[masterRows[k]!]!) });
  const floor = (k: number) => (stabilise ? Math.abs(stabilise.center[masterRows[k]!]!) - stabilise.box[masterRows[k]!]! : 0);
  const tighten = lp.addVariables(M, { cost: (k) => -Math.max(0, floor(k)), upper: (k) => (floor(k) > 0 ? Infinity : 0) });
  const first = lp.addVariables(order.length, { cost: (c) => proposals[order[c]![0]]![order[c]![1]]!.objective });
  const columns = order.length;
  const column: number[][] = groups.map(() => []);
  order.forEach(([g, k], c) => (column[g]![k] = first + c));
  const byRow: Array<Array<[number, number]>> = masterRows.map(() => []);
  groups.forEach((G, g) => {
    if (!coupled[g]) return;
    G.rowIndex.forEach((i, n) => {
      const k = masterPos[i]!;
      if (k >= 0) byRow[k]!.push([g, n]);
    });
  });
  masterRows.forEach((i, k) => {
    const r = rows[i]!;
    const le = r.sense === '<=';
    lp.beginRow(le ? -Infinity : r.bound, le ? r.bound : Infinity);
    lp.addTerm(relax + k, le ? -1 : 1);
    lp.addTerm(tighten + k, le ? 1 : -1);
    for (const [g, n] of byRow[k]!) proposals[g]!.forEach((p, q) => lp.addTerm(column[g]![q]!, p.usage[n]!));
    lp.endRow();
  });
  groups.forEach((_, g) => {
    if (!coupled[g]) return;
    lp.beginRow(1, 1);
    for (const c of column[g]!) lp.addTerm(c, 1);
    lp.endRow();
  });
  const model = lp.compile({ shared: false });
  const kind = stabilise ? 'stabilised' : 'primal';
  const last = d.bases[kind];
  let basis: SimplexBasis | undefined;
  if (last && last.rowStatus.length === model.numRows && last.colStatus.length <= model.numColumns) {
    const colStatus = new Int32Array(model.numColumns); // new plans start nonbasic at zero
    colStatus.set(last.colStatus);
    basis = { colStatus, rowStatus: last.rowStatus };
  }
  // the last basis with the new plans nonbasic at zero is still primal feasible (only columns and
  // costs change): the primal simplex goes on from it, as column generation does (on a 300-site
  // plan, 8,700 master iterations against 21,600 with the dual simplex)
  let r = await solver.solve(model, { method: 'simplex', keepBasis: true, ...(basis ? { basis, simplex: 'primal' as const } : {}) });
  if (basis && r.status !== 'optimal' && r.status !== 'time-limit') {
    // the master always has a solution (its relax columns), so a warm start that finds none went wrong
    d.coldRetries++;
    r = await solver.solve(model, { method: 'simplex', keepBasis: true });
  }
  if (r.basis) d.bases[kind] = r.basis;
  if (r.status !== 'optimal' || !r.rowDuals) {
    throw new SolverError(`the decomposition's master problem ended ${r.status}${r.message ? `: ${r.message}` : ''}${r.rowDuals ? '' : ' (no duals)'}`, r.status, r.solver);
  }
  const x = r.columnValues;
  const y = r.rowDuals;
  // HiGHS duals are ∂objective/∂bound: a binding '≤' row has y ≤ 0, and the price of its use is −y
  const prices = new Float64Array(rows.length);
  masterRows.forEach((i, k) => (prices[i] = -y[k]!));
  clampSigns(prices, rows);
  const weights = groups.map((_, g) => {
    if (!coupled[g]) return [1];
    const w = proposals[g]!.map((_, q) => Math.max(0, x[column[g]![q]!]!));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / sum);
  });
  const violation = Float64Array.from(masterRows, (_, k) => (stabilise ? 0 : Math.max(0, x[relax + k]!)));
  const feasible = violation.every((v, k) => v <= FEASIBILITY_TOLERANCE * Math.max(1, Math.abs(rows[masterRows[k]!]!.bound)));
  return { objective: r.objective, feasible, weights, prices, violation, seconds: (performance.now() - t0) / 1000, columns };
}
