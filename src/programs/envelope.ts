/**
 * The flexibility envelope: for each site and hour, the largest reduction (and increase) of
 * grid import the site can hold for 1, 2, 3, 4 … hours without breaking inference SLOs or job
 * QoS floors, and what holding it costs in lost (or deferred) work and energy. The fleet
 * envelope, the sum over sites, is what the aggregator can promise.
 *
 * A reduction held for d hours is the smallest, over the d hours, of what the levers give at
 * each step, with storage energy and each job's work budget spread over the d hours; so a
 * longer hold never allows more than a shorter one, and no reduction exceeds the site's import.
 */
import { meritOrder } from './aggregator.ts';
import { siteSegments, totalKW, type FlexContext, type Segment } from './levers.ts';
import type { Direction } from './types.ts';

/** One site, hour and duration. */
export interface EnvelopeCell {
  /** Largest change held over the whole duration, kW (0 when the window leaves the horizon). */
  kw: number;
  /** Work lost for good while holding it, full-speed GPU-hours. */
  lostGpuHours: number;
  /** Work deferred (made up later), GPU-hours. */
  deferredGpuHours: number;
  /** Value of the lost and deferred work (lost-work cost; deferral at a fraction), currency. */
  workCost: number;
  /** Energy shifted at the meter over the event, kWh. */
  energyKWh: number;
  /** Energy bill change during the event at the import price (negative = saved), currency. */
  energyCost: number;
  /** False when the window runs past the horizon. */
  feasible: boolean;
}

/** One hour of the envelope: a cell per duration. */
export interface EnvelopeHour {
  step: number;
  startMs: number;
  reduce: EnvelopeCell[];
  increase: EnvelopeCell[];
}

/** A site's envelope. */
export interface SiteEnvelope {
  site: number;
  id: string;
  hours: EnvelopeHour[];
}

/** Envelope of every site and the fleet sum. */
export interface Envelope {
  durations: number[];
  sites: SiteEnvelope[];
  fleet: EnvelopeHour[];
}

const EMPTY: EnvelopeCell = { kw: 0, lostGpuHours: 0, deferredGpuHours: 0, workCost: 0, energyKWh: 0, energyCost: 0, feasible: false };

/** The cell of one site, start step and duration. */
export function envelopeCell(ctx: FlexContext, s: number, start: number, hours: number, direction: Direction): EnvelopeCell {
  const steps = Math.round(hours / ctx.h);
  const end = start + steps;
  if (end > ctx.model.grid.steps || steps < 1) return EMPTY;
  const budgets = new Map<number, number>();
  const L = ctx.ledger.sites[s]!;
  const soc = start > 0 ? L.socKWh[start - 1]! : (ctx.model.sites[s]!.storage?.socInitialKWh ?? 0);
  const perStep: Segment[][] = [];
  let kw = Infinity;
  for (let t = start; t < end; t++) {
    const segs = siteSegments(ctx, s, t, { direction, hours, end, socAtStart: soc }, budgets);
    perStep.push(segs);
    kw = Math.min(kw, totalKW(segs));
  }
  if (!Number.isFinite(kw) || kw < 1e-9) return { ...EMPTY, feasible: true };
  let lost = 0;
  let deferred = 0;
  let cost = 0;
  let energyCost = 0;
  for (let k = 0; k < perStep.length; k++) {
    const fill = meritOrder(perStep[k]!, kw);
    lost += fill.lostRate * ctx.h;
    deferred += fill.deferredRate * ctx.h;
    cost += fill.costPerHour * ctx.h;
    energyCost += ((direction === 'reduce' ? -1 : 1) * kw * ctx.h * L.importPrice[start + k]!) / 1000;
  }
  return { kw, lostGpuHours: lost, deferredGpuHours: deferred, workCost: cost, energyKWh: kw * hours, energyCost, feasible: true };
}

/** Options of an envelope computation. */
export interface EnvelopeOptions {
  /** First and last (exclusive) step of the hours to evaluate. */
  fromStep: number;
  toStep: number;
  /** Hold durations, hours. */
  durations: number[];
  /** Sites (default all). */
  sites?: number[];
  /** Skip the increase side (valley filling). */
  reduceOnly?: boolean;
}

function add(a: EnvelopeCell, b: EnvelopeCell): EnvelopeCell {
  return {
    kw: a.kw + b.kw,
    lostGpuHours: a.lostGpuHours + b.lostGpuHours,
    deferredGpuHours: a.deferredGpuHours + b.deferredGpuHours,
    workCost: a.workCost + b.workCost,
    energyKWh: a.energyKWh + b.energyKWh,
    energyCost: a.energyCost + b.energyCost,
    feasible: a.feasible || b.feasible,
  };
}

/** Computes the envelope for every whole hour in [fromStep, toStep). */
export function flexibilityEnvelope(ctx: FlexContext, opt: EnvelopeOptions): Envelope {
  const perHour = Math.max(1, Math.round(1 / ctx.h));
  const siteIdx = opt.sites ?? ctx.model.sites.map((s) => s.index);
  const starts: number[] = [];
  for (let t = opt.fromStep; t < opt.toStep; t += perHour) starts.push(t);
  const startMs = (t: number) => ctx.model.grid.startMs + t * ctx.model.grid.stepMinutes * 60_000;
  const sites: SiteEnvelope[] = siteIdx.map((s) => ({
    site: s,
    id: ctx.model.sites[s]!.id,
    hours: starts.map((t) => ({
      step: t,
      startMs: startMs(t),
      reduce: opt.durations.map((d) => envelopeCell(ctx, s, t, d, 'reduce')),
      increase: opt.reduceOnly ? [] : opt.durations.map((d) => envelopeCell(ctx, s, t, d, 'increase')),
    })),
  }));
  const fleet: EnvelopeHour[] = starts.map((t, i) => ({
    step: t,
    startMs: startMs(t),
    reduce: opt.durations.map((_, k) => sites.reduce((acc, s) => add(acc, s.hours[i]!.reduce[k]!), { ...EMPTY })),
    increase: opt.reduceOnly ? [] : opt.durations.map((_, k) => sites.reduce((acc, s) => add(acc, s.hours[i]!.increase[k]!), { ...EMPTY })),
  }));
  return { durations: opt.durations, sites, fleet };
}
