/**
 * The physics side of a virtual site: the setpoints its VEN published, applied to the site's
 * plan (GPU power limits, GPUs running, inference power, storage power), simulated with the
 * fleet's physics, and read back as meter telemetry.
 */
import type { SiteSetpoints } from '../respond/setpoints.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { cloneDispatch } from '../programs/response.ts';
import type { Dispatch } from '../simulate/dispatch.ts';

/** The plan with every site's setpoints applied (the base plan is not changed). */
export function applySetpoints(model: FleetModel, base: Dispatch, setpoints: Iterable<SiteSetpoints>): Dispatch {
  const d = cloneDispatch(base, `${base.policy} + setpoints`);
  const siteIndex = new Map(model.sites.map((s) => [s.id, s.index]));
  const workloadIndex = new Map(model.workloads.map((w) => [w.id, w.index]));
  for (const sp of setpoints) {
    const s = siteIndex.get(sp.site);
    if (s === undefined) throw new Error(`setpoints for unknown site "${sp.site}"`);
    const span = (target: Float64Array, values: number[]) => values.forEach((v, i) => (target[sp.fromStep + i] = v));
    for (const j of sp.jobs) {
      const a = d.jobs.find((x) => x.site === s && x.workload === workloadIndex.get(j.workload));
      if (!a) throw new Error(`site "${sp.site}" has no allocation of job "${j.workload}"`);
      span(a.gpus, j.gpus);
      span(a.gpuPowerW, j.gpuPowerW);
    }
    for (const inf of sp.inference) {
      const a = d.inference.find((x) => x.site === s && x.workload === workloadIndex.get(inf.workload));
      if (a) span(a.gpuPowerW, inf.gpuPowerW);
    }
    if (sp.storageKW) {
      d.storageKW[s] ??= new Float64Array(model.grid.steps);
      span(d.storageKW[s]!, sp.storageKW);
    }
  }
  return d;
}
