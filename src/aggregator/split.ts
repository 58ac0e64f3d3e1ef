/**
 * The aggregator's split of a fleet event across its sites, as the offline replay makes it
 * (src/programs/replay.ts): each site's baseline forecast from its planned meter, the fleet
 * target per interval, what the base load already gives, and the rest filled by merit order
 * over every called site's flexibility segments at each step. The segments come from one shared
 * flexibility context, so each workload's QoS budget is drawn once across the fleet. Each site
 * then gets an import limit per interval (its planned import less its share), which is what goes
 * down to its VEN as an OpenADR IMPORT_CAPACITY_LIMIT event.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { bySite, meritOrder } from '../programs/aggregator.ts';
import { BASELINES } from '../programs/baselines/index.ts';
import { checkEvents } from '../programs/events.ts';
import { stepsPerInterval } from '../programs/meter.ts';
import { siteCapacityKW } from '../programs/program.ts';
import { fleetTarget, programMeters } from '../programs/replay.ts';
import { eventSegments, startResponse } from '../programs/response.ts';
import type { BaselineResult, GridEvent, ResolvedProgram } from '../programs/types.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepStartMs } from '../time/grid.ts';

/** One site's part of a fleet event. */
export interface SiteShare {
  site: number;
  id: string;
  /** Change of import the site is asked for, per event step, kW (merit order). */
  amountKW: Float64Array;
  /** Import limit per measurement interval, kW: planned import less the share. */
  limitKW: number[];
  /** Planned delivery against the forecast baseline per interval, kW (the settlement's target shares). */
  plannedDeliveryKW: Float64Array;
}

/** A fleet event split across sites. */
export interface FleetSplit {
  event: GridEvent;
  startStep: number;
  endStep: number;
  /** Steps per measurement interval. */
  stepsPerInterval: number;
  intervalMinutes: number;
  intervalStartMs: number[];
  /** Fleet target per interval from the forecast baselines, kW. */
  forecastTargetKW: Float64Array;
  /** Change the fleet must make against its plan per step, kW. */
  requiredKW: Float64Array;
  sites: SiteShare[];
  /** Local event days per site (never baseline days). */
  eventDays: Array<Set<string>>;
}

/** The program's baseline of site `s` over intervals [j0, j1) of meter series `m`. */
export function siteBaseline(model: FleetModel, program: ResolvedProgram, m: Parameters<(typeof BASELINES)[keyof typeof BASELINES]>[0], s: number, e: GridEvent, j0: number, j1: number): BaselineResult {
  const opts = program.baselines.get(s)!;
  return BASELINES[opts.method](m, { start: j0, end: j1 }, opts, { path: e.path, file: e.file, site: model.sites[s]!.id });
}

/** Splits `event` across the program's (or the event's) sites from the fleet's plan and its ledger. */
export function splitFleetEvent(model: FleetModel, base: Dispatch, baseLedger: Ledger, program: ResolvedProgram, event: GridEvent): FleetSplit {
  const grid = model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  checkEvents([event], { grid, program, siteIds: model.sites.map((s) => s.id), siteCapacityKW: model.sites.map(siteCapacityKW) });
  if (event.targets.length === 0 && program.commitmentKW === undefined) {
    throw new InputError('EVENT_INVALID', `event "${event.id}" has no target and program "${program.id}" no commitment; give the event a target`, { path: event.path });
  }
  const k = stepsPerInterval(grid, program.measurementIntervalMinutes);
  const startStep = (event.startMs - grid.startMs) / stepMs;
  const endStep = (event.endMs - grid.startMs) / stepMs;
  const index = new Map(model.sites.map((s) => [s.id, s.index]));
  const sites = event.sites ? event.sites.map((id) => index.get(id)!) : program.siteIndices;
  const eventDays = model.sites.map(() => new Set<string>());
  for (const s of sites) {
    const cal = model.sites[s]!.calendar;
    for (let t = startStep; t < endStep; t++) eventDays[s]!.add(cal.dayKeys[cal.dayIndex[t]!]!);
  }
  const meters = programMeters(model, program, baseLedger, eventDays);
  const j0 = startStep / k;
  const j1 = endStep / k;
  const J = j1 - j0;
  const forecasts = sites.map((s) => siteBaseline(model, program, meters[s]!, s, event, j0, j1));
  const intervalStartMs = Array.from({ length: J }, (_, j) => stepStartMs(grid, (j0 + j) * k));
  const baselineSum = new Float64Array(J);
  forecasts.forEach((b) => b.kw.forEach((v, j) => (baselineSum[j]! += v)));
  const forecastTargetKW = fleetTarget(event, program, intervalStartMs, k * stepMs, baselineSum, program.commitmentKW);
  const sign = program.direction === 'reduce' ? 1 : -1;
  const len = endStep - startStep;
  const offsets = sites.map((s, si) => {
    const L = baseLedger.sites[s]!;
    return Float64Array.from({ length: len }, (_, q) => sign * (forecasts[si]!.kw[Math.floor(q / k)]! - L.gridImportKW[startStep + q]!));
  });
  const requiredKW = new Float64Array(len);
  for (let q = 0; q < len; q++) {
    let off = 0;
    for (const o of offsets) off += o[q]!;
    // as in the replay: no target, no response (a zero target is not a call to chase the baseline)
    const target = forecastTargetKW[Math.floor(q / k)]!;
    requiredKW[q] = target > 0 ? Math.max(0, program.deliveryAim * target - off) : 0;
  }
  const state = startResponse(model, base, baseLedger, [{ startStep, endStep, sites }]);
  const segs = eventSegments(state, startStep, endStep, program.direction, sites);
  const amounts = sites.map(() => new Float64Array(len));
  for (let q = 0; q < len; q++) {
    const per = bySite(meritOrder(segs[q]!.flat(), requiredKW[q]!));
    sites.forEach((s, si) => (amounts[si]![q] = per.get(s) ?? 0));
  }
  const shares: SiteShare[] = sites.map((s, si) => {
    const L = baseLedger.sites[s]!;
    const limitKW: number[] = [];
    const planned = new Float64Array(J);
    for (let j = 0; j < J; j++) {
      let lim = 0;
      let del = 0;
      for (let q = j * k; q < (j + 1) * k; q++) {
        lim += L.gridImportKW[startStep + q]! - sign * amounts[si]![q]!;
        del += offsets[si]![q]! + amounts[si]![q]!;
      }
      limitKW.push(lim / k);
      planned[j] = Math.max(0, del / k);
    }
    return { site: s, id: model.sites[s]!.id, amountKW: amounts[si]!, limitKW, plannedDeliveryKW: planned };
  });
  return { event, startStep, endStep, stepsPerInterval: k, intervalMinutes: k * grid.stepMinutes, intervalStartMs, forecastTargetKW, requiredKW, sites: shares, eventDays };
}
