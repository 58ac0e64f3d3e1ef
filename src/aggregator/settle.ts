/**
 * Settlement of a live event from the meter data the sites reported: each site's mean import
 * per interval (from the horizon start to the event end) becomes its meter series, the program's
 * baseline is computed on it as the utility would, and the event is settled with the offline
 * rules (src/programs/settlement.ts), target shares from the split's planned deliveries. The
 * metered load and baseline per interval alone (meteredBaselines) serve the report of a price event.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { meterSeries } from '../programs/meter.ts';
import { fleetTarget } from '../programs/replay.ts';
import { settleEvent, type EventSettlement } from '../programs/settlement.ts';
import type { BaselineResult, ResolvedProgram } from '../programs/types.ts';
import { siteBaseline, type FleetSplit } from './split.ts';

/** Mean import per step of one site, kW, from the horizon start (NaN where not reported). */
export type SiteMeter = Float64Array;

/** One split site's metered import per interval of the event and its program baseline. */
export interface SiteMetered {
  actualKW: Float64Array;
  baseline: BaselineResult;
}

/**
 * Each split site's metered import per interval of the event, and the program's baseline computed
 * on its reported meter (one per split site, in the split's order) as the utility would.
 */
export function meteredBaselines(model: FleetModel, program: ResolvedProgram, split: FleetSplit, meters: SiteMeter[]): SiteMetered[] {
  const grid = model.grid;
  const k = split.stepsPerInterval;
  const j0 = split.startStep / k;
  const J = split.intervalStartMs.length;
  return split.sites.map((sh, si) => {
    const m = meters[si]!;
    for (let t = 0; t < split.endStep; t++) {
      if (!Number.isFinite(m[t]!)) throw new InputError('EVENT_INVALID', `site "${sh.id}" reported no meter reading for step ${t} of event "${split.event.id}"`, { path: `reports.${sh.id}` });
    }
    // steps after the event are not read by any baseline: zero stands in for them
    const full = Float64Array.from({ length: grid.steps }, (_, t) => (t < split.endStep ? m[t]! : 0));
    const site = model.sites[sh.site]!;
    const series = meterSeries(full, grid, site.calendar, program.measurementIntervalMinutes, { holidays: program.holidays, extraWorkdays: program.extraWorkdays, eventDays: split.eventDays[sh.site]! });
    return { actualKW: series.kw.slice(j0, j0 + J), baseline: siteBaseline(model, program, series, sh.site, split.event, j0, j0 + J) };
  });
}

/** Settles `split` on the reported meters (one per split site, in the split's order). */
export function settleFromMeters(model: FleetModel, program: ResolvedProgram, split: FleetSplit, meters: SiteMeter[]): EventSettlement {
  const J = split.intervalStartMs.length;
  const metered = meteredBaselines(model, program, split, meters);
  const baselineSum = new Float64Array(J);
  metered.forEach((x) => x.baseline.kw.forEach((v, j) => (baselineSum[j]! += v)));
  const targetKW = fleetTarget(split.event, program, split.intervalStartMs, split.intervalMinutes * 60_000, baselineSum, program.commitmentKW);
  // as in the replay: shares by planned delivery, else by baseline, else equal
  const shares = split.sites.map((sh, si) =>
    Float64Array.from({ length: J }, (_, j) => {
      let tot = 0;
      for (const x of split.sites) tot += x.plannedDeliveryKW[j]!;
      return tot > 0 ? sh.plannedDeliveryKW[j]! / tot : baselineSum[j]! > 0 ? metered[si]!.baseline.kw[j]! / baselineSum[j]! : 1 / split.sites.length;
    }),
  );
  return settleEvent({
    event: split.event,
    program,
    intervalStartMs: split.intervalStartMs,
    intervalMinutes: split.intervalMinutes,
    targetKW,
    sites: split.sites.map((sh, si) => ({ index: sh.site, id: sh.id, baseline: metered[si]!.baseline, actualKW: metered[si]!.actualKW, targetShare: shares[si]! })),
  });
}
