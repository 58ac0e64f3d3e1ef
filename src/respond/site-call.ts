/** What a site's VEN works from (its state) and what an event asks of it (its call). */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
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
