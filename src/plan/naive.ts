/**
 * The naive policy, the baseline every other policy is measured against: inference is served
 * where it arrives at full power; each training or batch job starts at its release on its first
 * eligible site with enough free GPUs, at full power on as many GPUs as it may use, until done;
 * storage stays idle; renewables are used first and any surplus is curtailed.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch, InferenceAllocation, JobAllocation } from '../simulate/dispatch.ts';
import { stepHours } from '../time/grid.ts';

/** Builds the naive dispatch. */
export function naiveDispatch(model: FleetModel): Dispatch {
  const n = model.grid.steps;
  const h = stepHours(model.grid);
  // free GPUs per site, pool and step
  const free = model.sites.map((s) => s.pools.map((p) => new Float64Array(n).fill(p.gpus)));
  const poolOf = (site: number, acc: string) => model.sites[site]!.pools.findIndex((p) => p.acceleratorId === acc);

  const inference: InferenceAllocation[] = [];
  for (const w of model.workloads) {
    if (w.type !== 'inference') continue;
    const rate = w.tokensPerGpuHour / 3600;
    w.siteIndices.forEach((s, j) => {
      const share = w.arrivalShares?.[j] ?? 0;
      const k = poolOf(s, w.acceleratorId);
      const served = new Float64Array(n);
      const power = new Float64Array(n).fill(w.fullPower.gpuPowerW);
      const fr = free[s]![k]!;
      for (let t = 0; t < n; t++) {
        const want = w.demandTokensPerSecond![t]! * share;
        const gpusNeeded = want / (rate * w.fullPower.throughput) / w.maxUtilisation;
        const g = Math.min(gpusNeeded, fr[t]!);
        served[t] = gpusNeeded > 0 ? (want * g) / gpusNeeded : 0;
        fr[t]! -= g;
      }
      inference.push({ workload: w.index, site: s, servedTokensPerSecond: served, gpuPowerW: power });
    });
  }

  const jobs: JobAllocation[] = [];
  const queue = model.workloads.filter((w) => w.type !== 'inference').sort((a, b) => a.releaseStep - b.releaseStep || a.index - b.index);
  for (const w of queue) {
    const f = w.fullPower.throughput;
    let left = w.continuous ? Infinity : w.workGpuHours;
    const allocs = new Map<number, JobAllocation>();
    const lastStep = w.continuous ? Math.min(n, w.deadlineStep) : n;
    for (let t = w.releaseStep; t < lastStep && left > 1e-9; t++) {
      for (const s of w.siteIndices) {
        const k = poolOf(s, w.acceleratorId);
        const avail = free[s]![k]![t]!;
        if (avail + 1e-9 < w.gpusMin) continue;
        let g = Math.min(w.gpusMax, avail);
        if (g * f * h > left) g = left / (f * h);
        let a = allocs.get(s);
        if (!a) {
          a = { workload: w.index, site: s, gpus: new Float64Array(n), gpuPowerW: new Float64Array(n).fill(w.fullPower.gpuPowerW) };
          allocs.set(s, a);
        }
        a.gpus[t] = g;
        free[s]![k]![t]! -= g;
        left -= g * f * h;
        break;
      }
    }
    jobs.push(...allocs.values());
  }

  return {
    policy: 'naive',
    jobs,
    inference,
    storageKW: model.sites.map(() => undefined),
    allowExport: model.sites.map(() => false),
    notes: [],
  };
}
