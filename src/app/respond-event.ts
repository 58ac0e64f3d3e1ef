/**
 * Use case behind `wattshift ven`: one site's response to one grid event, solved as a linear
 * program over the event window from the site's current state (its plan and the ledger that plan
 * produced). The levers are the ones the offline replay uses (src/programs/levers.ts): storage,
 * inference power caps that keep every token served, training and batch power caps down each
 * job's throughput-vs-power hull, and pausing. Where the replay fills each step's change by merit
 * order, the LP sees the whole window at once: storage is limited by its state of charge over the
 * window (not an even share per step), and each job's lost or deferred work by its QoS budget over
 * the window (not a per-step rate). The result is the site's setpoints (GPU power caps, GPUs
 * running, storage power, make-up work after the event) and what the meter should show.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { LinearModel } from '../optimize/model-builder.ts';
import { solveOutcomeError } from '../optimize/solve-outcome.ts';
import type { Solver } from '../optimize/solver.ts';
import { siteSegments, workBudget, type Segment } from '../programs/levers.ts';
import { realiseEvent, startResponse } from '../programs/response.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { checkpoint } from './progress.ts';
import type { UseCaseDeps } from './types.ts';

/** Penalty of a kWh the site cannot deliver, per kWh, in the LP's cost units (far above any lever). */
export const SHORTFALL_COST_PER_KWH = 1e6;

/** A site as its VEN sees it: the fleet model, the current plan and the ledger it produces. */
export interface SiteState {
  model: FleetModel;
  /** The plan the site runs when no event is on (only this site's allocations are read). */
  base: Dispatch;
  baseLedger: Ledger;
  /** Index of the site in the model. */
  site: number;
}

/** What an event asks of one site, per step of the model's grid. */
export interface SiteCall {
  id: string;
  /** First step of the event and the step after it. */
  startStep: number;
  endStep: number;
  /** Reduction of grid import wanted at each event step, kW (≥ 0). */
  requiredKW: Float64Array;
  /** Money saved per MWh of import reduced at each event step (a PRICE event), currency/MWh. */
  valuePerMWh?: Float64Array;
}

/** One lever's setpoint over steps [fromStep, fromStep + length). */
export interface JobSetpoint {
  workload: string;
  /** GPU power limit of the job's running GPUs, W. */
  gpuPowerW: number[];
  /** GPUs running (the rest of the base plan's GPUs are paused; more than the base is make-up work). */
  gpus: number[];
  /** GPUs the base plan runs, for comparison. */
  baseGpus: number[];
}

/** Setpoints of one site for one event: what the adapters turn into commands. */
export interface SiteSetpoints {
  site: string;
  eventId: string;
  /** First step the setpoints cover and its start, UTC ms. */
  fromStep: number;
  startMs: number;
  stepMinutes: number;
  /** Steps covered (the event window and any make-up after it). */
  length: number;
  jobs: JobSetpoint[];
  inference: Array<{ workload: string; gpuPowerW: number[] }>;
  /** Storage power, kW (positive charges), or null without storage changes. */
  storageKW: number[] | null;
}

/** The response of one site to one event. */
export interface SiteEventResponse {
  setpoints: SiteSetpoints;
  /** Reduction planned per event step, kW. */
  plannedKW: Float64Array;
  /** What could not be planned per event step, kW. */
  shortKW: Float64Array;
  /** Grid import the plan expects per event step, kW. */
  expectedImportKW: Float64Array;
  /** Import of the base plan per event step, kW. */
  baseImportKW: Float64Array;
  /** Storage state of charge expected at the end of each event step, kWh (null without storage). */
  expectedSocKWh: Float64Array | null;
  /** kW per lever kind, averaged over the event. */
  byLever: Record<string, number>;
  lp: { columns: number; rows: number; objective: number; solveSeconds: number };
  /** The site's response dispatch (only this site's allocations), for a simulator. */
  dispatch: Dispatch;
}

/** The base plan restricted to one site's allocations (levers never look at other sites). */
export function siteOnlyDispatch(d: Dispatch, site: number): Dispatch {
  return { ...d, jobs: d.jobs.filter((a) => a.site === site), inference: d.inference.filter((a) => a.site === site), storageKW: d.storageKW.map((x, i) => (i === site ? x : undefined)) };
}

/**
 * Work budget of workload `w` for this site: the workload's fleet budget times the site's share of
 * the workload's GPUs in the window, so a workload that runs at two sites is not counted twice.
 */
function siteShare(state: SiteState, workload: number, from: number, to: number): number {
  let here = 0;
  let all = 0;
  for (const a of state.base.jobs) {
    if (a.workload !== workload) continue;
    let g = 0;
    for (let t = from; t < to; t++) g += a.gpus[t]!;
    all += g;
    if (a.site === state.site) here += g;
  }
  return all > 0 ? here / all : 1;
}

/** Solves the event-window LP for one site and realises it as setpoints. */
export async function respondEvent(state: SiteState, call: SiteCall, deps: UseCaseDeps & { solver?: Solver }): Promise<SiteEventResponse> {
  const { model, site: s } = state;
  const grid = model.grid;
  const len = call.endStep - call.startStep;
  if (!(Number.isInteger(call.startStep) && call.startStep >= 0 && len > 0 && call.endStep <= grid.steps)) {
    throw new InputError('EVENT_INVALID', `event "${call.id}" covers steps ${call.startStep}..${call.endStep}, outside the horizon's 0..${grid.steps}`, { path: 'event.intervals' });
  }
  if (call.requiredKW.length !== len) throw new InputError('EVENT_INVALID', `event "${call.id}": ${call.requiredKW.length} required values for ${len} steps`, { path: 'event.intervals' });
  checkpoint(deps, 'before the event LP');
  const h = stepHours(grid);
  const local = siteOnlyDispatch(state.base, s);
  const response = startResponse(model, local, state.baseLedger, [{ startStep: call.startStep, endStep: call.endStep, sites: [s] }], new Set([s]));
  const L = state.baseLedger.sites[s]!;
  const siteModel = model.sites[s]!;
  const st = siteModel.storage;
  const socStart = call.startStep > 0 ? L.socKWh[call.startStep - 1]! : (st?.socInitialKWh ?? 0);

  // job and inference segments with the full hull: the budget is a window constraint below
  // (the site's own workloads alone: a map of the fleet's would make every VEN's work grow with the fleet)
  const unlimited = new Map(local.jobs.map((a) => [a.workload, Number.POSITIVE_INFINITY]));
  const segs: Segment[][] = [];
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    segs.push(siteSegments(response.ctx, s, t, { direction: 'reduce', hours: len * h, end: call.endStep, socAtStart: socStart }, unlimited).filter((x) => x.kind !== 'storage'));
  }

  const lp = new LinearModel('minimize');
  const value = call.valuePerMWh;
  const cols: number[][] = segs.map((list, q) =>
    list.map((seg) => lp.addVariable({ upper: seg.kw, cost: h * (value ? seg.valuePerKWh - value[q]! / 1000 + 1e-6 * seg.costPerKWh : seg.costPerKWh) })),
  );
  // storage: extra discharge (or less charge) against the base path, within power and SoC
  const storageCols: number[] = [];
  if (st) {
    const wear = st.degradationCostPerKWh;
    for (let q = 0; q < len; q++) {
      const t = call.startStep + q;
      const upper = Math.max(0, L.storageChargeKW[t]! + st.powerKW - L.storageDischargeKW[t]!);
      storageCols.push(lp.addVariable({ upper, cost: h * (wear - (value ? value[q]! / 1000 : 0)) }));
    }
    // SoC after step q: base SoC less the extra energy taken so far (at discharge efficiency)
    for (let q = 0; q < len; q++) {
      const t = call.startStep + q;
      const room = Math.max(0, L.socKWh[t]! - st.socMinKWh);
      lp.addRow(Number.NEGATIVE_INFINITY, room, storageCols.slice(0, q + 1), storageCols.slice(0, q + 1).map(() => h / st.dischargeEfficiency));
    }
  }
  const shortCols: number[] = [];
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    const short = lp.addVariable({ upper: call.requiredKW[q]!, cost: h * SHORTFALL_COST_PER_KWH });
    shortCols.push(short);
    const idx = [...cols[q]!, ...(st ? [storageCols[q]!] : [])];
    // reach the required change (less any shortfall), and never more than the import itself
    lp.addRow(call.requiredKW[q]!, Number.POSITIVE_INFINITY, [...idx, short], [...idx.map(() => 1), 1]);
    lp.addRow(Number.NEGATIVE_INFINITY, Math.max(0, L.gridImportKW[t]!), idx, idx.map(() => 1));
  }
  // work each workload may lose or defer over the window, this site's share of it
  const byWorkload = new Map<number, { idx: number[]; coef: number[] }>();
  segs.forEach((list, q) =>
    list.forEach((seg, i) => {
      if (seg.kind !== 'job' || !(seg.lossRate > 0)) return;
      const w = response.ctx.jobs[seg.alloc]!.w.index;
      const e = byWorkload.get(w) ?? { idx: [], coef: [] };
      e.idx.push(cols[q]![i]!);
      e.coef.push((seg.lossRate / seg.kw) * h);
      byWorkload.set(w, e);
    }),
  );
  for (const [w, e] of byWorkload) {
    const budget = workBudget(response.ctx, model.workloads[w]!, call.endStep) * siteShare(state, w, call.startStep, call.endStep);
    lp.addRow(Number.NEGATIVE_INFINITY, Math.max(0, budget), e.idx, e.coef);
  }

  const compiled = lp.compile({ shared: false });
  const solver = deps.solver ?? deps.solverFactory('highs');
  let result;
  try {
    result = await solver.solve(compiled, { signal: deps.signal });
  } finally {
    if (!deps.solver) await solver.close?.();
  }
  if (result.status !== 'optimal') throw solveOutcomeError(result, { what: `the response of site "${siteModel.id}" to event "${call.id}"` });
  const x = result.columnValues;

  // realise the LP's choice: each segment cut to what the LP used, in the LP's amounts
  const chosen: Segment[][][] = [];
  const amounts: number[][] = [];
  const shortKW = new Float64Array(len);
  for (let q = 0; q < len; q++) {
    const list: Segment[] = [];
    let sum = 0;
    if (st) {
      const u = x[storageCols[q]!]!;
      if (u > 1e-9) {
        list.push({ kind: 'storage', site: s, alloc: -1, kw: u, lossRate: 0, deferrable: false, costPerKWh: 0, valuePerKWh: 0, tier: 0, order: 0 });
        sum += u;
      }
    }
    segs[q]!.forEach((seg, i) => {
      const u = Math.min(seg.kw, x[cols[q]![i]!]!);
      if (!(u > 1e-9)) return;
      const f = u / seg.kw;
      list.push({ ...seg, kw: u, lossRate: seg.lossRate * f, scale: (seg.scale ?? 1) * f });
      sum += u;
    });
    // hull segments of one job run in order along the hull
    list.sort((a, b) => a.tier - b.tier || a.alloc - b.alloc || a.order - b.order);
    chosen.push([list]);
    amounts.push([sum]);
    shortKW[q] = x[shortCols[q]!]!;
  }
  const realised = realiseEvent(response, { id: call.id, direction: 'reduce', startStep: call.startStep, endStep: call.endStep, sites: [s] }, chosen, amounts);
  const plannedKW = realised.sites[0]!.plannedKW;
  const baseImportKW = L.gridImportKW.slice(call.startStep, call.endStep);
  const expectedImportKW = baseImportKW.map((v, q) => v - plannedKW[q]!);
  let expectedSocKWh: Float64Array | null = null;
  if (st) {
    let taken = 0;
    expectedSocKWh = new Float64Array(len);
    for (let q = 0; q < len; q++) {
      taken += (x[storageCols[q]!]! * h) / st.dischargeEfficiency;
      expectedSocKWh[q] = L.socKWh[call.startStep + q]! - taken;
    }
  }
  return {
    setpoints: setpointsOf(state, local, response.dispatch, call),
    plannedKW,
    shortKW,
    expectedImportKW,
    baseImportKW,
    expectedSocKWh,
    byLever: realised.sites[0]!.byLever,
    lp: { columns: compiled.numColumns, rows: compiled.numRows, objective: result.objective, solveSeconds: result.solveSeconds },
    dispatch: response.dispatch,
  };
}

/** The setpoints: every step from the event start where the response differs from the base plan. */
function setpointsOf(state: SiteState, base: Dispatch, after: Dispatch, call: SiteCall): SiteSetpoints {
  const { model } = state;
  const n = model.grid.steps;
  let last = call.endStep;
  const differs = (a: Float64Array, b: Float64Array) => {
    for (let t = n - 1; t >= last; t--) if (Math.abs(a[t]! - b[t]!) > 1e-9) return t + 1;
    return last;
  };
  base.jobs.forEach((a, j) => (last = Math.max(last, differs(a.gpus, after.jobs[j]!.gpus), differs(a.gpuPowerW, after.jobs[j]!.gpuPowerW))));
  const sb = base.storageKW[state.site];
  const sa = after.storageKW[state.site];
  if (sa) last = Math.max(last, differs(sb ?? new Float64Array(n), sa));
  const from = call.startStep;
  const span = <T>(a: ArrayLike<number>, f: (v: number) => T = (v) => v as T): T[] => Array.from({ length: last - from }, (_, i) => f(a[from + i]!));
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    site: model.sites[state.site]!.id,
    eventId: call.id,
    fromStep: from,
    startMs: stepStartMs(model.grid, from),
    stepMinutes: model.grid.stepMinutes,
    length: last - from,
    jobs: after.jobs.map((a, j) => ({ workload: model.workloads[a.workload]!.id, gpuPowerW: span(a.gpuPowerW, round), gpus: span(a.gpus, round), baseGpus: span(base.jobs[j]!.gpus, round) })),
    inference: after.inference.map((a) => ({ workload: model.workloads[a.workload]!.id, gpuPowerW: span(a.gpuPowerW, round) })),
    storageKW: sa ? span(sa, round) : null,
  };
}
