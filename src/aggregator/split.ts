/**
 * The aggregator's split of a fleet event across its sites, as the offline replay makes it
 * (src/programs/replay.ts): each site's baseline forecast from its planned meter, the fleet
 * target per interval, what the base load already gives, and the rest filled by merit order
 * over every called site's flexibility segments at each step. The segments come from one shared
 * flexibility context, so each workload's QoS budget is drawn once across the fleet. Each site
 * then gets an import limit per interval (its planned import less its share), which is what goes
 * down to its VEN as an OpenADR IMPORT_CAPACITY_LIMIT event. A fleet DISPATCH_SETPOINT is split
 * the same way, and where the setpoint lies on the other side of the fleet's planned import (more
 * import asked of a peak-shaving program, less of a valley-filling one) the difference is filled
 * by merit order over the segments of that other direction; each site gets its planned import
 * less (or plus) its share as its own setpoint.
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

/** How a fleet event goes down to the sites. */
export type SplitKind = 'reduce' | 'setpoint' | 'export' | 'price' | 'simple';

/** One site's part of a fleet event. */
export interface SiteShare {
  site: number;
  id: string;
  /**
   * Change the site is asked for, per event step, kW (merit order): of import in the program's
   * direction ('reduce', 'setpoint'), of export ('export'); zero for a price event.
   */
  amountKW: Float64Array;
  /**
   * What the site's event says per measurement interval, kW: its import limit (planned import less
   * the share), its import setpoint ('setpoint'), its export limit ('export'); empty for a price
   * event, whose values go down as they came.
   */
  limitKW: number[];
  /** Planned delivery against the forecast baseline per interval, kW (the settlement's target shares). */
  plannedDeliveryKW: Float64Array;
}

/** A fleet event split across sites. */
export interface FleetSplit {
  kind: SplitKind;
  event: GridEvent;
  startStep: number;
  endStep: number;
  /** Steps per measurement interval. */
  stepsPerInterval: number;
  intervalMinutes: number;
  intervalStartMs: number[];
  /** Fleet target per interval from the forecast baselines, kW. */
  forecastTargetKW: Float64Array;
  /** Change the fleet must make against its plan per step, kW (of export for 'export'). */
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

/** Where and when an event acts: its steps, its measurement intervals, the sites it calls. */
export interface EventWindow {
  startStep: number;
  endStep: number;
  stepsPerInterval: number;
  intervalMinutes: number;
  intervalStartMs: number[];
  /** Sites called, as model indices. */
  sites: number[];
  /** Local event days per site (never baseline days). */
  eventDays: Array<Set<string>>;
}

/**
 * The window of `event` on the fleet's grid, checked against `program` (horizon, meter grid,
 * enrolled sites, and with `dispatchRules` its window, duration and notice, which bind the
 * program's calls for load change but not the prices or export limits it passes on).
 */
export function eventWindow(model: FleetModel, program: ResolvedProgram, event: GridEvent, dispatchRules = true): EventWindow {
  const grid = model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  const rules = dispatchRules ? program : { ...program, window: undefined, minDurationHours: 0, maxDurationHours: Number.POSITIVE_INFINITY, noticeHours: 0 };
  checkEvents([event], { grid, program: rules, siteIds: model.sites.map((s) => s.id), siteCapacityKW: model.sites.map(siteCapacityKW) });
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
  const J = (endStep - startStep) / k;
  const intervalStartMs = Array.from({ length: J }, (_, j) => stepStartMs(grid, startStep + j * k));
  return { startStep, endStep, stepsPerInterval: k, intervalMinutes: k * grid.stepMinutes, intervalStartMs, sites, eventDays };
}

/** Options of a split. */
export interface SplitOptions {
  /** The event's limitKW pieces are a fleet DISPATCH_SETPOINT: steps where it lies beyond the plan are filled the other way. */
  setpoint?: boolean;
}

/** Splits `event` across the program's (or the event's) sites from the fleet's plan and its ledger. */
export function splitFleetEvent(model: FleetModel, base: Dispatch, baseLedger: Ledger, program: ResolvedProgram, event: GridEvent, opts: SplitOptions = {}): FleetSplit {
  const w = eventWindow(model, program, event);
  if (event.targets.length === 0 && program.commitmentKW === undefined) {
    throw new InputError('EVENT_INVALID', `event "${event.id}" has no target and program "${program.id}" no commitment; give the event a target`, { path: event.path });
  }
  const { startStep, endStep, stepsPerInterval: k, sites, eventDays, intervalStartMs } = w;
  const stepMs = model.grid.stepMinutes * 60_000;
  const meters = programMeters(model, program, baseLedger, eventDays);
  const j0 = startStep / k;
  const j1 = endStep / k;
  const J = j1 - j0;
  const forecasts = sites.map((s) => siteBaseline(model, program, meters[s]!, s, event, j0, j1));
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
  // a setpoint beyond the plan the other way (more import asked of a peak-shaving program, less
  // of a valley-filling one): no change in the program's direction there, the difference is
  // filled by the other direction's merit order below
  const otherKW = new Float64Array(len);
  if (opts.setpoint) {
    for (let q = 0; q < len; q++) {
      const ms = stepStartMs(model.grid, startStep + q);
      const piece = event.targets.find((p) => p.kind === 'limitKW' && p.startMs <= ms && ms < p.endMs);
      if (!piece) continue;
      let plannedKW = 0;
      for (const s of sites) plannedKW += baseLedger.sites[s]!.gridImportKW[startStep + q]!;
      otherKW[q] = Math.max(0, -sign * (plannedKW - piece.value));
      if (otherKW[q]! > 1e-9) requiredKW[q] = 0;
    }
  }
  const state = startResponse(model, base, baseLedger, [{ startStep, endStep, sites }]);
  const segs = eventSegments(state, startStep, endStep, program.direction, sites);
  const amounts = sites.map(() => new Float64Array(len));
  for (let q = 0; q < len; q++) {
    const per = bySite(meritOrder(segs[q]!.flat(), requiredKW[q]!));
    sites.forEach((s, si) => (amounts[si]![q] = per.get(s) ?? 0));
  }
  const other = sites.map(() => new Float64Array(len));
  if (otherKW.some((v) => v > 1e-9)) {
    const otherSegs = eventSegments(state, startStep, endStep, program.direction === 'reduce' ? 'increase' : 'reduce', sites);
    for (let q = 0; q < len; q++) {
      if (!(otherKW[q]! > 1e-9)) continue;
      const per = bySite(meritOrder(otherSegs[q]!.flat(), otherKW[q]!));
      sites.forEach((s, si) => (other[si]![q] = per.get(s) ?? 0));
    }
  }
  const shares: SiteShare[] = sites.map((s, si) => {
    const L = baseLedger.sites[s]!;
    const limitKW: number[] = [];
    const planned = new Float64Array(J);
    for (let j = 0; j < J; j++) {
      let lim = 0;
      let del = 0;
      for (let q = j * k; q < (j + 1) * k; q++) {
        lim += L.gridImportKW[startStep + q]! - sign * (amounts[si]![q]! - other[si]![q]!);
        del += offsets[si]![q]! + amounts[si]![q]! - other[si]![q]!;
      }
      limitKW.push(lim / k);
      planned[j] = Math.max(0, del / k);
    }
    return { site: s, id: model.sites[s]!.id, amountKW: amounts[si]!, limitKW, plannedDeliveryKW: planned };
  });
  return { kind: opts.setpoint ? 'setpoint' : 'reduce', event, startStep, endStep, stepsPerInterval: k, intervalMinutes: w.intervalMinutes, intervalStartMs, forecastTargetKW, requiredKW, sites: shares, eventDays };
}
