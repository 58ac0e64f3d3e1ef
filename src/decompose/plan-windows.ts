/**
 * Plans windows by decomposition: each group of sites that shares no workload with another is a
 * unit of work, the fleet rows (the shared import cap per step, the window's CO2 and green-share
 * budgets, caps over several groups) are priced by a Dantzig–Wolfe master per window
 * (dantzig-wolfe.ts), and the recovered plan is committed and carried forward exactly as in the
 * one-model path. Prices of each window start the next one (shifted by its commit).
 */
import { randomUUID } from 'node:crypto';
import { InputError, throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { solveOutcomeError, type SimplexBasis, type SolveResult, type Solver } from '../optimize/index.ts';
import { explainInfeasibleWindow } from '../plan/explain-infeasible.ts';
import type { FleetBudget, PowerCap, WindowState } from '../plan/fleet-lp.ts';
import type { FleetBudgetPacer } from '../plan/fleet-limits.ts';
import type { Guide } from '../plan/guide.ts';
import type { PlanOptions } from '../plan/plan-options.ts';
import type { Forecaster } from '../plan/signals.ts';
import { terminalValues } from '../plan/terminal-values.ts';
import { tariffStateToWire } from '../plan/tariff-lp.ts';
import type { Dispatch, SolverStats } from '../simulate/dispatch.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { formatLocalIso } from '../time/zone.ts';
import { decomposeWindow, GroupInfeasibleError, type CouplingRow, type DecompositionGroup } from './dantzig-wolfe.ts';
import type { SubproblemExecutor } from './executor.ts';
import { applyGroupPlan } from './group-plan.ts';
import { prepareSubproblem, type FleetRowRef, type SubproblemTask } from './subproblem.ts';

/**
 * Penalties of the master's artificial columns (big M), per row unit: above any price a fleet row
 * can sensibly carry (unserved inference and unfinished work cost about 100 per kWh by default),
 * raised by the master when a window still needs them.
 */
const PENALTY = { capPerKWh: 1e3, co2PerTonne: 1e6, greenPerKWh: 1e3 };

/** Everything the decomposed window loop needs from the planner. */
export interface DecomposedRun {
  model: FleetModel;
  options: PlanOptions;
  windows: Array<[number, number, number]>;
  caps: PowerCap[];
  pacer: FleetBudgetPacer;
  /** Sites of each unit of work (no workload spans two groups). */
  groups: number[][];
  forecaster: Forecaster;
  state: WindowState;
  guide?: Guide;
  executor: SubproblemExecutor;
  masterSolver: Solver;
  dispatch: Dispatch;
  stats: SolverStats;
  /** Records that a backend other than the configured one solved a model. */
  noteFallback?: (backend: string, message?: string) => void;
}

/** Plans every window by decomposition, writing the dispatch and the statistics. */
export async function planWindowsDecomposed(run: DecomposedRun): Promise<void> {
  const { model, options: o, windows, caps, pacer, groups, forecaster, state, guide, executor, masterSolver, dispatch, stats } = run;
  const h = stepHours(model.grid);
  const day = Math.round(24 / h);
  const groupOf = new Int32Array(model.sites.length);
  groups.forEach((g, i) => g.forEach((s) => (groupOf[s] = i)));
  const groupWorkloads = groups.map((g) => {
    const set = new Set(g);
    return model.workloads.filter((w) => w.siteIndices.every((s) => set.has(s))).map((w) => w.index);
  });
  const spansOf = (sites: number[]) => new Set(sites.map((s) => groupOf[s]!));
  const capGroups = caps.map((c) => spansOf(c.sites));
  const when = (t: number) => formatLocalIso(stepStartMs(model.grid, t), model.sites[0]?.calendar.offsetMinutes[t] ?? 0).slice(0, 16);
  const runId = randomUUID();
  const dec = { groups: groups.length, windows: 0, bindingWindows: 0, rounds: 0, maxRounds: 0, maxGap: 0, lowerBound: 0, upperBound: 0, masterSeconds: 0, coldRetries: 0 };
  const pricedRounds: number[] = [];
  let previous: { refs: FleetRowRef[]; budgets: FleetBudget[]; prices: Float64Array } | undefined;
  // each group's last basis: the next window's first round starts from it (same shape, a day later)
  let bases: Array<SimplexBasis | undefined> = [];
  let done = 0;
  for (const [from, to, commitTo] of windows) {
    throwIfCancelled(o.signal, `before window ${from}–${to}`);
    const signals = forecaster.window(from, to);
    const tv = o.mode === 'rolling' ? terminalValues(model, from, to, signals, state) : undefined;
    const pt = guide ? guide.cumulativeWork.map((c) => (c ? c[to - 1]! : 0)) : undefined;
    const wb = pacer.window(from, to, commitTo);
    const budgets = [...wb.limits, ...wb.measures];
    const budgetGroups = budgets.map((b) => spansOf(b.sites));

    // the window's fleet rows: caps and budgets over several groups, and the committed tallies
    const rows: CouplingRow[] = [];
    const refs: FleetRowRef[] = [];
    const touches: Array<Set<number>> = [];
    // typical prices: a kW over one step, a tonne of CO2 and a kWh at the window's mean energy price
    const price = (sites: number[], a: number, b: number) => {
      let sum = 0;
      for (const s of sites) for (let t = a; t < b; t++) sum += Math.abs(signals.importPrice[s]![t]!);
      return Math.max(1, sum / Math.max(1, sites.length * (b - a)));
    };
    const intensity = (sites: number[]) => {
      let sum = 0;
      for (const s of sites) for (let t = from; t < to; t++) sum += model.sites[s]!.carbonIntensity[t]!;
      return Math.max(1, sum / Math.max(1, sites.length * (to - from)));
    };
    caps.forEach((c, index) => {
      if (capGroups[index]!.size < 2) return;
      for (let t = Math.max(c.from, from); t < Math.min(c.to, to); t++) {
        const priceScale = (price(c.sites, t, t + 1) * h) / 1000;
        rows.push({ label: `${c.label}, ${when(t)}`, unit: 'kW', sense: '<=', bound: c.maxKW, priceScale, penalty: PENALTY.capPerKWh * h });
        refs.push({ source: 'cap', index, step: t });
        touches.push(capGroups[index]!);
      }
    });
    budgets.forEach((b, index) => {
      const measureOnly = b.bound === undefined;
      if (!measureOnly && budgetGroups[index]!.size < 2) return;
      const co2 = b.kind === 'co2';
      // USD/MWh ÷ (g/kWh ÷ 1000) = USD per tonne
      const priceScale = co2 ? price(b.sites, from, to) / (intensity(b.sites) / 1000) : price(b.sites, from, to) / 1000;
      rows.push({ label: b.label, unit: co2 ? 't' : 'kWh', sense: co2 ? '<=' : '>=', bound: b.bound ?? 0, priceScale, penalty: co2 ? PENALTY.co2PerTonne : PENALTY.greenPerKWh, measureOnly });
      refs.push({ source: 'budget', index, step: -1 });
      touches.push(budgetGroups[index]!);
    });

    const windowKey = `${runId}:${from}`;
    const defs: DecompositionGroup[] = groups.map((sites, g) => {
      const workloads = groupWorkloads[g]!;
      const rowIndex = refs.map((_, i) => i).filter((i) => touches[i]!.has(g));
      const restrict = <T extends { sites: number[]; open?: boolean }>(x: T, spans: Set<number>, measured: boolean): T => {
        const own = x.sites.filter((s) => groupOf[s] === g);
        if (own.length === 0) return { ...x, sites: [], open: true };
        return spans.size > 1 || measured ? { ...x, sites: own, open: true } : x;
      };
      const task: SubproblemTask = {
        windowKey,
        from,
        to,
        commitTo,
        sites,
        workloads,
        settings: {
          objective: o.objective,
          rolling: o.mode === 'rolling',
          maxPoints: o.maxPoints,
          holdStorageEnd: true,
          ...(o.lpMethod !== 'auto' ? { lpMethod: o.lpMethod } : {}),
          ...(o.timeLimitSeconds !== undefined ? { timeLimitSeconds: o.timeLimitSeconds } : {}),
        },
        caps: caps.map((c, i) => restrict(c, capGroups[i]!, false)),
        budgets: budgets.map((b, i) => restrict(b, budgetGroups[i]!, b.bound === undefined)),
        state: {
          socKWh: sites.map((s) => state.socKWh[s]!),
          tariff: sites.map((s) => tariffStateToWire(state.tariff[s]!)),
          runHours: sites.map((s) => state.runHours[s]!),
          doneGpuHours: workloads.map((w) => state.doneGpuHours[w]!),
        },
        rows: rowIndex.map((i) => refs[i]!),
        prices: rowIndex.map(() => 0),
      };
      if (tv) task.terminalValuePerGpuHour = workloads.map((w) => tv[w]!);
      if (pt) task.progressTarget = workloads.map((w) => pt[w]!);
      return { task, rowIndex };
    });

    let result;
    try {
      result = await decomposeWindow(defs, rows, executor, masterSolver, {
        gapTolerance: o.gapTolerance,
        maxRounds: o.maxRounds,
        onRound: (r) => {
          throwIfCancelled(o.signal, `in window ${from}–${to}, round ${r.round}`);
          o.progress?.(
            done / windows.length,
            `window ${done + 1}/${windows.length}, round ${r.round}: gap ${Number.isFinite(r.gap) ? `${(r.gap * 100).toFixed(2)} %` : 'no plan within the fleet limits yet'}`,
          );
        },
        ...(previous ? { warmPrices: shiftPrices(previous, refs, budgets, day) } : {}),
        warmBases: bases,
      });
    } catch (e) {
      if (!(e instanceof GroupInfeasibleError)) throw e;
      const task = defs[e.group]!.task;
      if (e.result.status === 'infeasible' && !o.signal?.aborted) {
        const p = prepareSubproblem({ model, signals: () => signals }, task);
        await explainInfeasibleWindow(p.compiled, p.layout, masterSolver, model);
      }
      const r: SolveResult = { status: e.result.status, objective: Number.NaN, columnValues: new Float64Array(0), solveSeconds: e.result.solveSeconds };
      if (e.result.message !== undefined) r.message = e.result.message;
      throw solveOutcomeError(r, { what: `the plan of sites ${task.sites.map((s) => model.sites[s]!.id).join(', ')} in window ${from}–${to}`, signal: o.signal });
    }
    const broken = rows.map((r, i) => ({ r, v: result.violation[i]! })).filter((x) => x.v > 1e-6 * Math.max(1, Math.abs(x.r.bound)));
    if (broken.length > 0) {
      throw new InputError(
        'PLAN_INFEASIBLE',
        `no plan of ${model.name} meets its fleet-wide limits: ${broken[0]!.r.label} cannot be met${broken.length > 1 ? ` (and ${broken.length - 1} more)` : ''}`,
        {},
        broken.slice(0, 20).map(({ r, v }) => `${r.label}: limit ${fmt(r.bound)} ${r.unit}, short by ${fmt(v)} ${r.unit} in the best plan found with every site held to a share of it`),
      );
    }

    for (const [backend, message] of result.fallbacks) run.noteFallback?.(backend, message);
    for (const p of result.plans) applyGroupPlan(model, p, dispatch, state);
    pacer.commit(
      wb.measures,
      wb.measures.map((_, k) => {
        const i = refs.findIndex((r) => r.source === 'budget' && r.index === wb.limits.length + k);
        return i >= 0 ? result.usage[i]! : 0;
      }),
    );
    previous = { refs, budgets, prices: result.prices };
    bases = result.bases;

    stats.solves += result.solves;
    stats.buildSeconds += result.buildSeconds;
    stats.solveSeconds += result.solveSeconds + result.masterSeconds;
    stats.rows += result.rows;
    stats.columns += result.columns;
    stats.nonzeros += result.nonzeros;
    stats.largestColumns = Math.max(stats.largestColumns, result.largestColumns);
    stats.objective += result.upperBound;
    dec.windows++;
    if (result.rounds > 1) {
      dec.bindingWindows++;
      pricedRounds.push(result.rounds);
    }
    dec.rounds += result.rounds;
    dec.maxRounds = Math.max(dec.maxRounds, result.rounds);
    dec.maxGap = Math.max(dec.maxGap, result.gap);
    dec.lowerBound += result.lowerBound;
    dec.upperBound += result.upperBound;
    dec.masterSeconds += result.masterSeconds;
    dec.coldRetries += result.coldRetries;
    done++;
    o.progress?.(done / windows.length);
  }
  pricedRounds.sort((a, b) => a - b);
  const medianRounds = pricedRounds.length ? pricedRounds[(pricedRounds.length - 1) >> 1]! : 1;
  stats.decomposition = { method: 'dantzig-wolfe', parallelism: executor.parallelism, ...dec, medianRounds };
  const gap = (dec.upperBound - dec.lowerBound) / Math.max(1, Math.abs(dec.upperBound));
  dispatch.notes.push(
    `fleet-wide limits decomposed by site group (Dantzig–Wolfe, ${groups.length} units of work per round): ${dec.bindingWindows} of ${dec.windows} window${dec.windows > 1 ? 's' : ''} needed prices, ` +
      `${dec.rounds} rounds in all (at most ${dec.maxRounds}); largest window gap ${(dec.maxGap * 100).toFixed(3)} %, sum over windows ${(gap * 100).toFixed(3)} %` +
      (dec.coldRetries > 0 ? `; ${dec.coldRetries} warm-started solve${dec.coldRetries > 1 ? 's' : ''} ended without an optimum and ${dec.coldRetries > 1 ? 'were' : 'was'} solved again from scratch` : ''),
  );
}

function fmt(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 3 });
}

/** Prices for the new window's rows from the last window's: the same step, else a day earlier; budgets by label. */
function shiftPrices(prev: { refs: FleetRowRef[]; budgets: FleetBudget[]; prices: Float64Array }, refs: FleetRowRef[], budgets: FleetBudget[], day: number): Float64Array {
  const caps = new Map<string, number>();
  const byLabel = new Map<string, number>();
  prev.refs.forEach((r, i) => {
    if (r.source === 'cap') caps.set(`${r.index}:${r.step}`, prev.prices[i]!);
    else byLabel.set(prev.budgets[r.index]!.label, prev.prices[i]!);
  });
  return Float64Array.from(refs, (r) => {
    if (r.source === 'budget') return byLabel.get(budgets[r.index]!.label) ?? 0;
    return caps.get(`${r.index}:${r.step}`) ?? caps.get(`${r.index}:${r.step - day}`) ?? 0;
  });
}
