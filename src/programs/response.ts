/**
 * The event response: turns a base dispatch plus per-site, per-step change targets into an
 * event-response dispatch that goes through `simulate()` like any other. Levers are used in
 * the order of their segments (levers.ts): storage first, then power caps (inference caps that
 * keep every token served, then training and batch caps, cheapest and most flexible first),
 * then pausing where the QoS floor allows. Deferred work is made up after the event on free
 * GPUs before the deadline; storage is restored in the following day's cheapest hours.
 * Inference SLOs are never traded: a cap only applies when free GPUs keep every token served.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { throughputAtPower } from '../physics/index.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { flexContext, freeGpus, inferencePowerFor, siteSegments, type FlexContext, type JobState, type Segment } from './levers.ts';
import type { Direction } from './types.ts';

/** Hours after an event within which storage is restored (assumption: one day). */
export const STORAGE_RESTORE_HOURS = 24;

/** Deep copy of a dispatch (typed arrays copied), so the base stays untouched. */
export function cloneDispatch(d: Dispatch, policy: string): Dispatch {
  return {
    policy,
    jobs: d.jobs.map((a) => ({ ...a, gpus: Float64Array.from(a.gpus), gpuPowerW: Float64Array.from(a.gpuPowerW) })),
    inference: d.inference.map((a) => ({ ...a, servedTokensPerSecond: Float64Array.from(a.servedTokensPerSecond), gpuPowerW: Float64Array.from(a.gpuPowerW) })),
    storageKW: d.storageKW.map((s) => (s ? Float64Array.from(s) : undefined)),
    allowExport: [...d.allowExport],
    notes: [...d.notes],
  };
}

/** What one event did at one site. */
export interface SiteResponse {
  site: number;
  /** Change wanted per event step, kW. */
  wantedKW: Float64Array;
  /** Change the levers could plan per event step, kW. */
  plannedKW: Float64Array;
  /** kW per lever kind, averaged over the event. */
  byLever: Record<string, number>;
}

/** What one event did across the fleet. */
export interface EventResponse {
  id: string;
  direction: Direction;
  startStep: number;
  endStep: number;
  sites: SiteResponse[];
  /** Work lost for good (continuous jobs), full-speed GPU-hours. */
  lostGpuHours: number;
  /** Work deferred and made up later, GPU-hours. */
  deferredGpuHours: number;
  /** Deferred work that found no room before the deadline, GPU-hours. */
  notMadeUpGpuHours: number;
  /** Extra storage throughput for the event, kWh. */
  storageKWh: number;
}

/** A response in progress: the working dispatch and the shared flexibility context. */
export interface ResponseState {
  model: FleetModel;
  base: Dispatch;
  dispatch: Dispatch;
  ctx: FlexContext;
  /** Steps inside any event, per site (no make-up or restoring there). */
  eventMask: Uint8Array[];
  events: EventResponse[];
  notes: string[];
  /** Work lost and deferred per workload over all events, GPU-h. */
  lostByWorkload: Float64Array;
  deferredByWorkload: Float64Array;
}

/**
 * Starts a response to the events `windows` (step ranges per site) on top of a base dispatch and
 * its ledger; `onlySites`: the dispatch holds these sites' allocations alone (see flexContext).
 */
export function startResponse(model: FleetModel, base: Dispatch, baseLedger: Ledger, windows: Array<{ startStep: number; endStep: number; sites: number[] }>, onlySites?: ReadonlySet<number>): ResponseState {
  const dispatch = cloneDispatch(base, `${base.policy} + event response`);
  const ctx = flexContext(model, dispatch, baseLedger, onlySites);
  const n = model.grid.steps;
  // sites outside every window share one all-zero mask (never written), so a one-site response
  // does not allocate for the whole fleet
  const outside = new Uint8Array(n);
  const eventMask = model.sites.map(() => outside);
  for (const w of windows) {
    for (const s of w.sites) {
      if (eventMask[s] === outside) eventMask[s] = new Uint8Array(n);
      eventMask[s]!.fill(1, w.startStep, w.endStep);
    }
  }
  return {
    model, base, dispatch, ctx, eventMask, events: [], notes: [],
    lostByWorkload: new Float64Array(model.workloads.length), deferredByWorkload: new Float64Array(model.workloads.length),
  };
}

/** Segments per event step and called site, ready for the aggregator's merit order. */
export function eventSegments(state: ResponseState, startStep: number, endStep: number, direction: Direction, sites: number[]): Segment[][][] {
  const hours = (endStep - startStep) * state.ctx.h;
  const budgets = new Map<number, number>();
  const out: Segment[][][] = [];
  for (let t = startStep; t < endStep; t++) {
    out.push(sites.map((s) => {
      const L = state.ctx.ledger.sites[s]!;
      const soc = startStep > 0 ? L.socKWh[startStep - 1]! : (state.model.sites[s]!.storage?.socInitialKWh ?? 0);
      return siteSegments(state.ctx, s, t, { direction, hours, end: endStep, socAtStart: soc }, budgets);
    }));
  }
  return out;
}

function interp(from: JobState, to: JobState, f: number): JobState {
  if (to.paused > from.paused) return { powerW: from.powerW, paused: from.paused + f * (to.paused - from.paused) };
  return { powerW: from.powerW + f * (to.powerW - from.powerW), paused: from.paused };
}

function storageArray(state: ResponseState, s: number): Float64Array {
  let a = state.dispatch.storageKW[s];
  if (!a) {
    a = new Float64Array(state.model.grid.steps);
    state.dispatch.storageKW[s] = a;
  }
  return a;
}

/** State-of-charge change of a storage setpoint over one step, kWh (positive charges). */
function socChange(state: ResponseState, s: number, setpointKW: number): number {
  const st = state.model.sites[s]!.storage!;
  const h = state.ctx.h;
  return setpointKW > 0 ? setpointKW * st.chargeEfficiency * h : (setpointKW / st.dischargeEfficiency) * h;
}

/**
 * Realises one event: at each step, each called site takes `amounts[step][siteIdx]` kW from
 * its segments in order. Then deferred work is made up, storage restored and pulled-forward
 * work trimmed from the job's tail. Returns what was planned.
 */
export function realiseEvent(state: ResponseState, ev: { id: string; direction: Direction; startStep: number; endStep: number; sites: number[] }, segments: Segment[][][], amounts: number[][]): EventResponse {
  const { ctx, dispatch, model } = state;
  const h = ctx.h;
  const len = ev.endStep - ev.startStep;
  const sign = ev.direction === 'reduce' ? -1 : 1;
  const sites: SiteResponse[] = ev.sites.map((s) => ({ site: s, wantedKW: new Float64Array(len), plannedKW: new Float64Array(len), byLever: {} }));
  const lost = new Float64Array(model.workloads.length);
  const deferred = new Float64Array(model.workloads.length);
  const pulled = new Map<number, number>();
  const storageBefore = new Map<number, Float64Array>();
  let storageKWh = 0;
  for (let k = 0; k < len; k++) {
    const t = ev.startStep + k;
    ev.sites.forEach((s, si) => {
      const want = Math.max(0, amounts[k]?.[si] ?? 0);
      const R = sites[si]!;
      R.wantedKW[k] = want;
      if (want <= 1e-9) return;
      let left = want;
      const jobs = new Map<number, { order: number; state: JobState; g: number }>();
      for (const seg of segments[k]![si]!) {
        if (left <= 1e-9) break;
        const u = Math.min(seg.kw, left);
        if (u <= 0) continue;
        left -= u;
        R.byLever[seg.kind] = (R.byLever[seg.kind] ?? 0) + u / len;
        const m = ctx.multiplier[s]![t]!;
        if (seg.kind === 'storage') {
          const arr = storageArray(state, s);
          if (!storageBefore.has(s)) storageBefore.set(s, Float64Array.from(arr.subarray(ev.startStep, ev.endStep)));
          const change = u + (seg.hiddenKW ?? 0);
          arr[t]! += sign * change;
          storageKWh += change * h;
        } else if (seg.kind === 'inference') {
          const a = dispatch.inference[seg.alloc]!;
          const w = model.workloads[a.workload]!;
          const r = inferencePowerFor(ctx, seg.alloc, t, (u * 1000) / m, { powerW: seg.to!.powerW, savedW: seg.perGpuW!, p0: seg.from!.powerW });
          a.gpuPowerW[t] = r.powerW;
          const pool = model.sites[s]!.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
          ctx.poolUsed[s]![pool]![t]! += Math.max(0, r.extraGpus);
        } else if (seg.kind === 'job') {
          const info = ctx.jobs[seg.alloc]!;
          const f = (u / seg.kw) * (seg.scale ?? 1);
          const st = interp(seg.from!, seg.to!, f);
          const cur = jobs.get(seg.alloc);
          const g = cur?.g ?? info.a.gpus[t]!;
          if (!cur || seg.order >= cur.order) jobs.set(seg.alloc, { order: seg.order, state: st, g });
          const loss = (seg.lossRate * u) / seg.kw;
          (seg.deferrable ? deferred : lost)[info.w.index]! += loss * h;
        } else if (seg.kind === 'pullForward') {
          const info = ctx.jobs[seg.alloc]!;
          const w = info.w;
          const add = (u * 1000) / (m * seg.perGpuW!);
          if (!(info.a.gpus[t]! > 0)) info.a.gpuPowerW[t] = w.fullPower.gpuPowerW;
          info.a.gpus[t]! += add;
          ctx.poolUsed[s]![info.pool]![t]! += add;
          pulled.set(seg.alloc, (pulled.get(seg.alloc) ?? 0) + add * throughputAtPower(w.curve, info.a.gpuPowerW[t]!) * h);
        }
      }
      for (const [j, { state: st, g }] of jobs) {
        const info = ctx.jobs[j]!;
        if (ev.direction === 'reduce') {
          info.a.gpus[t] = g * (1 - st.paused);
          ctx.poolUsed[s]![info.pool]![t]! -= g * st.paused;
        }
        info.a.gpuPowerW[t] = st.powerW;
      }
      R.plannedKW[k] = want - Math.max(0, left);
    });
  }
  for (let w = 0; w < lost.length; w++) {
    ctx.budgetUsed[w]! += lost[w]! + deferred[w]!;
    state.lostByWorkload[w]! += lost[w]!;
  }
  const notMadeUp = makeUp(state, deferred, ev.endStep);
  for (let w = 0; w < deferred.length; w++) state.deferredByWorkload[w]! += deferred[w]!;
  for (const [s, before] of storageBefore) restoreStorage(state, s, before, ev.startStep, ev.endStep);
  for (const [j, work] of pulled) trimTail(state, j, work, ev.endStep);
  const r: EventResponse = {
    id: ev.id, direction: ev.direction, startStep: ev.startStep, endStep: ev.endStep, sites,
    lostGpuHours: lost.reduce((a, b) => a + b, 0), deferredGpuHours: deferred.reduce((a, b) => a + b, 0), notMadeUpGpuHours: notMadeUp, storageKWh,
  };
  state.events.push(r);
  return r;
}

/** Places deferred work on free GPUs after `from`, before each job's deadline; returns what did not fit, GPU-h. */
function makeUp(state: ResponseState, deferred: Float64Array, from: number): number {
  const { ctx, model } = state;
  const n = model.grid.steps;
  let missing = 0;
  for (let wi = 0; wi < deferred.length; wi++) {
    let left = deferred[wi]!;
    if (left <= 1e-9) continue;
    const w = model.workloads[wi]!;
    const allocs = ctx.jobs.map((info, j) => ({ info, j })).filter((x) => x.info.w === w);
    const last = Math.min(n, w.deadlineStep);
    for (let t = from; t < last && left > 1e-9; t++) {
      let running = 0;
      for (const { info } of allocs) running += info.a.gpus[t]!;
      for (const { info } of allocs) {
        if (left <= 1e-9) break;
        const s = info.a.site;
        if (state.eventMask[s]![t]) continue;
        const room = Math.min(w.gpusMax - running, freeGpus(ctx, s, info.pool, t));
        if (room <= 1e-9) continue;
        const p = info.a.gpus[t]! > 0 && info.a.gpuPowerW[t]! > 0 ? info.a.gpuPowerW[t]! : w.fullPower.gpuPowerW;
        const f = throughputAtPower(w.curve, p);
        const add = Math.min(room, left / (f * ctx.h));
        info.a.gpus[t]! += add;
        info.a.gpuPowerW[t] = p;
        ctx.poolUsed[s]![info.pool]![t]! += add;
        running += add;
        left -= add * f * ctx.h;
      }
    }
    if (left > 1e-6) {
      missing += left;
      state.notes.push(`${w.id}: ${left.toFixed(1)} GPU-h deferred by an event found no free GPUs before the deadline`);
    }
  }
  return missing;
}

/** Brings the state of charge back to its base path after an event, in the cheapest (or dearest) hours of the next day. */
function restoreStorage(state: ResponseState, s: number, before: Float64Array, startStep: number, endStep: number): void {
  const { ctx, model } = state;
  const site = model.sites[s]!;
  const st = site.storage;
  if (!st) return;
  const arr = storageArray(state, s);
  let socDelta = 0;
  for (let t = startStep; t < endStep; t++) socDelta += socChange(state, s, arr[t]!) - socChange(state, s, before[t - startStep]!);
  if (Math.abs(socDelta) < 1e-6) return;
  const L = ctx.ledger.sites[s]!;
  const last = Math.min(model.grid.steps, endStep + Math.round(STORAGE_RESTORE_HOURS / ctx.h));
  const steps: number[] = [];
  for (let t = endStep; t < last; t++) if (!state.eventMask[s]![t]) steps.push(t);
  // a deficit is charged back when import is cheapest; a surplus discharged when it is dearest
  steps.sort((a, b) => (socDelta < 0 ? L.importPrice[a]! - L.importPrice[b]! : L.importPrice[b]! - L.importPrice[a]!) || a - b);
  let need = Math.abs(socDelta);
  for (const t of steps) {
    if (need <= 1e-6) break;
    const cur = arr[t]!;
    if (socDelta < 0) {
      const head = Math.min(st.powerKW - Math.max(0, cur), site.importLimitKW[t]! - L.gridImportKW[t]!);
      const kw = Math.min(head, need / (st.chargeEfficiency * ctx.h));
      if (kw <= 1e-9) continue;
      arr[t] = cur + kw;
      need -= kw * st.chargeEfficiency * ctx.h;
    } else {
      const head = Math.min(st.powerKW + Math.min(0, cur), L.gridImportKW[t]!);
      const kw = Math.min(head, (need * st.dischargeEfficiency) / ctx.h);
      if (kw <= 1e-9) continue;
      arr[t] = cur - kw;
      need -= (kw / st.dischargeEfficiency) * ctx.h;
    }
  }
  if (need > 1e-3) state.notes.push(`${site.id}: storage could not be fully restored within ${STORAGE_RESTORE_HOURS} h of the event (${need.toFixed(1)} kWh left)`);
}

/** Removes `work` GPU-h from the end of allocation `j` (work pulled forward into an event). */
function trimTail(state: ResponseState, j: number, work: number, from: number): void {
  const { ctx } = state;
  const info = ctx.jobs[j]!;
  const w = info.w;
  let left = work;
  for (let t = info.a.gpus.length - 1; t >= from && left > 1e-9; t--) {
    const g = info.a.gpus[t]!;
    if (!(g > 0) || state.eventMask[info.a.site]![t]) continue;
    const f = throughputAtPower(w.curve, info.a.gpuPowerW[t]! || w.fullPower.gpuPowerW);
    const cut = Math.min(g, left / (f * ctx.h));
    info.a.gpus[t] = g - cut;
    ctx.poolUsed[info.a.site]![info.pool]![t]! -= cut;
    left -= cut * f * ctx.h;
  }
}

/** The finished response dispatch. */
export function finishResponse(state: ResponseState): Dispatch {
  const d = state.dispatch;
  d.notes.push(`event response: ${state.events.length} event${state.events.length === 1 ? '' : 's'} dispatched`);
  return d;
}
