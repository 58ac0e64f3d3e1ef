/**
 * The committed part of a group of sites' window plan, as quantities that are linear in the LP
 * solution (GPUs, GPU-watts, tokens, kW, kWh). Because they are linear, a convex combination of
 * several plans of the same group (what a Dantzig–Wolfe master chooses) is the plan of the same
 * combination of LP solutions: mixing summaries is exact, and no full solution vector has to be
 * kept or sent back from a worker.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { inferenceAllocation, jobAllocation } from '../plan/extract.ts';
import type { FleetLpLayout, WindowState } from '../plan/fleet-lp.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { advanceTariffState } from '../plan/tariff-lp.ts';
import { stepHours } from '../time/grid.ts';

/** A training or batch job's committed allocation at one site; arrays indexed by step − from. */
export interface GroupJobPlan {
  workload: number;
  site: number;
  /** Running GPUs per step. */
  gpus: Float64Array;
  /** Σ GPUs × GPU power per step, W (power = gpuWatts / gpus). */
  gpuWatts: Float64Array;
  /** Work done in the committed steps, GPU-hours at full speed. */
  workGpuHours: number;
}

/** An inference service's committed allocation at one site. */
export interface GroupInferencePlan {
  workload: number;
  site: number;
  busyGpus: Float64Array;
  servedTokensPerSecond: Float64Array;
  gpuWatts: Float64Array;
}

/** A site's committed power flows. */
export interface GroupSitePlan {
  site: number;
  importKW: Float64Array;
  /** Net storage power, kW: positive charges (sites with storage). */
  storageKW?: Float64Array;
  renewableKW?: Float64Array;
  exportKW?: Float64Array;
  /** State of charge at the end of the committed steps, kWh. */
  socEndKWh?: number;
}

/** The committed steps [from, from + steps) of a group's plan. */
export interface GroupPlan {
  from: number;
  steps: number;
  jobs: GroupJobPlan[];
  inference: GroupInferencePlan[];
  sites: GroupSitePlan[];
}

/** Reads the committed steps of a solved window of a group (the LP solution `x`). */
export function readGroupPlan(model: FleetModel, layout: FleetLpLayout, x: ArrayLike<number>, commitTo: number): GroupPlan {
  const h = stepHours(model.grid);
  const from = layout.from;
  const end = Math.min(commitTo, layout.to);
  const C = Math.max(0, end - from);
  const v = (j: number) => Math.max(0, x[j]!);
  const jobs = layout.jobs.map((j): GroupJobPlan => {
    const K = j.points.length;
    const p: GroupJobPlan = { workload: j.workload, site: j.site, gpus: new Float64Array(C), gpuWatts: new Float64Array(C), workGpuHours: 0 };
    for (let t = j.t0; t < Math.min(j.t1, end); t++) {
      const base = j.first + (t - j.t0) * K;
      for (let k = 0; k < K; k++) {
        const g = v(base + k);
        p.gpus[t - from]! += g;
        p.gpuWatts[t - from]! += g * j.points[k]!.gpuPowerW;
        p.workGpuHours += g * j.points[k]!.throughput * h;
      }
    }
    return p;
  });
  const inference = layout.inference.map((i): GroupInferencePlan => {
    const w = model.workloads[i.workload]!;
    const rate = w.tokensPerGpuHour / 3600;
    const K = i.points.length;
    const p: GroupInferencePlan = { workload: i.workload, site: i.site, busyGpus: new Float64Array(C), servedTokensPerSecond: new Float64Array(C), gpuWatts: new Float64Array(C) };
    for (let t = from; t < end; t++) {
      const base = i.first + (t - from) * K;
      for (let k = 0; k < K; k++) {
        const g = v(base + k);
        p.busyGpus[t - from]! += g;
        p.servedTokensPerSecond[t - from]! += g * rate * i.points[k]!.throughput;
        p.gpuWatts[t - from]! += g * i.points[k]!.gpuPowerW;
      }
    }
    return p;
  });
  const sites: GroupSitePlan[] = [];
  layout.sites.forEach((L, s) => {
    if (!L) return;
    const p: GroupSitePlan = { site: s, importKW: new Float64Array(C) };
    for (let t = 0; t < C; t++) p.importKW[t] = x[L.g + t]!;
    if (L.c >= 0) {
      p.storageKW = new Float64Array(C);
      for (let t = 0; t < C; t++) p.storageKW[t] = x[L.c + t]! - x[L.d + t]!;
      if (C > 0) p.socEndKWh = x[L.soc + C - 1]!;
    }
    if (L.r.length) {
      p.renewableKW = new Float64Array(C);
      for (let t = 0; t < C; t++) for (const r of L.r) p.renewableKW[t]! += v(r + t);
    }
    if (L.e >= 0) {
      p.exportKW = new Float64Array(C);
      for (let t = 0; t < C; t++) p.exportKW[t] = v(L.e + t);
    }
    sites.push(p);
  });
  return { from, steps: C, jobs, inference, sites };
}

function mixArrays(out: Float64Array, a: Float64Array, w: number): void {
  for (let t = 0; t < out.length; t++) out[t]! += w * a[t]!;
}

/**
 * The convex combination Σ weights[k] · plans[k] of plans of the same group and window (same
 * structure). Weights are the master's; they sum to 1.
 */
export function mixGroupPlans(plans: GroupPlan[], weights: ArrayLike<number>): GroupPlan {
  const first = plans[0]!;
  if (plans.length === 1) return first;
  const C = first.steps;
  const z = () => new Float64Array(C);
  const out: GroupPlan = {
    from: first.from,
    steps: C,
    jobs: first.jobs.map((j) => ({ workload: j.workload, site: j.site, gpus: z(), gpuWatts: z(), workGpuHours: 0 })),
    inference: first.inference.map((i) => ({ workload: i.workload, site: i.site, busyGpus: z(), servedTokensPerSecond: z(), gpuWatts: z() })),
    sites: first.sites.map((s) => ({
      site: s.site,
      importKW: z(),
      ...(s.storageKW ? { storageKW: z(), socEndKWh: 0 } : {}),
      ...(s.renewableKW ? { renewableKW: z() } : {}),
      ...(s.exportKW ? { exportKW: z() } : {}),
    })),
  };
  plans.forEach((p, k) => {
    const w = weights[k]!;
    if (w === 0) return;
    p.jobs.forEach((j, n) => {
      const o = out.jobs[n]!;
      mixArrays(o.gpus, j.gpus, w);
      mixArrays(o.gpuWatts, j.gpuWatts, w);
      o.workGpuHours += w * j.workGpuHours;
    });
    p.inference.forEach((i, n) => {
      const o = out.inference[n]!;
      mixArrays(o.busyGpus, i.busyGpus, w);
      mixArrays(o.servedTokensPerSecond, i.servedTokensPerSecond, w);
      mixArrays(o.gpuWatts, i.gpuWatts, w);
    });
    p.sites.forEach((s, n) => {
      const o = out.sites[n]!;
      mixArrays(o.importKW, s.importKW, w);
      if (o.storageKW && s.storageKW) mixArrays(o.storageKW, s.storageKW, w);
      if (o.socEndKWh !== undefined) o.socEndKWh += w * (s.socEndKWh ?? 0);
      if (o.renewableKW && s.renewableKW) mixArrays(o.renewableKW, s.renewableKW, w);
      if (o.exportKW && s.exportKW) mixArrays(o.exportKW, s.exportKW, w);
    });
  });
  return out;
}

/** Writes a group's committed plan into the dispatch and carries its state (work done, SoC, monthly peaks) forward. */
export function applyGroupPlan(model: FleetModel, plan: GroupPlan, d: Dispatch, state: WindowState): void {
  const { from, steps: C } = plan;
  for (const j of plan.jobs) {
    const a = jobAllocation(d, model, j.workload, j.site);
    for (let k = 0; k < C; k++) {
      const g = j.gpus[k]!;
      if (g > 1e-9) {
        a.gpus[from + k] = g;
        a.gpuPowerW[from + k] = j.gpuWatts[k]! / g;
      }
    }
    state.doneGpuHours[j.workload]! += j.workGpuHours;
  }
  for (const i of plan.inference) {
    const w = model.workloads[i.workload]!;
    const a = inferenceAllocation(d, model, i.workload, i.site);
    for (let k = 0; k < C; k++) {
      const busy = i.busyGpus[k]!;
      a.servedTokensPerSecond[from + k] = i.servedTokensPerSecond[k]!;
      a.gpuPowerW[from + k] = busy > 1e-9 ? i.gpuWatts[k]! / busy : w.fullPower.gpuPowerW;
    }
  }
  for (const s of plan.sites) {
    const st = d.storageKW[s.site];
    if (st && s.storageKW) st.set(s.storageKW, from);
    const take = d.renewableTakeKW?.[s.site];
    if (take && s.renewableKW) take.set(s.renewableKW, from);
    const ex = d.exportKW?.[s.site];
    if (ex && s.exportKW) ex.set(s.exportKW, from);
    if (s.socEndKWh !== undefined && C > 0) state.socKWh[s.site] = s.socEndKWh;
    const site = model.sites[s.site]!;
    const ex2 = s.exportKW;
    advanceTariffState(site, model.grid, from, from + C, (t) => s.importKW[t - from]!, ex2 ? (t) => ex2[t - from]! : undefined, state.tariff[s.site]!);
  }
}
