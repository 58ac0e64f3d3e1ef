/**
 * Replays a grid event on a fleet: hold a group's power a given share below its normal level for
 * a window, choosing GPU caps and pausing to maximise the QoS-weighted performance of the jobs
 * (average throughput fraction over the event, weights as the scenario gives them). Outside the
 * event the fleet runs as the naive policy would. Also finds the deepest reduction the fleet can
 * hold with every QoS floor met.
 */
import { InputError, throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { defaultSolverFactory, solveOutcomeError, type Solver, type SolverFactory } from '../optimize/index.ts';
import { naiveDispatch } from './naive.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { simulate } from '../simulate/engine.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { measuredPowerKW } from '../simulate/measure.ts';
import { stepHours } from '../time/grid.ts';
import { extractWindow } from './extract.ts';
import { buildFleetLp, emptyWindowState, type PowerCap } from './fleet-lp.ts';
import { actualSignals } from './signals.ts';

/** The event to replay. */
export interface PowerEvent {
  from: number;
  to: number;
  /** Required reduction below the normal level, as a fraction (0.25 = 25 %). */
  reduction: number;
  measure: PowerCap['measure'];
  sites?: number[];
  /** Steps over which job performance and QoS floors are measured (default: the event itself). */
  window?: [number, number];
}

/** Which solver an event replay uses, and how to stop it. */
export interface EventSolveOptions {
  /** Makes the solver (default: {@link defaultSolverFactory}). */
  solverFactory?: SolverFactory;
  /** Solver name passed to the factory (default 'highs'). */
  solver?: string;
  /** Stops between solves and aborts a running solve (a CancelledError). */
  signal?: AbortSignal;
}

/** How one job fared in the event, and which levers it used. */
export interface JobEventOutcome {
  id: string;
  /** Average throughput fraction over the measurement window. */
  performance: number;
  /** Average throughput fraction during the event alone. */
  eventPerformance: number;
  floor: number | null;
  weight: number;
  /** Average GPU power while running, W, and the cap that gives it. */
  averageGpuPowerW: number;
  /** Share of GPU-time paused during the event. */
  pausedShare: number;
  levers: string;
}

/** Outcome of an event replay. */
export interface EventReplay {
  normalKW: number;
  limitKW: number;
  achievedKW: number;
  /** QoS-weighted performance over the measurement window. */
  weightedPerformance: number;
  /** QoS-weighted performance during the event alone. */
  weightedEventPerformance: number;
  floorsMet: boolean;
  jobs: JobEventOutcome[];
  dispatch: Dispatch;
  ledger: Ledger;
}

/** Power of `measure` per step from a ledger, summed over sites, kW (moved to src/simulate/measure.ts; kept here for callers). */
export { measuredPowerKW };

async function solveEvent(model: FleetModel, ev: PowerEvent, limitKW: number, solver: Solver, signal?: AbortSignal): Promise<{ dispatch: Dispatch; floorsMet: boolean }> {
  throwIfCancelled(signal, 'before an event model');
  const sites = ev.sites ?? model.sites.map((s) => s.index);
  const dispatch = naiveDispatch(model);
  dispatch.generatorKW = model.sites.map((s) => (s.generators.length ? s.generators.map(() => new Float64Array(model.grid.steps)) : undefined));
  const state = emptyWindowState(model);
  const [a, b] = ev.window ?? [ev.from, ev.to];
  const qosWindow = model.workloads.map((): [number, number] => [a, b]);
  const { lp, layout } = buildFleetLp(model, a, b, actualSignals(model), state, {
    objective: 'qos',
    caps: [{ label: 'event', sites, from: ev.from, to: ev.to, maxKW: limitKW, measure: ev.measure }],
    rolling: false,
    maxPoints: 12,
    qosWindow,
    holdStorageEnd: false,
  });
  const result = await solver.solve(lp.compile(), { signal });
  if (result.status === 'infeasible' && !signal?.aborted) {
    throw new InputError(
      'PLAN_INFEASIBLE',
      `${ev.measure} power cannot be held ${(ev.reduction * 100).toFixed(1)} % below normal (at most ${limitKW.toFixed(1)} kW) over the event, even with every job paused: what must keep running (inference, idle GPUs, cooling, fixed loads) draws more; ask for a smaller reduction`,
      { path: '--reduce' },
    );
  }
  if (result.status !== 'optimal') throw solveOutcomeError(result, { what: `the event model (${(ev.reduction * 100).toFixed(1)} % below normal ${ev.measure} power)`, signal, sizeOption: '--event' });
  // replace the naive decisions inside the event by the plan's
  for (const j of dispatch.jobs) for (let t = a; t < b; t++) j.gpus[t] = 0;
  for (const i of dispatch.inference) for (let t = a; t < b; t++) i.servedTokensPerSecond[t] = 0;
  extractWindow(model, layout, result.columnValues, b, dispatch);
  let floorsMet = true;
  for (const col of layout.qosSlack.values()) if (result.columnValues[col]! > 1e-6) floorsMet = false;
  return { dispatch, floorsMet };
}

/** The group's power over the event window with every job at full power (naive), mean kW. */
function normalLevelKW(model: FleetModel, ev: Pick<PowerEvent, 'from' | 'to' | 'measure'>, sites: number[]): number {
  const power = measuredPowerKW(model, simulate(model, naiveDispatch(model)), ev.measure, sites);
  let sum = 0;
  for (let t = ev.from; t < ev.to; t++) sum += power[t]!;
  return sum / (ev.to - ev.from);
}

/** Replays the event and measures each job over the event window. */
export async function replayEvent(model: FleetModel, ev: PowerEvent, options: EventSolveOptions = {}): Promise<EventReplay> {
  const sites = ev.sites ?? model.sites.map((s) => s.index);
  const h = stepHours(model.grid);
  const normalKW = normalLevelKW(model, ev, sites);
  const limitKW = normalKW * (1 - ev.reduction);
  const solver = (options.solverFactory ?? defaultSolverFactory)(options.solver ?? 'highs');
  try {
    const { dispatch, floorsMet } = await solveEvent(model, ev, limitKW, solver, options.signal);
    const ledger = simulate(model, dispatch);
    const power = measuredPowerKW(model, ledger, ev.measure, sites);
    let achieved = 0;
    for (let t = ev.from; t < ev.to; t++) achieved = Math.max(achieved, power[t]!);
    const [wa, wb] = ev.window ?? [ev.from, ev.to];
    const hours = (wb - wa) * h;
    const jobs: JobEventOutcome[] = [];
    for (const w of model.workloads) {
      if (w.type === 'inference') continue;
      let work = 0, eventWork = 0, gpuTime = 0, energyW = 0;
      for (const L of ledger.sites) for (const f of L.workloads) {
        if (f.workload !== w.index) continue;
        for (let t = wa; t < wb; t++) {
          work += f.workGpuHours[t]!;
          if (t < ev.from || t >= ev.to) continue;
          eventWork += f.workGpuHours[t]!;
          gpuTime += f.gpus[t]! * h;
          energyW += f.gpus[t]! * f.gpuPowerW[t]! * h;
        }
      }
      const eventHours = (ev.to - ev.from) * h;
      const performance = work / (w.gpusMax * w.fullPower.throughput * hours);
      const eventPerformance = eventWork / (w.gpusMax * w.fullPower.throughput * eventHours);
      const pausedShare = 1 - gpuTime / (w.gpusMax * eventHours);
      const avgW = gpuTime > 0 ? energyW / gpuTime : 0;
      const capped = avgW < w.fullPower.gpuPowerW - 1;
      const levers = [capped ? `power cap to ${avgW.toFixed(0)} W average (full ${w.fullPower.gpuPowerW.toFixed(0)} W)` : '', pausedShare > 1e-3 ? `paused ${(pausedShare * 100).toFixed(0)} % of GPU-time` : ''].filter(Boolean).join('; ') || 'full power';
      jobs.push({ id: w.id, performance, eventPerformance, floor: w.qosFloor ?? null, weight: w.qosWeight, averageGpuPowerW: avgW, pausedShare, levers });
    }
    const wsum = jobs.reduce((a, j) => a + j.weight, 0) || 1;
    const weightedPerformance = jobs.reduce((a, j) => a + j.weight * j.performance, 0) / wsum;
    const weightedEventPerformance = jobs.reduce((a, j) => a + j.weight * j.eventPerformance, 0) / wsum;
    return { normalKW, limitKW, achievedKW: achieved, weightedPerformance, weightedEventPerformance, floorsMet, jobs, dispatch, ledger };
  } finally {
    await solver.close?.();
  }
}

/** The deepest reduction (fraction) the group can hold over the event window with every QoS floor met. */
export async function maxReduction(model: FleetModel, ev: Omit<PowerEvent, 'reduction'>, tolerance = 0.001, options: EventSolveOptions = {}): Promise<number> {
  const sites = ev.sites ?? model.sites.map((s) => s.index);
  const normalKW = normalLevelKW(model, ev, sites);
  const solver = (options.solverFactory ?? defaultSolverFactory)(options.solver ?? 'highs');
  try {
    let lo = 0, hi = 1;
    while (hi - lo > tolerance) {
      const mid = (lo + hi) / 2;
      let floorsMet: boolean;
      try {
        ({ floorsMet } = await solveEvent(model, { ...ev, reduction: mid }, normalKW * (1 - mid), solver, options.signal));
      } catch (e) {
        // a cap nothing can hold is deeper than any reduction with the floors met
        if (!(e instanceof InputError && e.code === 'PLAN_INFEASIBLE')) throw e;
        floorsMet = false;
      }
      if (floorsMet) lo = mid;
      else hi = mid;
    }
    return lo;
  } finally {
    await solver.close?.();
  }
}
