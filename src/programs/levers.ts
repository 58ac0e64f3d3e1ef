/**
 * What each site can change at each step, as cost-ordered segments of grid-import change:
 * storage (discharge, or charge for valley filling), inference power caps that keep every
 * token served (more GPUs at a more efficient power), training and batch power caps down the
 * job's throughput-vs-power curve, and pausing. The envelope sums these; the aggregator
 * merit-orders them across sites; the response realises them in a dispatch. All three read
 * the same segments, so what is promised is what is dispatched.
 *
 * A job's segments are the lower convex hull of (IT power saved, throughput lost) over its
 * cap points and the paused state, so a partial reduction is always a power between two
 * curve points or a share of GPUs paused at one point: both are things a dispatch can say.
 */
import type { FleetModel, WorkloadModel } from '../model/fleet-model.ts';
import { itPowerPerGpuW, throughputAtPower } from '../physics/index.ts';
import type { Dispatch, InferenceAllocation, JobAllocation } from '../simulate/dispatch.ts';
import type { Ledger, WorkloadOutcome } from '../simulate/ledger.ts';
import { stepHours } from '../time/grid.ts';
import type { Direction } from './types.ts';

/** Share of a lost GPU-hour's cost charged when the work is only deferred (made up later); assumption. */
export const DEFERRAL_COST_FRACTION = 0.1;

/** Safety factor on the QoS-floor budget of jobs whose deferral delays their finish (assumption). */
const FLOOR_BUDGET_FACTOR = 0.8;

/** Which lever a segment belongs to. */
export type LeverKind = 'storage' | 'inference' | 'job' | 'pullForward';

/** A state of one job's GPUs: power per running GPU and the share of its GPUs paused. */
export interface JobState {
  powerW: number;
  paused: number;
}

/** One piece of a site's flexibility at a step, used in cost order. */
export interface Segment {
  kind: LeverKind;
  site: number;
  /** dispatch.jobs or dispatch.inference index (jobs, inference). */
  alloc: number;
  /** Grid-import change when fully used, kW (≥ 0, in the event's direction). */
  kw: number;
  /** Lost (or, when deferrable, deferred) work at full use, GPU-hours per hour. */
  lossRate: number;
  /** Work is made up later (deferred) rather than lost. */
  deferrable: boolean;
  /**
   * Merit-order cost per kWh of change: weighted QoS lost (jobs), a fraction of it when the
   * work is only deferred, storage wear and losses (tier 0), 0 for SLO-neutral inference caps.
   */
  costPerKWh: number;
  /** Money value per kWh of change: lost work at its value or penalty, deferral at a fraction; storage wear. */
  valuePerKWh: number;
  /** 0 for storage (always first: the brief's order), 1 for the rest. */
  tier: number;
  /** Job segments: the per-GPU hull vertices the segment runs between. */
  from?: JobState;
  to?: JobState;
  /** Job segments: change per GPU at full use, W of IT, and per-GPU throughput lost. */
  perGpuW?: number;
  perGpuLoss?: number;
  /** Position along the job's hull (earlier segments must be used first). */
  order: number;
  /** Increase only: facility kW of this lever absorbed by renewable surplus before the meter sees any. */
  hiddenKW?: number;
  /** Share of the lever's full size this (truncated) segment stands for. */
  scale?: number;
}

/** Per dispatch job allocation, the facts the levers need. */
interface AllocInfo {
  a: JobAllocation;
  w: WorkloadModel;
  pool: number;
  idleItW: number;
  off: boolean;
  /** Weighted QoS lost per full-speed GPU-hour not done (QoS points, scaled ×1000). */
  qosCostPerGpuHour: number;
  /** Value of a lost full-speed GPU-hour, currency (the job's value, else its unfinished-work penalty). */
  valuePerGpuHour: number;
}

/** Shared state of a flexibility computation over a base dispatch and its ledger. */
export interface FlexContext {
  model: FleetModel;
  dispatch: Dispatch;
  ledger: Ledger;
  h: number;
  /** dispatch.jobs indices per site. */
  siteJobs: number[][];
  /** dispatch.inference indices per site. */
  siteInference: number[][];
  jobs: AllocInfo[];
  /** GPUs in use per site, pool and step. */
  poolUsed: Float64Array[][];
  /** Facility kW per IT kW at each step, per site. */
  multiplier: Float64Array[];
  /** Work a workload may still lose (continuous) or defer (others), GPU-h; reduced as events use it. */
  budgetUsed: Float64Array;
  outcomes: WorkloadOutcome[];
}

/** Value of a lost full-speed GPU-hour of a job: the operator's value, else the unfinished-work penalty. */
export function lostWorkValue(w: WorkloadModel): number {
  return w.value > 0 ? w.value : w.unservedPenalty;
}

/**
 * Weighted QoS lost per full-speed GPU-hour not done (×1000): the job's weight times the drop of
 * its performance (done / (max GPUs × window hours)). Cutting a large, low-weight job first
 * keeps the fleet's weighted QoS highest, as in the Phoenix field test's Flex tiers.
 */
export function qosCost(w: WorkloadModel, steps: number, h: number): number {
  const windowHours = Math.max(h, (Math.min(steps, w.deadlineStep) - w.releaseStep) * h);
  return (1000 * w.qosWeight) / (Math.max(1, w.gpusMax) * windowHours);
}

/**
 * Builds the flexibility context of a dispatch and the ledger it produced. With `onlySites`, GPU
 * use and facility multipliers are computed for those sites alone (a VEN's view of its own site:
 * the cost then does not grow with the fleet); the dispatch must hold no allocation elsewhere.
 */
export function flexContext(model: FleetModel, dispatch: Dispatch, ledger: Ledger, onlySites?: ReadonlySet<number>): FlexContext {
  const n = model.grid.steps;
  // sites outside `onlySites` share frozen empties, set without a call per site: a VEN's context
  // then costs its own site's work, not the fleet's
  const nSites = model.sites.length;
  const mine = onlySites ? [...onlySites] : model.sites.map((s) => s.index);
  const none = Object.freeze([]) as unknown as number[];
  const empty = new Float64Array(0);
  let maxPools = 0;
  if (onlySites) for (const s of model.sites) maxPools = Math.max(maxPools, s.pools.length);
  const emptyPools = Array.from({ length: maxPools }, () => empty);
  const siteJobs: number[][] = new Array<number[]>(nSites).fill(none);
  const siteInference: number[][] = new Array<number[]>(nSites).fill(none);
  const poolUsed: Float64Array[][] = new Array<Float64Array[]>(nSites).fill(emptyPools);
  const multiplier: Float64Array[] = new Array<Float64Array>(nSites).fill(empty);
  for (const s of mine) {
    const site = model.sites[s]!;
    siteJobs[s] = [];
    siteInference[s] = [];
    poolUsed[s] = site.pools.map(() => new Float64Array(n));
    const m = new Float64Array(n);
    for (let t = 0; t < n; t++) m[t] = 1 + site.facility.lossSlope + site.facility.coolingSlope[t]!;
    multiplier[s] = m;
  }
  const jobs: AllocInfo[] = dispatch.jobs.map((a, i) => {
    siteJobs[a.site]!.push(i);
    const w = model.workloads[a.workload]!;
    const site = model.sites[a.site]!;
    const pool = Math.max(0, site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId));
    return {
      a, w, pool, idleItW: site.pools[pool]!.idleItPowerW, off: site.idleGpus === 'off',
      qosCostPerGpuHour: qosCost(w, n, stepHours(model.grid)), valuePerGpuHour: lostWorkValue(w),
    };
  });
  dispatch.inference.forEach((a, i) => siteInference[a.site]!.push(i));
  for (const s of mine) {
    const L = ledger.sites[s]!;
    const site = model.sites[s]!;
    for (const f of L.workloads) {
      const w = model.workloads[f.workload]!;
      const k = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
      if (k < 0) continue;
      const u = poolUsed[s]![k]!;
      for (let t = 0; t < n; t++) u[t]! += f.gpus[t]!;
    }
  }
  return {
    model, dispatch, ledger, h: stepHours(model.grid), siteJobs, siteInference, jobs, poolUsed, multiplier,
    budgetUsed: new Float64Array(model.workloads.length), outcomes: ledger.outcomes,
  };
}

/** Free GPUs of a site's pool at a step. */
export function freeGpus(ctx: FlexContext, site: number, pool: number, t: number): number {
  return Math.max(0, ctx.model.sites[site]!.pools[pool]!.gpus - ctx.poolUsed[site]![pool]![t]!);
}

/**
 * Work (full-speed GPU-hours) workload `w` may lose or defer over an event ending at step
 * `end`, net of what earlier events used. Continuous jobs: the margin of their performance
 * above the QoS floor over their window. Other jobs: what free GPUs before the deadline can
 * make up, limited so the delayed finish keeps the QoS floor. Inference: none (SLO).
 */
export function workBudget(ctx: FlexContext, w: WorkloadModel, end: number): number {
  if (w.type === 'inference') return 0;
  const n = ctx.model.grid.steps;
  const out = ctx.outcomes[w.index];
  const used = ctx.budgetUsed[w.index]!;
  if (!out) return 0;
  if (w.continuous) {
    const floor = w.qosFloor ?? 1;
    const windowHours = Math.max(0, Math.min(n, w.deadlineStep) - w.releaseStep) * ctx.h;
    return Math.max(0, (out.performance - floor) * w.gpusMax * windowHours - used);
  }
  // make-up capacity after the event, before the deadline, on the sites the job runs at
  const f = w.fullPower.throughput;
  let makeUp = 0;
  const last = Math.min(n, w.deadlineStep);
  for (const info of ctx.jobs) {
    if (info.w !== w) continue;
    const s = info.a.site;
    for (let t = end; t < last; t++) {
      const room = Math.min(w.gpusMax - info.a.gpus[t]!, freeGpus(ctx, s, info.pool, t));
      if (room > 0) makeUp += room * f * ctx.h;
    }
  }
  let floorBudget = Infinity;
  if (w.qosFloor !== undefined && w.qosFloor > 0) {
    const windowHours = ((out.finishedStep >= 0 ? out.finishedStep + 1 : last) - w.releaseStep) * ctx.h;
    floorBudget = FLOOR_BUDGET_FACTOR * Math.max(0, (w.workGpuHours / (w.gpusMax * w.qosFloor) - windowHours) * w.gpusMax);
  }
  return Math.max(0, Math.min(makeUp, floorBudget) - used);
}

function jobState(info: AllocInfo, t: number): { g: number; p: number } {
  const w = info.w;
  const g = info.a.gpus[t]!;
  let p = info.a.gpuPowerW[t]!;
  if (!(p > 0)) p = w.fullPower.gpuPowerW;
  p = Math.min(w.fullPower.gpuPowerW, Math.max(w.minGpuPowerW, p));
  return { g: g > 0 ? g : 0, p };
}

interface Vertex extends JobState {
  red: number;
  loss: number;
}

/** Lower convex hull of per-GPU (IT W saved, throughput lost) vertices from the current state. */
function jobHull(info: AllocInfo, p0: number): Vertex[] {
  const w = info.w;
  const acc = w.accelerator;
  const it0 = itPowerPerGpuW(acc, p0);
  const f0 = throughputAtPower(w.curve, p0);
  const pts: Vertex[] = [{ powerW: p0, paused: 0, red: 0, loss: 0 }];
  const powers = new Set<number>();
  for (const c of w.curve) if (c.gpuPowerW < p0 - 1e-9 && c.gpuPowerW >= w.minGpuPowerW - 1e-9) powers.add(c.gpuPowerW);
  if (w.minGpuPowerW < p0 - 1e-9) powers.add(w.minGpuPowerW);
  for (const q of powers) pts.push({ powerW: q, paused: 0, red: it0 - itPowerPerGpuW(acc, q), loss: f0 - throughputAtPower(w.curve, q) });
  const pausable = w.pausable || w.type === 'batch';
  if (pausable) pts.push({ powerW: p0, paused: 1, red: it0 - (info.off ? 0 : info.idleItW), loss: f0 });
  pts.sort((a, b) => a.red - b.red || a.loss - b.loss);
  const hull: Vertex[] = [];
  for (const q of pts) {
    if (hull.length > 0 && q.red <= hull[hull.length - 1]!.red + 1e-12) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // b is on or above the chord a–q: drop it (lower hull)
      if ((b.loss - a.loss) * (q.red - a.red) >= (q.loss - a.loss) * (b.red - a.red)) hull.pop();
      else break;
    }
    hull.push(q);
  }
  // a paused vertex that is not last would need two paused shares; the hull keeps it last
  return hull;
}

/** Storage discharge (reduce) or charge (increase) available at a step, kW, for an event of `hours`. */
export function storageSegment(ctx: FlexContext, s: number, t: number, hours: number, dir: Direction, socAtStart: number): Segment | undefined {
  const site = ctx.model.sites[s]!;
  const st = site.storage;
  if (!st) return undefined;
  const L = ctx.ledger.sites[s]!;
  const c = L.storageChargeKW[t]!;
  const d = L.storageDischargeKW[t]!;
  let kw: number;
  if (dir === 'reduce') {
    const energy = Math.max(0, (socAtStart - st.socMinKWh) * st.dischargeEfficiency);
    kw = c + Math.min(st.powerKW - d, energy / hours);
  } else {
    const room = Math.max(0, (st.socMaxKWh - socAtStart) / st.chargeEfficiency);
    kw = d + Math.min(st.powerKW - c, room / hours);
  }
  if (!(kw > 1e-9)) return undefined;
  const price = L.importPrice[t]! / 1000;
  const roundTrip = 1 / (st.chargeEfficiency * st.dischargeEfficiency) - 1;
  const wear = st.degradationCostPerKWh + Math.max(0, price) * roundTrip;
  return { kind: 'storage', site: s, alloc: -1, kw, lossRate: 0, deferrable: false, costPerKWh: wear, valuePerKWh: wear, tier: 0, order: 0 };
}

/** IT W saved by serving inference allocation `a` at power p instead of p0 (may be negative), and the extra GPUs it takes. */
export function inferenceSavingW(ctx: FlexContext, w: WorkloadModel, a: InferenceAllocation, t: number, p0: number, p: number, off: boolean, idleItW: number): { savedW: number; extraGpus: number } {
  const served = Math.max(0, a.servedTokensPerSecond[t]!);
  const rate = w.tokensPerGpuHour / 3600;
  const busy0 = served / (rate * throughputAtPower(w.curve, p0));
  const busy1 = served / (rate * throughputAtPower(w.curve, p));
  const acc = w.accelerator;
  const it0 = itPowerPerGpuW(acc, p0);
  const it1 = itPowerPerGpuW(acc, p);
  const extraGpus = (busy1 - busy0) / w.maxUtilisation;
  // with idle GPUs drawing idle power, the GPUs the service takes on were already drawing it
  const savedW = off
    ? busy0 * it0 + (busy0 / w.maxUtilisation - busy0) * idleItW - busy1 * it1 - (busy1 / w.maxUtilisation - busy1) * idleItW
    : busy0 * (it0 - idleItW) - busy1 * (it1 - idleItW);
  return { savedW, extraGpus };
}

/** Inference power with the largest saving at a step that the free GPUs allow, and the saving. */
export function bestInferencePower(ctx: FlexContext, i: number, t: number, reservedGpus = 0): { powerW: number; savedW: number; p0: number; extraGpus: number } | undefined {
  const a = ctx.dispatch.inference[i]!;
  const w = ctx.model.workloads[a.workload]!;
  if (!(a.servedTokensPerSecond[t]! > 0)) return undefined;
  const site = ctx.model.sites[a.site]!;
  const pool = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
  if (pool < 0) return undefined;
  const p0 = Math.min(w.fullPower.gpuPowerW, Math.max(w.minGpuPowerW, a.gpuPowerW[t]! || w.fullPower.gpuPowerW));
  const free = freeGpus(ctx, a.site, pool, t) - reservedGpus;
  let best: { powerW: number; savedW: number; p0: number; extraGpus: number } | undefined;
  const candidates = w.curve.map((c) => c.gpuPowerW).filter((q) => q >= w.minGpuPowerW - 1e-9 && q < p0 - 1e-9);
  if (w.minGpuPowerW < p0 - 1e-9) candidates.push(w.minGpuPowerW);
  for (const q of candidates) {
    const r = inferenceSavingW(ctx, w, a, t, p0, q, site.idleGpus === 'off', site.pools[pool]!.idleItPowerW);
    // keep 1 % of the pool spare so rounding in the simulator never scales service down
    if (r.extraGpus > free - 0.01 * site.pools[pool]!.gpus) continue;
    if (r.savedW > (best?.savedW ?? 0) + 1e-9) best = { powerW: q, savedW: r.savedW, p0, extraGpus: r.extraGpus };
  }
  return best;
}

/**
 * Inference power between the best power and the current one that saves at least `neededW`
 * (the highest such power, so no more is changed than needed).
 */
export function inferencePowerFor(ctx: FlexContext, i: number, t: number, neededW: number, best: { powerW: number; savedW: number; p0: number }): { powerW: number; extraGpus: number } {
  const a = ctx.dispatch.inference[i]!;
  const w = ctx.model.workloads[a.workload]!;
  const site = ctx.model.sites[a.site]!;
  const pool = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
  const off = site.idleGpus === 'off';
  const idle = site.pools[pool]!.idleItPowerW;
  let chosen = best.powerW;
  if (neededW < best.savedW) {
    // scan down from the current power for the first grid point that saves enough, then bisect
    // inside that bracket so the change is exact rather than a grid step too much
    const save = (p: number) => inferenceSavingW(ctx, w, a, t, best.p0, p, off, idle).savedW;
    const steps = 64;
    let hi = best.p0;
    for (let k = steps - 1; k >= 0; k--) {
      const p = best.powerW + ((best.p0 - best.powerW) * k) / steps;
      if (save(p) >= neededW) {
        let lo = p;
        for (let i = 0; i < 40; i++) {
          const mid = (lo + hi) / 2;
          if (save(mid) >= neededW) lo = mid;
          else hi = mid;
        }
        chosen = lo;
        break;
      }
      hi = p;
    }
  }
  return { powerW: chosen, extraGpus: inferenceSavingW(ctx, w, a, t, best.p0, chosen, off, idle).extraGpus };
}

/** Options of a lever computation. */
export interface LeverOptions {
  direction: Direction;
  /** Event length, hours (storage energy and work budgets are spread over it). */
  hours: number;
  /** First step after the event (make-up capacity counts from here). */
  end: number;
  /** Storage state of charge at the event start, kWh, per site (default: the ledger's). */
  socAtStart?: number;
  /**
   * false: the segments as the load they change on site, not cut to what the meter sees (an
   * increase that surplus renewable power takes is kept, and no import limit applies); default true.
   */
  atMeter?: boolean;
}

/**
 * Cost-ordered segments of site `s` at step `t`, truncated so their sum never exceeds what
 * the grid import can change (down to zero import, or up to the import limit).
 */
export function siteSegments(ctx: FlexContext, s: number, t: number, opt: LeverOptions, budgets?: Map<number, number>): Segment[] {
  const model = ctx.model;
  const site = model.sites[s]!;
  const L = ctx.ledger.sites[s]!;
  const m = ctx.multiplier[s]![t]!;
  const segs: Segment[] = [];
  const soc = opt.socAtStart ?? (t > 0 ? L.socKWh[t - 1]! : site.storage?.socInitialKWh ?? 0);
  const st = storageSegment(ctx, s, t, opt.hours, opt.direction, soc);
  if (st) segs.push(st);
  const budgetOf = (w: WorkloadModel): number => {
    let b = budgets?.get(w.index);
    if (b === undefined) {
      b = workBudget(ctx, w, opt.end);
      budgets?.set(w.index, b);
    }
    return b;
  };
  // GPUs levers take from a pool at this step, so two levers never count the same free GPU
  const taken = new Map<number, number>();
  if (opt.direction === 'reduce') {
    for (const i of ctx.siteInference[s]!) {
      const a = ctx.dispatch.inference[i]!;
      const pool = site.pools.findIndex((p) => p.acceleratorId === model.workloads[a.workload]!.acceleratorId);
      const best = bestInferencePower(ctx, i, t, taken.get(pool) ?? 0);
      if (!best || best.savedW <= 0) continue;
      taken.set(pool, (taken.get(pool) ?? 0) + Math.max(0, best.extraGpus));
      segs.push({ kind: 'inference', site: s, alloc: i, kw: (best.savedW / 1000) * m, lossRate: 0, deferrable: false, costPerKWh: 0, valuePerKWh: 0, tier: 1, order: 0, from: { powerW: best.p0, paused: 0 }, to: { powerW: best.powerW, paused: 0 }, perGpuW: best.savedW });
    }
    for (const j of ctx.siteJobs[s]!) {
      const info = ctx.jobs[j]!;
      const { g, p } = jobState(info, t);
      if (!(g > 1e-9)) continue;
      const w = info.w;
      const budget = budgetOf(w);
      if (!(budget > 1e-9)) continue;
      // the budget is spread over the event: lost work per hour ≤ budget / hours
      const maxLossPerGpu = budget / opt.hours / g;
      const hull = jobHull(info, p);
      const deferrable = !w.continuous;
      const share = deferrable ? DEFERRAL_COST_FRACTION : 1;
      const cost = info.qosCostPerGpuHour * share;
      const value = info.valuePerGpuHour * share;
      for (let k = 1; k < hull.length; k++) {
        const a = hull[k - 1]!;
        let b = hull[k]!;
        if (a.loss >= maxLossPerGpu - 1e-12) break;
        if (b.loss > maxLossPerGpu) {
          const f = (maxLossPerGpu - a.loss) / (b.loss - a.loss);
          b = { ...b, red: a.red + f * (b.red - a.red), loss: maxLossPerGpu, powerW: b.paused ? a.powerW : a.powerW + f * (b.powerW - a.powerW), paused: b.paused ? f : 0 };
          if (b.paused) b = { ...b, powerW: a.powerW };
        }
        const dRed = b.red - a.red;
        const dLoss = b.loss - a.loss;
        if (!(dRed > 1e-9)) continue;
        const kw = (g * dRed * m) / 1000;
        segs.push({
          kind: 'job', site: s, alloc: j, kw, lossRate: g * dLoss, deferrable, costPerKWh: (g * dLoss * cost) / kw, valuePerKWh: (g * dLoss * value) / kw, tier: 1,
          from: { powerW: a.powerW, paused: a.paused }, to: { powerW: b.powerW, paused: b.paused }, perGpuW: dRed, perGpuLoss: dLoss, order: k,
        });
      }
    }
  } else {
    for (const j of ctx.siteJobs[s]!) {
      const info = ctx.jobs[j]!;
      const w = info.w;
      const { g, p } = jobState(info, t);
      const acc = w.accelerator;
      if (g > 1e-9 && p < w.fullPower.gpuPowerW - 1e-9) {
        // uncapping a capped job: more work, more power
        const dRed = itPowerPerGpuW(acc, w.fullPower.gpuPowerW) - itPowerPerGpuW(acc, p);
        const kw = (g * dRed * m) / 1000;
        segs.push({ kind: 'job', site: s, alloc: j, kw, lossRate: 0, deferrable: false, costPerKWh: 0, valuePerKWh: 0, tier: 1, from: { powerW: p, paused: 0 }, to: { powerW: w.fullPower.gpuPowerW, paused: 0 }, perGpuW: dRed, perGpuLoss: 0, order: 1 });
      }
      // pulling later work forward onto free GPUs (non-continuous jobs with work left after t)
      if (!w.continuous && t >= w.releaseStep && t < w.deadlineStep) {
        const later = laterWork(info, t + 1, ctx.h);
        const room = Math.min(w.gpusMax - g, freeGpus(ctx, s, info.pool, t) - (taken.get(info.pool) ?? 0), later / (w.fullPower.throughput * opt.hours));
        if (room > 1e-6) {
          taken.set(info.pool, (taken.get(info.pool) ?? 0) + room);
          const dW = itPowerPerGpuW(acc, w.fullPower.gpuPowerW) - (info.off ? 0 : info.idleItW);
          segs.push({ kind: 'pullForward', site: s, alloc: j, kw: (room * dW * m) / 1000, lossRate: 0, deferrable: false, costPerKWh: 0, valuePerKWh: 0, tier: 1, perGpuW: dW, order: 2 });
        }
      }
    }
  }
  segs.sort(compareSegments);
  if (opt.atMeter === false) return segs;
  // the meter can only see changes of grid import: cap the total there
  if (opt.direction === 'reduce') return truncate(segs, L.gridImportKW[t]!);
  const surplus = L.renewableCurtailedKW[t]! + L.renewableExportKW[t]!;
  return truncateIncrease(segs, Math.max(0, site.importLimitKW[t]! - L.gridImportKW[t]!), surplus);
}

/** Work the allocation does from step `from` on, full-speed GPU-hours. */
function laterWork(info: AllocInfo, from: number, h: number): number {
  let s = 0;
  for (let t = from; t < info.a.gpus.length; t++) s += info.a.gpus[t]!;
  return s * info.w.fullPower.throughput * h;
}

/** Cost order: storage first, then by cost per kWh, then along each job's hull. */
export function compareSegments(a: Segment, b: Segment): number {
  return a.tier - b.tier || a.costPerKWh - b.costPerKWh || a.site - b.site || a.alloc - b.alloc || a.order - b.order;
}

function truncate(segs: Segment[], cap: number): Segment[] {
  const out: Segment[] = [];
  let left = Math.max(0, cap);
  for (const s of segs) {
    if (left <= 1e-9) break;
    if (s.kw <= left) {
      out.push(s);
      left -= s.kw;
    } else {
      const f = left / s.kw;
      out.push({ ...s, kw: left, lossRate: s.lossRate * f, scale: (s.scale ?? 1) * f });
      left = 0;
    }
  }
  return out;
}

/** Increase segments measured at the meter: the first `surplus` kW of load change is invisible. */
function truncateIncrease(segs: Segment[], cap: number, surplus: number): Segment[] {
  const out: Segment[] = [];
  let hidden = surplus;
  for (const s of segs) {
    // storage charge draws renewables first too (the simulator charges from surplus first)
    const seen = Math.max(0, s.kw - hidden);
    const absorbed = s.kw - seen;
    hidden = Math.max(0, hidden - s.kw);
    if (seen > 1e-9) out.push({ ...s, kw: seen, hiddenKW: absorbed, lossRate: s.lossRate * (seen / s.kw) });
  }
  return truncate(out, cap);
}

/** Sum of segment capacities, kW. */
export function totalKW(segs: Segment[]): number {
  let s = 0;
  for (const x of segs) s += x.kw;
  return s;
}

