/**
 * Replays grid events on a fleet, the way an aggregator runs them: forecast each site's
 * baseline from the meter, turn the event into a fleet target, split what the fleet must
 * change across sites by merit order over their flexibility, re-plan the called sites (the
 * event response), simulate the response dispatch, and settle delivery against each site's
 * baseline measured on the simulated meter. Pure over its inputs; no files are touched.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { simulate, type Progress } from '../simulate/engine.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { measuredPowerKW, type PowerMeasure } from '../simulate/measure.ts';
import { stepStartMs } from '../time/grid.ts';
import { bidFromEnvelope, bySite, meritOrder, type Bid } from './aggregator.ts';
import { BASELINES } from './baselines/index.ts';
import { checkEvents } from './events.ts';
import { totalKW } from './levers.ts';
import { meterSeries, stepsPerInterval } from './meter.ts';
import { siteDispatchEvent, type SiteDispatchPlan } from './openadr/event.ts';
import { horizonMonths, siteCapacityKW } from './program.ts';
import { eventSegments, finishResponse, realiseEvent, startResponse, type EventResponse } from './response.ts';
import { settleCapacity, settleEvent, settlementTotals, type CapacitySettlement, type EventSettlement, type SettlementTotals } from './settlement.ts';
import type { BaselineResult, GridEvent, MeterSeries, ResolvedProgram } from './types.ts';

/** Options of a replay. */
export interface ReplayOptions {
  /** Settle the program's capacity pay over the horizon (annual runs). */
  capacity?: boolean;
  /**
   * The power a percentage target is a share of (its baseline, by the program's baseline method):
   * `grid`, the meter (default), or `gpu`, `it`, `facility`. Delivery is always settled on the meter.
   */
  measure?: PowerMeasure;
  progress?: Progress;
}

/** How the replay turned one event into site dispatch. */
export interface EventPlan {
  event: GridEvent;
  startStep: number;
  endStep: number;
  sites: number[];
  /** Fleet target per interval from the forecast baselines, kW. */
  forecastTargetKW: Float64Array;
  /** Change the fleet had to make against the base dispatch, per step, kW. */
  requiredKW: Float64Array;
  /** Change the levers could plan, per step, kW. */
  plannedKW: Float64Array;
  response: EventResponse;
  /** Per-site dispatch, for OpenADR. */
  siteDispatch: SiteDispatchPlan[];
  /** OpenADR 3.1 event objects, one per site. */
  openadr: Array<Record<string, unknown>>;
}

/** Whether the response kept SLOs and QoS floors. */
export interface ResponseChecks {
  sloKept: boolean;
  qosKept: boolean;
  violations: string[];
  /** Weighted QoS of jobs with a floor, before and after. */
  qosBefore: number | null;
  qosAfter: number | null;
}

/** Work the events cost. */
export interface WorkImpact {
  lostGpuHours: number;
  deferredGpuHours: number;
  notMadeUpGpuHours: number;
  /** Value of the lost work at each job's lost-work cost, currency. */
  lostWorkValue: number;
  byWorkload: Array<{ id: string; lostGpuHours: number; deferredGpuHours: number; performanceBefore: number; performanceAfter: number; qosFloor: number | null }>;
}

/** Everything a replay produced. */
export interface ReplayResult {
  program: ResolvedProgram;
  events: GridEvent[];
  plans: EventPlan[];
  dispatch: Dispatch;
  ledger: Ledger;
  settlements: EventSettlement[];
  capacity?: CapacitySettlement;
  totals: SettlementTotals;
  /** Commitment used for events without their own target, kW. */
  commitmentKW?: number;
  bid?: Bid;
  checks: ResponseChecks;
  work: WorkImpact;
  notes: string[];
  /** The power percentage targets were shares of (`grid`: the meter). */
  measure: PowerMeasure;
}

const H = 3_600_000;

/** What the program meters at a site: grid import, plus the output of generators it does not allow (their output is no reduction). */
export function meteredKW(site: FleetModel['sites'][number], L: Ledger['sites'][number]): Float64Array {
  const barred = site.generators.flatMap((g, k) => (g.drAllowed ? [] : [L.generators[k]!.kW]));
  if (barred.length === 0) return L.gridImportKW;
  return Float64Array.from(L.gridImportKW, (x, t) => barred.reduce((a, kW) => a + kW[t]!, x));
}

/** Per-site meter series of the grid import (the settlement meter), or of another measure's power. */
export function programMeters(model: FleetModel, program: ResolvedProgram, ledger: Ledger, eventDays: Array<Set<string>>, measure: PowerMeasure = 'grid'): MeterSeries[] {
  return model.sites.map((site, s) =>
    meterSeries(measure === 'grid' ? meteredKW(site, ledger.sites[s]!) : measuredPowerKW(model, ledger, measure, [s]), model.grid, site.calendar, program.measurementIntervalMinutes, {
      holidays: program.holidays, extraWorkdays: program.extraWorkdays, eventDays: eventDays[s]!,
    }));
}

/**
 * Fleet target per interval (kW) from the event's pieces and the sites' baselines: a percentage
 * target is a share of `fractionBase` (the baseline of the chosen measure), an import limit is
 * read against the meter's `baselineSum`.
 */
export function fleetTarget(event: GridEvent, program: ResolvedProgram, intervalStartMs: number[], intervalMs: number, baselineSum: Float64Array, commitmentKW: number | undefined, fractionBase: Float64Array = baselineSum): Float64Array {
  const out = new Float64Array(intervalStartMs.length);
  intervalStartMs.forEach((ms, j) => {
    if (event.targets.length === 0) {
      out[j] = commitmentKW ?? 0;
      return;
    }
    const p = event.targets.find((x) => x.startMs <= ms && ms + intervalMs <= x.endMs);
    if (!p) return;
    if (p.kind === 'kw') out[j] = p.value;
    else if (p.kind === 'fraction') out[j] = p.value * fractionBase[j]!;
    else out[j] = program.direction === 'reduce' ? Math.max(0, baselineSum[j]! - p.value) : Math.max(0, p.value - baselineSum[j]!);
  });
  return out;
}

/** Replays `events` of `program` on the fleet, from a base dispatch and its simulated ledger. */
export function replayEvents(model: FleetModel, base: Dispatch, baseLedger: Ledger, program: ResolvedProgram, events: GridEvent[], opts: ReplayOptions = {}): ReplayResult {
  const notes: string[] = [];
  const grid = model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  const k = stepsPerInterval(grid, program.measurementIntervalMinutes);
  const intervalMs = k * stepMs;
  // ids name output files and statement rows, so they must be unique
  const seen = new Map<string, number>();
  const sorted = [...events].sort((a, b) => a.startMs - b.startMs).map((e) => {
    const k = (seen.get(e.id) ?? 0) + 1;
    seen.set(e.id, k);
    return k > 1 ? { ...e, id: `${e.id}-${k}` } : e;
  });
  if (sorted.length === 0) throw new InputError('EVENT_INVALID', `no events to replay for program "${program.id}"; give --event, or events in the program`, { path: `${program.path}.events` });
  checkEvents(sorted, { grid, program, siteIds: model.sites.map((s) => s.id), siteCapacityKW: model.sites.map(siteCapacityKW) });
  const siteIndex = new Map(model.sites.map((s) => [s.id, s.index]));
  const calledOf = (e: GridEvent) => (e.sites ? e.sites.map((id) => siteIndex.get(id)!) : program.siteIndices);
  const windows = sorted.map((e) => ({ startStep: (e.startMs - grid.startMs) / stepMs, endStep: (e.endMs - grid.startMs) / stepMs, sites: calledOf(e) }));

  // event days per site, in each site's local calendar: never baseline days
  const eventDays = model.sites.map(() => new Set<string>());
  windows.forEach((w) => {
    for (const s of w.sites) {
      const cal = model.sites[s]!.calendar;
      for (let t = w.startStep; t < w.endStep; t++) eventDays[s]!.add(cal.dayKeys[cal.dayIndex[t]!]!);
    }
  });
  const measure = opts.measure ?? 'grid';
  const forecastMeters = programMeters(model, program, baseLedger, eventDays);
  const baselineOf = (m: MeterSeries, s: number, e: GridEvent, j0: number, j1: number): BaselineResult =>
    BASELINES[program.baselines.get(s)!.method](m, { start: j0, end: j1 }, program.baselines.get(s)!, { path: e.path, file: e.file, site: model.sites[s]!.id });
  // percentage targets are shares of the chosen measure's baseline (the meter's, by default)
  const fractionBases = (ledger: Ledger, meterBaselines: BaselineResult[][]): Float64Array[] => {
    const measured = measure === 'grid' ? undefined : programMeters(model, program, ledger, eventDays, measure);
    return sorted.map((e, i) => {
      const w = windows[i]!;
      const j0 = w.startStep / k;
      const j1 = w.endStep / k;
      const out = new Float64Array(j1 - j0);
      w.sites.forEach((s, si) => {
        const b = measured ? baselineOf(measured[s]!, s, e, j0, j1) : meterBaselines[i]![si]!;
        b.kw.forEach((v, j) => (out[j]! += v));
      });
      return out;
    });
  };

  // forecast baselines first: a missing history fails before any work is done
  const forecasts = sorted.map((e, i) => {
    const w = windows[i]!;
    const j0 = w.startStep / k;
    const j1 = w.endStep / k;
    return { j0, j1, bySite: w.sites.map((s) => baselineOf(forecastMeters[s]!, s, e, j0, j1)) };
  });
  const forecastFractionBases = fractionBases(baseLedger, forecasts.map((f) => f.bySite));

  const state = startResponse(model, base, baseLedger, windows);
  // a commitment from the envelope when an event has no target and the program none
  let commitmentKW = program.commitmentKW;
  let bid: Bid | undefined;
  if (commitmentKW === undefined && sorted.some((e) => e.targets.length === 0)) {
    const env = windows.map((w) => {
      const segs = eventSegments(state, w.startStep, w.endStep, program.direction, w.sites);
      let fleetKW = Infinity;
      const per = new Map<number, number>();
      for (const step of segs) {
        let sumKW = 0;
        step.forEach((list, si) => {
          const kw = totalKW(list);
          sumKW += kw;
          const s = w.sites[si]!;
          per.set(s, Math.min(per.get(s) ?? Infinity, kw));
        });
        fleetKW = Math.min(fleetKW, sumKW);
      }
      return { fleetKW: Number.isFinite(fleetKW) ? fleetKW : 0, bySite: per };
    });
    bid = bidFromEnvelope(env, program.bidMargin);
    commitmentKW = Math.floor(bid.capacityKW);
    notes.push(`commitment built from the flexibility envelope: ${(commitmentKW / 1000).toFixed(3)} MW (the tightest of ${env.length} event window${env.length === 1 ? '' : 's'}, ${(bid.envelopeMinKW / 1000).toFixed(3)} MW, less a ${(program.bidMargin * 100).toFixed(0)} % margin)`);
  }
  const sign = program.direction === 'reduce' ? 1 : -1;

  const plans: EventPlan[] = [];
  sorted.forEach((e, i) => {
    const w = windows[i]!;
    const f = forecasts[i]!;
    const J = f.j1 - f.j0;
    const intervalStartMs = Array.from({ length: J }, (_, j) => stepStartMs(grid, (f.j0 + j) * k));
    const baselineSum = new Float64Array(J);
    f.bySite.forEach((b) => b.kw.forEach((v, j) => (baselineSum[j]! += v)));
    const forecastTargetKW = fleetTarget(e, program, intervalStartMs, intervalMs, baselineSum, commitmentKW, forecastFractionBases[i]);
    const len = w.endStep - w.startStep;
    const requiredKW = new Float64Array(len);
    // what the sites' base load already gives (baseline − base) counts towards the target
    const offsets = w.sites.map((s, si) => {
      const L = baseLedger.sites[s]!;
      const o = new Float64Array(len);
      for (let q = 0; q < len; q++) o[q] = sign * (f.bySite[si]!.kw[Math.floor(q / k)]! - L.gridImportKW[w.startStep + q]!);
      return o;
    });
    for (let q = 0; q < len; q++) {
      let off = 0;
      for (const o of offsets) off += o[q]!;
      // no target, no response: a zero target is not a call to chase the baseline
      const target = forecastTargetKW[Math.floor(q / k)]!;
      requiredKW[q] = target > 0 ? Math.max(0, program.deliveryAim * target - off) : 0;
    }
    if (forecastTargetKW.every((x) => !(x > 0))) {
      const used = w.sites.map((s, si) => `${model.sites[s]!.id}: ${f.bySite[si]!.method}, ${f.bySite[si]!.description}, ${(f.bySite[si]!.kw.reduce((a, x) => a + x, 0) / J / 1000).toFixed(3)} MW`).join('; ');
      const why = e.targets.some((x) => x.kind === 'fraction') ? `${(e.targets.find((x) => x.kind === 'fraction')!.value * 100).toFixed(1)} % of a baseline of ${(forecastFractionBases[i]!.reduce((a, x) => a + x, 0) / J / 1000).toFixed(3)} MW of ${measure} power` : 'a target of 0 MW';
      notes.push(`event "${e.id}": no target (${why}; baseline ${used}), so nothing was dispatched`);
    }
    const segs = eventSegments(state, w.startStep, w.endStep, program.direction, w.sites);
    const amounts: number[][] = [];
    for (let q = 0; q < len; q++) {
      const fill = meritOrder(segs[q]!.flat(), requiredKW[q]!);
      const per = bySite(fill);
      amounts.push(w.sites.map((s) => per.get(s) ?? 0));
    }
    const response = realiseEvent(state, { id: e.id, direction: program.direction, startStep: w.startStep, endStep: w.endStep, sites: w.sites }, segs, amounts);
    const plannedKW = new Float64Array(len);
    response.sites.forEach((r) => r.plannedKW.forEach((v, q) => (plannedKW[q]! += v)));
    const short = requiredKW.reduce((a, r, q) => Math.max(a, r - plannedKW[q]!), 0);
    if (short > 1e-3) notes.push(`event "${e.id}": the fleet could plan ${(Math.min(...plannedKW) / 1000).toFixed(3)} MW of the ${(Math.max(...requiredKW) / 1000).toFixed(3)} MW needed at some step (SLOs and QoS floors limit the rest)`);
    // per-site dispatch: the import each site should stay within (reduce) or reach (increase)
    const siteDispatch: SiteDispatchPlan[] = w.sites.map((s, si) => {
      const L = baseLedger.sites[s]!;
      const limitKW: number[] = [];
      for (let j = 0; j < J; j++) {
        let acc = 0;
        for (let q = j * k; q < (j + 1) * k; q++) acc += L.gridImportKW[w.startStep + q]! - sign * response.sites[si]!.plannedKW[q]!;
        limitKW.push(acc / k);
      }
      return { site: model.sites[s]!.id, timeZone: model.sites[s]!.timeZone, startMs: intervalStartMs, intervalMinutes: k * grid.stepMinutes, limitKW };
    });
    const issued = e.issuedMs ?? e.startMs - program.noticeHours * H;
    const openadr = siteDispatch.map((p) => siteDispatchEvent(p, e.id, program.id, issued, program.direction === 'reduce' ? 'IMPORT_CAPACITY_LIMIT' : 'DISPATCH_SETPOINT'));
    plans.push({ event: e, startStep: w.startStep, endStep: w.endStep, sites: w.sites, forecastTargetKW, requiredKW, plannedKW, response, siteDispatch, openadr });
    opts.progress?.((0.6 * (i + 1)) / sorted.length);
  });
  const dispatch = finishResponse(state);
  notes.push(...state.notes);
  const ledger = simulate(model, dispatch, opts.progress ? (x) => opts.progress!(0.6 + 0.35 * x) : undefined);

  // settle on the simulated meter, with baselines as the utility computes them
  const actualMeters = programMeters(model, program, ledger, eventDays);
  const actualBaselines = plans.map((p, i) => p.sites.map((s) => baselineOf(actualMeters[s]!, s, p.event, forecasts[i]!.j0, forecasts[i]!.j1)));
  const actualFractionBases = fractionBases(ledger, actualBaselines);
  const settlements: EventSettlement[] = plans.map((p, i) => {
    const f = forecasts[i]!;
    const J = f.j1 - f.j0;
    const intervalStartMs = Array.from({ length: J }, (_, j) => stepStartMs(grid, (f.j0 + j) * k));
    const baselines = actualBaselines[i]!;
    const baselineSum = new Float64Array(J);
    baselines.forEach((b) => b.kw.forEach((v, j) => (baselineSum[j]! += v)));
    const targetKW = fleetTarget(p.event, program, intervalStartMs, intervalMs, baselineSum, commitmentKW, actualFractionBases[i]);
    // each site's share of the target is its planned delivery (forecast offset + planned change)
    const planned = p.sites.map((s, si) => {
      const out = new Float64Array(J);
      const L = baseLedger.sites[s]!;
      for (let j = 0; j < J; j++) {
        let acc = 0;
        for (let q = j * k; q < (j + 1) * k; q++) acc += sign * (f.bySite[si]!.kw[j]! - L.gridImportKW[p.startStep + q]!) + p.response.sites[si]!.plannedKW[q]!;
        out[j] = Math.max(0, acc / k);
      }
      return out;
    });
    const shares = p.sites.map((_, si) => {
      const out = new Float64Array(J);
      for (let j = 0; j < J; j++) {
        let tot = 0;
        for (const pl of planned) tot += pl[j]!;
        out[j] = tot > 0 ? planned[si]![j]! / tot : baselineSum[j]! > 0 ? baselines[si]!.kw[j]! / baselineSum[j]! : 1 / p.sites.length;
      }
      return out;
    });
    return settleEvent({
      event: p.event,
      program,
      intervalStartMs,
      intervalMinutes: k * grid.stepMinutes,
      targetKW,
      sites: p.sites.map((s, si) => ({ index: s, id: model.sites[s]!.id, baseline: baselines[si]!, actualKW: actualMeters[s]!.kw.slice(f.j0, f.j1), targetShare: shares[si]! })),
    });
  });

  let capacity: CapacitySettlement | undefined;
  if (opts.capacity && program.capacityPayPerKWMonth > 0 && commitmentKW !== undefined) {
    const shares = program.siteIndices.map((s) => ({ id: model.sites[s]!.id, commitmentKW: program.siteCommitmentsKW.get(s) ?? bid?.bySite.get(s) ?? commitmentKW! / program.siteIndices.length }));
    capacity = settleCapacity(program, commitmentKW, horizonMonths(model), shares);
  }
  const totals = settlementTotals(settlements, capacity);
  const checks = responseChecks(model, baseLedger, ledger);
  const work = workImpact(model, state.lostByWorkload, state.deferredByWorkload, plans, baseLedger, ledger);
  opts.progress?.(1);
  return { program, events: sorted, plans, dispatch, ledger, settlements, capacity, totals, commitmentKW, bid, checks, work, notes, measure };
}

/** Inference served as before, and every job at or above its QoS floor where it was before. */
export function responseChecks(model: FleetModel, before: Ledger, after: Ledger): ResponseChecks {
  const violations: string[] = [];
  let sloKept = true;
  let qosKept = true;
  for (const w of model.workloads) {
    const b = before.outcomes[w.index]!;
    const a = after.outcomes[w.index]!;
    if (w.type === 'inference') {
      if (a.tokens < b.tokens * (1 - 1e-6) - 1e-6) {
        sloKept = false;
        violations.push(`${w.id}: served ${a.tokens.toExponential(4)} tokens, ${b.tokens.toExponential(4)} before the events`);
      }
      continue;
    }
    const floor = w.qosFloor;
    if (floor !== undefined && b.performance >= floor - 1e-9 && a.performance < floor - 1e-6) {
      qosKept = false;
      violations.push(`${w.id}: performance ${a.performance.toFixed(4)} is below its QoS floor ${floor}`);
    }
    if (!b.late && a.late) {
      qosKept = false;
      violations.push(`${w.id}: finished late (or not at all) after the events`);
    }
  }
  const weighted = (L: Ledger): number | null => {
    let s = 0;
    let wsum = 0;
    for (const w of model.workloads) {
      if (w.type === 'inference' || w.qosFloor === undefined) continue;
      const o = L.outcomes[w.index]!;
      s += o.performance * o.qosWeight;
      wsum += o.qosWeight;
    }
    return wsum > 0 ? s / wsum : null;
  };
  return { sloKept, qosKept, violations, qosBefore: weighted(before), qosAfter: weighted(after) };
}

function workImpact(model: FleetModel, lost: Float64Array, deferred: Float64Array, plans: EventPlan[], before: Ledger, after: Ledger): WorkImpact {
  const byWorkload = model.workloads
    .filter((w) => w.type !== 'inference')
    .map((w) => ({
      id: w.id,
      lostGpuHours: lost[w.index]!,
      deferredGpuHours: deferred[w.index]!,
      performanceBefore: before.outcomes[w.index]!.performance,
      performanceAfter: after.outcomes[w.index]!.performance,
      qosFloor: w.qosFloor ?? null,
    }));
  let value = 0;
  for (const w of model.workloads) value += lost[w.index]! * (w.value > 0 ? w.value : w.unservedPenalty);
  return {
    lostGpuHours: lost.reduce((a, b) => a + b, 0),
    deferredGpuHours: deferred.reduce((a, b) => a + b, 0),
    notMadeUpGpuHours: plans.reduce((a, p) => a + p.response.notMadeUpGpuHours, 0),
    lostWorkValue: value,
    byWorkload,
  };
}
