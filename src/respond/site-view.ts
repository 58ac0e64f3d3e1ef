/**
 * A VEN's views of the fleet's base plan, made once per plan and shared between answers: its
 * site's allocations, and each workload's allocations at every site (for its share of a budget).
 * Filtering the fleet's allocations on every answer made each VEN's answer grow with the fleet.
 */
import type { Dispatch, InferenceAllocation, JobAllocation } from '../simulate/dispatch.ts';

/** A plan's allocations indexed once, and the one-site views made of them so far. */
interface PlanIndex {
  jobsBySite: Map<number, JobAllocation[]>;
  inferenceBySite: Map<number, InferenceAllocation[]>;
  jobsByWorkload: Map<number, JobAllocation[]>;
  views: Map<number, Dispatch>;
}

/** Each base plan's index: a VEN answers every event from the same plan. */
const indexes = new WeakMap<Dispatch, PlanIndex>();

function indexOf(d: Dispatch): PlanIndex {
  let index = indexes.get(d);
  if (!index) {
    index = { jobsBySite: groupBy(d.jobs, (a) => a.site), inferenceBySite: groupBy(d.inference, (a) => a.site), jobsByWorkload: groupBy(d.jobs, (a) => a.workload), views: new Map() };
    indexes.set(d, index);
  }
  return index;
}

/**
 * The base plan restricted to one site's allocations (levers never look at other sites), in the
 * plan's order. Shared: callers only read it (a response works on a copy).
 */
export function siteOnlyDispatch(d: Dispatch, site: number): Dispatch {
  const index = indexOf(d);
  let view = index.views.get(site);
  if (!view) {
    const storageKW = new Array<Float64Array | undefined>(d.storageKW.length).fill(undefined);
    storageKW[site] = d.storageKW[site];
    view = { ...d, jobs: index.jobsBySite.get(site) ?? [], inference: index.inferenceBySite.get(site) ?? [], storageKW };
    index.views.set(site, view);
  }
  return view;
}

/** The job allocations of `workload` at every site of a base plan, in the plan's order. */
export function workloadAllocations(d: Dispatch, workload: number): readonly JobAllocation[] {
  return indexOf(d).jobsByWorkload.get(workload) ?? [];
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
