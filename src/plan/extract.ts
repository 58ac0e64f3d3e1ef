/**
 * Reads a solved window back into a dispatch: GPUs and average GPU power per job, site and step
 * (mixing two operating points within a step means alternating caps over time), inference
 * served per site, storage setpoints, export and generator output. Only the committed steps are written.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch, InferenceAllocation, JobAllocation } from '../simulate/dispatch.ts';
import type { FleetLpLayout } from './fleet-lp.ts';

/** An empty dispatch for the whole horizon, filled window by window. */
export function emptyDispatch(model: FleetModel, policy: string): Dispatch {
  return {
    policy,
    jobs: [],
    inference: [],
    storageKW: model.sites.map((s) => (s.storage ? new Float64Array(model.grid.steps) : undefined)),
    allowExport: model.sites.map((s) => s.canExport),
    renewableTakeKW: model.sites.map((s) => (s.renewables.length ? Float64Array.from(s.renewableAvailableKW) : undefined)),
    exportKW: model.sites.map((s) => (s.canExport ? new Float64Array(model.grid.steps) : undefined)),
    generatorKW: model.sites.map((s) => (s.generators.length ? s.generators.map(() => new Float64Array(model.grid.steps)) : undefined)),
    notes: [],
  };
}

/** The allocation of a job at a site in the dispatch, made empty when there is none yet. */
export function jobAllocation(d: Dispatch, model: FleetModel, workload: number, site: number): JobAllocation {
  let a = d.jobs.find((j) => j.workload === workload && j.site === site);
  if (!a) {
    a = { workload, site, gpus: new Float64Array(model.grid.steps), gpuPowerW: new Float64Array(model.grid.steps) };
    d.jobs.push(a);
  }
  return a;
}

/** The allocation of an inference service at a site in the dispatch, made empty when there is none yet. */
export function inferenceAllocation(d: Dispatch, model: FleetModel, workload: number, site: number): InferenceAllocation {
  let a = d.inference.find((j) => j.workload === workload && j.site === site);
  if (!a) {
    a = { workload, site, servedTokensPerSecond: new Float64Array(model.grid.steps), gpuPowerW: new Float64Array(model.grid.steps) };
    d.inference.push(a);
  }
  return a;
}

/** Writes the decisions of steps [layout.from, commitTo) into `d`. */
export function extractWindow(model: FleetModel, layout: FleetLpLayout, x: Float64Array, commitTo: number, d: Dispatch): void {
  const end = Math.min(commitTo, layout.to);
  for (const j of layout.jobs) {
    const a = jobAllocation(d, model, j.workload, j.site);
    const K = j.points.length;
    for (let t = j.t0; t < Math.min(j.t1, end); t++) {
      const base = j.first + (t - j.t0) * K;
      let g = 0, p = 0;
      for (let k = 0; k < K; k++) {
        const v = Math.max(0, x[base + k]!);
        g += v;
        p += v * j.points[k]!.gpuPowerW;
      }
      if (g > 1e-9) {
        a.gpus[t] = g;
        a.gpuPowerW[t] = p / g;
      }
    }
  }
  for (const i of layout.inference) {
    const w = model.workloads[i.workload]!;
    const rate = w.tokensPerGpuHour / 3600;
    const a = inferenceAllocation(d, model, i.workload, i.site);
    const K = i.points.length;
    for (let t = layout.from; t < end; t++) {
      const base = i.first + (t - layout.from) * K;
      let busy = 0, served = 0, p = 0;
      for (let k = 0; k < K; k++) {
        const v = Math.max(0, x[base + k]!);
        busy += v;
        served += v * rate * i.points[k]!.throughput;
        p += v * i.points[k]!.gpuPowerW;
      }
      a.servedTokensPerSecond[t] = served;
      a.gpuPowerW[t] = busy > 1e-9 ? p / busy : w.fullPower.gpuPowerW;
    }
  }
  layout.sites.forEach((L, s) => {
    if (!L) return;
    const st = d.storageKW[s];
    if (st && L.c >= 0) for (let t = layout.from; t < end; t++) st[t] = x[L.c + t - layout.from]! - x[L.d + t - layout.from]!;
    const take = d.renewableTakeKW?.[s];
    if (take && L.r.length) {
      for (let t = layout.from; t < end; t++) {
        let sum = 0;
        for (const r of L.r) sum += Math.max(0, x[r + t - layout.from]!);
        take[t] = sum;
      }
    }
    const ex = d.exportKW?.[s];
    if (ex && L.e >= 0) for (let t = layout.from; t < end; t++) ex[t] = Math.max(0, x[L.e + t - layout.from]!);
    const gens = d.generatorKW?.[s];
    // a generator is off where the plan's on/off decision is (integer tolerance aside) zero
    if (gens) L.gen.forEach((gc, j) => {
      for (let t = layout.from; t < end; t++) {
        const k = t - layout.from;
        const off = gc.u >= 0 ? x[gc.u + k]! < 1e-4 : x[gc.p + k]! < 1e-6;
        gens[j]![t] = off ? 0 : Math.max(0, x[gc.p + k]!);
      }
    });
  });
}
