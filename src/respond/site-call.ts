/** What a site's VEN works from (its state) and what an event asks of it (its call). */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch, JobAllocation } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';

/** A site as its VEN sees it: the fleet model, the current plan and the ledger it produces. */
export interface SiteState {
  model: FleetModel;
  /** The plan the site runs when no event is on (only this site's allocations are read). */
  base: Dispatch;
  baseLedger: Ledger;
  /** Index of the site in the model. */
  site: number;
}

/** What an event asks of one site, per step of the model's grid. */
export interface SiteCall {
  id: string;
  /** First step of the event and the step after it. */
  startStep: number;
  endStep: number;
  /** Reduction of grid import wanted at each event step, kW (≥ 0). */
  requiredKW: Float64Array;
  /**
   * Price of energy at each event step (a PRICE event), currency/MWh. Above the site's reference
   * price (see {@link referencePricePerMWh}) it is what a MWh of import reduced saves; below it,
   * reference − price is what a MWh of consumption moved into the step earns (valley filling).
   */
  valuePerMWh?: Float64Array;
  /** Increase of grid import wanted at each event step, kW (≥ 0; a DISPATCH_SETPOINT above the plan). */
  increaseKW?: Float64Array;
  /** Largest export to the grid at each event step, kW (EXPORT_CAPACITY_LIMIT; +∞ where none). */
  exportLimitKW?: Float64Array;
}

/** Each base plan's one-site views, by site: a VEN answers every event from the same plan. */
const siteViews = new WeakMap<Dispatch, Map<number, Dispatch>>();

/**
 * The base plan restricted to one site's allocations (levers never look at other sites). Made once
 * per plan and site, and shared: callers only read it (a response works on a copy). Filtering the
 * fleet's allocations on every answer made each VEN's answer grow with the fleet.
 */
export function siteOnlyDispatch(d: Dispatch, site: number): Dispatch {
  let views = siteViews.get(d);
  if (!views) siteViews.set(d, (views = new Map()));
  let view = views.get(site);
  if (!view) {
    view = { ...d, jobs: d.jobs.filter((a) => a.site === site), inference: d.inference.filter((a) => a.site === site), storageKW: d.storageKW.map((x, i) => (i === site ? x : undefined)) };
    views.set(site, view);
  }
  return view;
}

/** Each base plan's job allocations by workload (all sites). */
const byWorkload = new WeakMap<Dispatch, Map<number, JobAllocation[]>>();

/** The job allocations of `workload` at every site of a base plan, indexed once per plan. */
export function workloadAllocations(d: Dispatch, workload: number): readonly JobAllocation[] {
  let index = byWorkload.get(d);
  if (!index) {
    index = new Map();
    for (const a of d.jobs) {
      const list = index.get(a.workload);
      if (list) list.push(a);
      else index.set(a.workload, [a]);
    }
    byWorkload.set(d, index);
  }
  return index.get(workload) ?? [];
}
