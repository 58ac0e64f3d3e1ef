/**
 * Use case behind `wattshift ven`: one site's response to one grid event, solved as a linear
 * program over the event window from the site's current state (its plan and the ledger that plan
 * produced). The levers are the ones the offline replay uses (src/programs/levers.ts): storage,
 * inference power caps that keep every token served, training and batch power caps down each
 * job's throughput-vs-power hull, and pausing. Where the replay fills each step's change by merit
 * order, the LP sees the whole window at once: storage is limited by its state of charge over the
 * window (not an even share per step), and each job's lost or deferred work by its QoS budget over
 * the window (not a per-step rate). Steps that ask for more consumption (an import to reach, an
 * export limit, a price below the site's reference price) use the replay's valley-filling levers
 * instead: storage charge, uncapping, work pulled forward, and curtailment for an export limit.
 * The result is the site's setpoints (GPU power caps, GPUs running, storage power, make-up work
 * after the event, export limit) and what the meter should show.
 */
import { InputError, throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { LinearModel } from '../optimize/model-builder.ts';
import { solveOutcomeError } from '../optimize/solve-outcome.ts';
import type { SolverFactory } from '../optimize/solver-factory.ts';
import type { Solver } from '../optimize/solver.ts';
import { siteSegments, workBudget, type Segment } from '../programs/levers.ts';
import { realiseEvent, startResponse, STORAGE_RESTORE_HOURS } from '../programs/response.ts';
import { throughputAtPower } from '../physics/index.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours } from '../time/grid.ts';
import { setpointsOf, type SiteSetpoints } from './setpoints.ts';
import type { SiteCall, SiteState } from './site-call.ts';
import { siteOnlyDispatch, workloadAllocations } from './site-view.ts';

/** Penalty of a kWh the site cannot deliver, per kWh, in the LP's cost units (far above any lever). */
export const SHORTFALL_COST_PER_KWH = 1e6;

/** What an answer needs: a solver (or a factory for one) and a signal that cancels it. */
export interface RespondDeps {
  /** Makes the solver when none is given (closed after the answer). */
  solverFactory: SolverFactory;
  /** A solver kept by the caller (a VEN's, shared between its answers). */
  solver?: Solver;
  signal?: AbortSignal;
}

/** The response of one site to one event. */
export interface SiteEventResponse {
  setpoints: SiteSetpoints;
  /** Reduction of import planned per event step, kW (negative: an increase, valley filling). */
  plannedKW: Float64Array;
  /** What could not be planned per event step, kW. */
  shortKW: Float64Array;
  /** Grid import the plan expects per event step, kW. */
  expectedImportKW: Float64Array;
  /** Import of the base plan per event step, kW. */
  baseImportKW: Float64Array;
  /** Export the plan expects per event step, kW, and the base plan's. */
  expectedExportKW: Float64Array;
  baseExportKW: Float64Array;
  /** Per event step, whether the site consumes more (valley filling, export limit) rather than less. */
  increase: Uint8Array;
  /** Storage state of charge expected at the end of each event step, kWh (null without storage). */
  expectedSocKWh: Float64Array | null;
  /** kW per lever kind, averaged over the event. */
  byLever: Record<string, number>;
  lp: { columns: number; rows: number; objective: number; solveSeconds: number };
  /** The site's response dispatch (only this site's allocations), for a simulator. */
  dispatch: Dispatch;
}


/**
 * Work budget of workload `w` for this site: the workload's fleet budget times the site's share of
 * the workload's GPUs in the window, so a workload that runs at two sites is not counted twice.
 */
function siteShare(state: SiteState, workload: number, from: number, to: number): number {
  let here = 0;
  let all = 0;
  for (const a of workloadAllocations(state.base, workload)) {
    let g = 0;
    for (let t = from; t < to; t++) g += a.gpus[t]!;
    all += g;
    if (a.site === state.site) here += g;
  }
  return all > 0 ? here / all : 1;
}

/** Hours after an event whose planned import price is the reference for moving consumption (the storage restore period). */
export const REFERENCE_PRICE_HOURS = STORAGE_RESTORE_HOURS;

/** Tie-break cost per kWh of an increase lever, so no lever is used beyond what a row asks (cost units). */
const INCREASE_TIE_COST_PER_KWH = 1e-6;

/**
 * Reference price of a site after an event, currency/MWh: the mean planned import price over the
 * REFERENCE_PRICE_HOURS after the event (or the event's own steps at the horizon's end). Energy
 * moved into the event (storage charged, work pulled forward) would otherwise be bought then.
 */
export function referencePricePerMWh(state: SiteState, startStep: number, endStep: number): number {
  const L = state.baseLedger.sites[state.site]!;
  const h = stepHours(state.model.grid);
  const to = Math.min(state.model.grid.steps, endStep + Math.round(REFERENCE_PRICE_HOURS / h));
  const [from, end] = to > endStep ? [endStep, to] : [startStep, endStep];
  let sum = 0;
  for (let t = from; t < end; t++) sum += L.importPrice[t]!;
  return sum / (end - from);
}

/** Solves the event-window LP for one site and realises it as setpoints. */
export async function respondEvent(state: SiteState, call: SiteCall, deps: RespondDeps): Promise<SiteEventResponse> {
  const { model, site: s } = state;
  const grid = model.grid;
  const len = call.endStep - call.startStep;
  if (!(Number.isInteger(call.startStep) && call.startStep >= 0 && len > 0 && call.endStep <= grid.steps)) {
    throw new InputError('EVENT_INVALID', `event "${call.id}" covers steps ${call.startStep}..${call.endStep}, outside the horizon's 0..${grid.steps}`, { path: 'event.intervals' });
  }
  for (const [name, arr] of [['required', call.requiredKW], ['increase', call.increaseKW], ['export limit', call.exportLimitKW], ['price', call.valuePerMWh]] as const) {
    if (arr && arr.length !== len) throw new InputError('EVENT_INVALID', `event "${call.id}": ${arr.length} ${name} values for ${len} steps`, { path: 'event.intervals' });
  }
  throwIfCancelled(deps.signal, 'before the event LP');
  const h = stepHours(grid);
  const local = siteOnlyDispatch(state.base, s);
  const response = startResponse(model, local, state.baseLedger, [{ startStep: call.startStep, endStep: call.endStep, sites: [s] }], new Set([s]));
  const L = state.baseLedger.sites[s]!;
  const siteModel = model.sites[s]!;
  const st = siteModel.storage;
  const socStart = call.startStep > 0 ? L.socKWh[call.startStep - 1]! : (st?.socInitialKWh ?? 0);
  const value = call.valuePerMWh;
  const refPrice = referencePricePerMWh(state, call.startStep, call.endStep);

  // each step either takes import down (reduce) or puts consumption up (valley filling, export
  // limit, a price below the reference); a reduction asked for wins over anything else
  const exportNeed = new Float64Array(len);
  const increase = new Uint8Array(len);
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    const limit = call.exportLimitKW?.[q] ?? Number.POSITIVE_INFINITY;
    exportNeed[q] = Math.max(0, L.gridExportKW[t]! - limit);
    const cheap = value !== undefined && value[q]! < refPrice;
    if (!(call.requiredKW[q]! > 0) && ((call.increaseKW?.[q] ?? 0) > 0 || exportNeed[q]! > 1e-9 || cheap)) increase[q] = 1;
  }

  // job and inference segments with the full hull: the budget is a window constraint below
  // (the site's own workloads alone: a map of the fleet's would make every VEN's work grow with the fleet)
  const unlimited = new Map(local.jobs.map((a) => [a.workload, Number.POSITIVE_INFINITY]));
  const segs: Segment[][] = [];
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    const direction = increase[q] ? 'increase' : 'reduce';
    // increase segments as the load they add, not as the meter sees it: the LP's rows below let
    // surplus renewable power take that load first and bound the import (an increase wholly
    // taken by the surplus, which the meter never sees, still keeps energy from being exported)
    segs.push(siteSegments(response.ctx, s, t, { direction, hours: len * h, end: call.endStep, socAtStart: socStart, atMeter: !increase[q] }, unlimited).filter((x) => x.kind !== 'storage'));
  }

  const lp = new LinearModel('minimize');
  const cols: number[][] = segs.map((list, q) =>
    list.map((seg) => {
      if (!increase[q]) return lp.addVariable({ upper: seg.kw, cost: h * (value ? seg.valuePerKWh - value[q]! / 1000 + 1e-6 * seg.costPerKWh : seg.costPerKWh) });
      // consumption moved into a cheap step earns reference − price per kWh
      const earn = value ? (refPrice - value[q]!) / 1000 : 0;
      return lp.addVariable({ upper: seg.kw, cost: h * (seg.costPerKWh + INCREASE_TIE_COST_PER_KWH - earn) });
    }),
  );
  // storage: extra discharge (reduce steps) or extra charge (increase steps) against the base path
  const storageCols: number[] = [];
  const socCoef: number[] = [];
  if (st) {
    const wear = st.degradationCostPerKWh;
    for (let q = 0; q < len; q++) {
      const t = call.startStep + q;
      if (increase[q]) {
        const upper = Math.max(0, L.storageDischargeKW[t]! + st.powerKW - L.storageChargeKW[t]!);
        const earn = value ? (refPrice - value[q]!) / 1000 : 0;
        storageCols.push(lp.addVariable({ upper, cost: h * (wear + INCREASE_TIE_COST_PER_KWH - earn) }));
        // less discharge keeps 1/η_discharge per kWh, more charge stores η_charge: the larger bounds the SoC
        socCoef.push(h * (L.storageDischargeKW[t]! > 1e-9 ? 1 / st.dischargeEfficiency : st.chargeEfficiency));
      } else {
        const upper = Math.max(0, L.storageChargeKW[t]! + st.powerKW - L.storageDischargeKW[t]!);
        storageCols.push(lp.addVariable({ upper, cost: h * (wear - (value ? value[q]! / 1000 : 0)) }));
        socCoef.push(-h / st.dischargeEfficiency);
      }
    }
    // SoC after step q: the base SoC plus what the event adds or takes, within its limits
    for (let q = 0; q < len; q++) {
      const t = call.startStep + q;
      const idx = storageCols.slice(0, q + 1);
      lp.addRow(st.socMinKWh - L.socKWh[t]!, st.socMaxKWh - L.socKWh[t]!, idx, socCoef.slice(0, q + 1));
    }
  }
  const shortCols: number[] = [];
  const curtailCols: Array<number | undefined> = [];
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    const idx = [...cols[q]!, ...(st ? [storageCols[q]!] : [])];
    const ones = idx.map(() => 1);
    if (!increase[q]) {
      const short = lp.addVariable({ upper: call.requiredKW[q]!, cost: h * SHORTFALL_COST_PER_KWH });
      shortCols.push(short);
      curtailCols.push(undefined);
      // reach the required change (less any shortfall), and never more than the import itself
      lp.addRow(call.requiredKW[q]!, Number.POSITIVE_INFINITY, [...idx, short], [...ones, 1]);
      lp.addRow(Number.NEGATIVE_INFINITY, Math.max(0, L.gridImportKW[t]!), idx, ones);
      continue;
    }
    // renewable power curtailed or exported in the plan: added load takes it before the meter sees any
    const surplus = L.renewableCurtailedKW[t]! + L.renewableExportKW[t]!;
    const inc = call.increaseKW?.[q] ?? 0;
    // a shortfall in load terms (the surplus comes first); reported at the meter below
    const short = lp.addVariable({ upper: inc + surplus + exportNeed[q]! + L.renewableCurtailedKW[t]!, cost: h * SHORTFALL_COST_PER_KWH });
    shortCols.push(short);
    // the import may rise to its limit
    lp.addRow(Number.NEGATIVE_INFINITY, Math.max(0, siteModel.importLimitKW[t]! - L.gridImportKW[t]!) + surplus, idx, ones);
    // an import to reach: the added load, less the surplus it takes first
    if (inc > 0) lp.addRow(inc + surplus, Number.POSITIVE_INFINITY, [...idx, short], [...ones, 1]);
    if (exportNeed[q]! > 1e-9) {
      // export kept at the limit: added load takes curtailed power first, then exported power;
      // renewable export beyond that is curtailed, at the energy's worth (its import price)
      const curtail = lp.addVariable({ upper: L.renewableExportKW[t]!, cost: h * (Math.max(0, L.importPrice[t]!, L.exportPrice[t]!) / 1000 + INCREASE_TIE_COST_PER_KWH) });
      curtailCols.push(curtail);
      lp.addRow(exportNeed[q]! + L.renewableCurtailedKW[t]!, Number.POSITIVE_INFINITY, [...idx, curtail, short], [...ones, 1, 1]);
    } else curtailCols.push(undefined);
  }
  // work each workload may lose or defer over the window, this site's share of it
  const byWorkload = new Map<number, { idx: number[]; coef: number[] }>();
  // work pulled forward into the window, at most what each job still does after it
  const pulledByJob = new Map<number, { idx: number[]; coef: number[] }>();
  segs.forEach((list, q) =>
    list.forEach((seg, i) => {
      if (seg.kind === 'pullForward') {
        const info = response.ctx.jobs[seg.alloc]!;
        const m = response.ctx.multiplier[s]![call.startStep + q]!;
        const e = pulledByJob.get(seg.alloc) ?? { idx: [], coef: [] };
        e.idx.push(cols[q]![i]!);
        e.coef.push(((1000 / (m * seg.perGpuW!)) * info.w.fullPower.throughput * h));
        pulledByJob.set(seg.alloc, e);
      }
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
  for (const [j, e] of pulledByJob) {
    const a = response.ctx.jobs[j]!.a;
    let later = 0;
    for (let t = call.endStep; t < a.gpus.length; t++) later += a.gpus[t]! * throughputAtPower(response.ctx.jobs[j]!.w.curve, a.gpuPowerW[t]! || response.ctx.jobs[j]!.w.fullPower.gpuPowerW) * h;
    lp.addRow(Number.NEGATIVE_INFINITY, later, e.idx, e.coef);
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

  // realise the LP's choice: each segment cut to what the LP used, in the LP's amounts; the
  // reducing steps and the increasing steps are realised one after the other
  const shortKW = new Float64Array(len);
  const loadChangeKW = new Float64Array(len);
  const byLever: Record<string, number> = {};
  for (const dir of ['reduce', 'increase'] as const) {
    const chosen: Segment[][][] = [];
    const amounts: number[][] = [];
    let any = false;
    for (let q = 0; q < len; q++) {
      const list: Segment[] = [];
      let sum = 0;
      if ((dir === 'increase') === (increase[q] === 1)) {
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
        shortKW[q] = x[shortCols[q]!]!;
        if (sum > 1e-9) any = true;
      }
      chosen.push([list]);
      amounts.push([sum]);
    }
    if (!any) continue;
    const realised = realiseEvent(response, { id: call.id, direction: dir, startStep: call.startStep, endStep: call.endStep, sites: [s] }, chosen, amounts);
    const R = realised.sites[0]!;
    for (let q = 0; q < len; q++) loadChangeKW[q]! += (dir === 'increase' ? 1 : -1) * R.plannedKW[q]!;
    for (const [k, v] of Object.entries(R.byLever)) byLever[k] = (byLever[k] ?? 0) + (dir === 'increase' ? -v : v);
  }

  // what the meter should show: a reduction takes import down; added load takes the plan's
  // curtailed then exported renewable power first, and a limit curtails what would still be exported
  const baseImportKW = L.gridImportKW.slice(call.startStep, call.endStep);
  const baseExportKW = L.gridExportKW.slice(call.startStep, call.endStep);
  const expectedImportKW = new Float64Array(len);
  const expectedExportKW = new Float64Array(len);
  const plannedKW = new Float64Array(len);
  let take: Float64Array | undefined;
  for (let q = 0; q < len; q++) {
    const t = call.startStep + q;
    if (!increase[q]) {
      expectedImportKW[q] = baseImportKW[q]! + loadChangeKW[q]!;
      expectedExportKW[q] = baseExportKW[q]!;
    } else {
      const added = loadChangeKW[q]!;
      const fromCurtailed = Math.min(added, L.renewableCurtailedKW[t]!);
      const fromExport = Math.min(added - fromCurtailed, L.renewableExportKW[t]!);
      expectedImportKW[q] = baseImportKW[q]! + (added - fromCurtailed - fromExport);
      let reExport = L.renewableExportKW[t]! - fromExport;
      const limit = call.exportLimitKW?.[q];
      if (limit !== undefined && Number.isFinite(limit)) {
        const otherExport = L.gridExportKW[t]! - L.renewableExportKW[t]!;
        const cut = Math.max(0, reExport - Math.max(0, limit - otherExport));
        if (cut > 1e-9 || fromCurtailed < L.renewableCurtailedKW[t]! - 1e-9) {
          // take only the renewable power the site uses and may export; the rest is curtailed
          take ??= baseTake(response.dispatch, model, L, s);
          take[t] = L.renewableUsedKW[t]! + fromCurtailed + fromExport + reExport - cut;
        }
        reExport -= cut;
        expectedExportKW[q] = otherExport + reExport;
      } else expectedExportKW[q] = baseExportKW[q]! - fromExport;
    }
    plannedKW[q] = baseImportKW[q]! - expectedImportKW[q]!;
    if (increase[q]) {
      const limit = call.exportLimitKW?.[q] ?? Number.POSITIVE_INFINITY;
      shortKW[q] = Math.max(0, (call.increaseKW?.[q] ?? 0) + plannedKW[q]!) + Math.max(0, expectedExportKW[q]! - limit);
    }
  }
  if (take) {
    response.dispatch.renewableTakeKW ??= model.sites.map(() => undefined);
    response.dispatch.renewableTakeKW[s] = take;
  }
  let expectedSocKWh: Float64Array | null = null;
  if (st) {
    let added = 0;
    expectedSocKWh = new Float64Array(len);
    for (let q = 0; q < len; q++) {
      const t = call.startStep + q;
      const u = x[storageCols[q]!]!;
      if (!increase[q]) added -= (u * h) / st.dischargeEfficiency;
      else {
        // less discharge first (each kW keeps 1/η_discharge), then more charge (η_charge)
        const lessDischarge = Math.min(u, L.storageDischargeKW[t]!);
        added += (lessDischarge * h) / st.dischargeEfficiency + (u - lessDischarge) * h * st.chargeEfficiency;
      }
      expectedSocKWh[q] = Math.min(st.socMaxKWh, L.socKWh[t]! + added);
    }
  }
  return {
    setpoints: setpointsOf(state, local, response.dispatch, call),
    plannedKW,
    shortKW,
    expectedImportKW,
    baseImportKW,
    expectedExportKW,
    baseExportKW,
    increase,
    expectedSocKWh,
    byLever,
    lp: { columns: compiled.numColumns, rows: compiled.numRows, objective: result.objective, solveSeconds: result.solveSeconds },
    dispatch: response.dispatch,
  };
}


/** Renewable power the base plan takes at every step (what it sets, else everything available). */
function baseTake(d: Dispatch, model: FleetModel, L: Ledger['sites'][number], s: number): Float64Array {
  const set = d.renewableTakeKW?.[s];
  return set ? Float64Array.from(set) : Float64Array.from(L.renewableAvailableKW);
}

