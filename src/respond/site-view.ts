/**
 * A VEN's views of the fleet's base plan, made once per plan and shared between answers: its
 * site's allocations, and each workload's allocations at every site (for its share of a budget).
 */
import type { Dispatch, InferenceAllocation, JobAllocation } from '../simulate/dispatch.ts';

/** Each base plan's one-site views, by site: a VEN answers every event from the same plan. */
const siteViews = new WeakMap<Dispatch, Map<number, Dispatch>>();

/**
 * The base plan restricted to one site's allocations (levers never look at other sites). Made once
 * per plan and site from an index of the plan's allocations by site, and shared: callers only
 * read it (a response works on a copy). Filtering the fleet's allocations on every answer made
 * each VEN's answer grow with the fleet.
 */
export function siteOnlyDispatch(d: Dispatch, site: number): Dispatch {
  let views = siteViews.get(d);
  if (!views) siteViews.set(d, (views = new Map()));
  let view = views.get(site);
  if (!view) {
    const at = allocationsBySite(d);
    const storageKW = new Array<Float64Array | undefined>(d.storageKW.length).fill(undefined);
    storageKW[site] = d.storageKW[site];
    view = { ...d, jobs: at.jobs.get(site) ?? [], inference: at.inference.get(site) ?? [], storageKW };
    views.set(site, view);
  }
  return view;
}

/** Each base plan's job and inference allocations by site, in the plan's order. */
const bySite = new WeakMap<Dispatch, { jobs: Map<number, JobAllocation[]>; inference: Map<number, InferenceAllocation[]> }>();

function allocationsBySite(d: Dispatch): { jobs: Map<number, JobAllocation[]>; inference: Map<number, InferenceAllocation[]> } {
  let index = bySite.get(d);
  if (!index) {
    index = { jobs: groupBy(d.jobs, (a) => a.site), inference: groupBy(d.inference, (a) => a.site) };
    bySite.set(d, index);
  }
  return index;
}

function groupBy<T>(items: readonly T[], key: (x: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Each base plan's job allocations by workload (all sites). */
const byWorkload = new WeakMap<Dispatch, Map<number, JobAllocation[]>>();

/** The job allocations of `workload` at every site of a base plan, indexed once per plan. */
export function workloadAllocations(d: Dispatch, workload: number): readonly JobAllocation[] {
  let index = byWorkload.get(d);
  if (!index) byWorkload.set(d, (index = groupBy(d.jobs, (a) => a.workload)));
  return index.get(workload) ?? [];
}
