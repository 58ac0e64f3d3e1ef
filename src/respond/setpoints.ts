/**
 * A site's setpoints for one event (GPU power caps, GPUs running, storage power, export limit
 * per step): what a VEN publishes to its adapters, either its answer's or, when the event is
 * withdrawn, the plan's own.
 */
import type { Dispatch } from '../simulate/dispatch.ts';
import { stepStartMs } from '../time/grid.ts';
import type { SiteCall, SiteState } from './site-call.ts';
import { siteOnlyDispatch } from './site-view.ts';

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
  /** Largest export per covered step, kW (null where the event sets none), or null without an export limit. */
  exportLimitKW: Array<number | null> | null;
  /** True when these are the plan's own setpoints, published because the event was withdrawn (deleted or cancelled). */
  withdrawn?: boolean;
}

/**
 * The plan's own setpoints over steps [fromStep, fromStep + length) of one event: what a VEN
 * publishes when the event is deleted or cancelled, so every lever goes back to the plan.
 */
export function baselineSetpoints(state: SiteState, eventId: string, fromStep: number, length: number): SiteSetpoints {
  const { model } = state;
  const base = siteOnlyDispatch(state.base, state.site);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const span = (a: ArrayLike<number>) => Array.from({ length }, (_, i) => round(a[fromStep + i]!));
  const sb = base.storageKW[state.site];
  return {
    site: model.sites[state.site]!.id,
    eventId,
    fromStep,
    startMs: stepStartMs(model.grid, fromStep),
    stepMinutes: model.grid.stepMinutes,
    length,
    jobs: base.jobs.map((a) => ({ workload: model.workloads[a.workload]!.id, gpuPowerW: span(a.gpuPowerW), gpus: span(a.gpus), baseGpus: span(a.gpus) })),
    inference: base.inference.map((a) => ({ workload: model.workloads[a.workload]!.id, gpuPowerW: span(a.gpuPowerW) })),
    storageKW: model.sites[state.site]!.storage ? span(sb ?? new Float64Array(model.grid.steps)) : null,
    exportLimitKW: null,
    withdrawn: true,
  };
}


/** The setpoints: every step from the event start where the response differs from the base plan. */
export function setpointsOf(state: SiteState, base: Dispatch, after: Dispatch, call: SiteCall): SiteSetpoints {
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
    exportLimitKW: call.exportLimitKW?.some((v) => Number.isFinite(v))
      ? Array.from({ length: last - from }, (_, i) => {
          const v = call.exportLimitKW![i];
          return v !== undefined && Number.isFinite(v) ? round(v) : null;
        })
      : null,
  };
}
