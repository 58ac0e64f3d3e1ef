/**
 * The rule policy an operator could run without an optimiser: each deferrable job runs at full
 * power in the cheapest steps of its window (its deadline, or sooner when a QoS floor limits how
 * far it may stretch); each battery charges in the cheapest and discharges in the dearest hours
 * of every local day when the spread pays for losses and wear; inference is served where it
 * arrives. It sits between naive and the LP policies in `wattshift compare`.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch, JobAllocation } from '../simulate/dispatch.ts';
import { stepHours } from '../time/grid.ts';
import { effectiveDeadline } from './fleet-lp.ts';
import { naiveDispatch } from './naive.ts';

/** Builds the greedy (cheapest-hours) dispatch. */
export function greedyDispatch(model: FleetModel): Dispatch {
  const n = model.grid.steps;
  const h = stepHours(model.grid);
  const base = naiveDispatch(model); // inference as naive; jobs are re-placed below
  const free = model.sites.map((s) => s.pools.map((p) => new Float64Array(n).fill(p.gpus)));
  for (const a of base.inference) {
    const site = model.sites[a.site]!;
    const w = model.workloads[a.workload]!;
    const k = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
    const rate = w.tokensPerGpuHour / 3600;
    for (let t = 0; t < n; t++) free[a.site]![k]![t]! -= a.servedTokensPerSecond[t]! / (rate * w.fullPower.throughput) / w.maxUtilisation;
  }
  const jobs: JobAllocation[] = [];
  const queue = model.workloads.filter((w) => w.type !== 'inference').sort((a, b) => a.releaseStep - b.releaseStep || a.index - b.index);
  for (const w of queue) {
    const s = w.siteIndices[0]!;
    const site = model.sites[s]!;
    const k = site.pools.findIndex((p) => p.acceleratorId === w.acceleratorId);
    const fr = free[s]![k]!;
    const a: JobAllocation = { workload: w.index, site: s, gpus: new Float64Array(n), gpuPowerW: new Float64Array(n).fill(w.fullPower.gpuPowerW) };
    const f = w.fullPower.throughput;
    let left = w.continuous ? Infinity : w.workGpuHours;
    const end = w.continuous ? Math.min(n, w.deadlineStep) : effectiveDeadline(w, h, n);
    // cheapest steps first within the window; a continuous job simply runs throughout
    const steps: number[] = [];
    for (let t = w.releaseStep; t < end; t++) steps.push(t);
    if (!w.continuous) steps.sort((x, y) => site.importPrice[x]! - site.importPrice[y]! || x - y);
    for (const t of steps) {
      if (left <= 1e-9) break;
      const g = Math.min(w.gpusMax, fr[t]!, left / (f * h));
      if (g + 1e-9 < Math.min(w.gpusMin, left / (f * h))) continue;
      a.gpus[t] = g;
      fr[t]! -= g;
      left -= g * f * h;
    }
    // work that did not fit before the deadline runs as soon as GPUs are free afterwards
    for (let t = end; t < n && left > 1e-9; t++) {
      const g = Math.min(w.gpusMax, fr[t]!, left / (f * h));
      if (g + 1e-9 < Math.min(w.gpusMin, left / (f * h))) continue;
      a.gpus[t] = g;
      fr[t]! -= g;
      left -= g * f * h;
    }
    jobs.push(a);
  }
  const storageKW = model.sites.map((site) => {
    const st = site.storage;
    if (!st) return undefined;
    const out = new Float64Array(n);
    const hours = Math.max(1, Math.round((st.socMaxKWh - st.socMinKWh) / (st.powerKW * h)));
    const cal = site.calendar;
    let start = 0;
    while (start < n) {
      let end = start;
      while (end < n && cal.dayIndex[end] === cal.dayIndex[start]) end++;
      const day = Array.from({ length: end - start }, (_, i) => start + i).sort((x, y) => site.importPrice[x]! - site.importPrice[y]!);
      const m = Math.min(hours, Math.floor(day.length / 2));
      for (let i = 0; i < m; i++) {
        const cheap = day[i]!;
        const dear = day[day.length - 1 - i]!;
        const spread = site.importPrice[dear]! * st.chargeEfficiency * st.dischargeEfficiency - site.importPrice[cheap]!;
        if (spread <= st.degradationCostPerKWh * 1000) break; // not worth a cycle
        out[cheap] = st.powerKW;
        out[dear] = -st.powerKW;
      }
      start = end;
    }
    return out;
  });
  return { ...base, policy: 'greedy', jobs, storageKW, notes: ['jobs in the cheapest hours of their windows; storage charges in the cheapest and discharges in the dearest hours of each day'] };
}
