/**
 * One day's bid: price scenarios from history, the stochastic programme over them, and the
 * resulting day-ahead curves (in the market's format) and reserve offers. Solving is the
 * caller's solver; nothing here reads files or prints.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { solveOutcomeError, type Solver } from '../optimize/index.ts';
import { actualSignals } from '../plan/signals.ts';
import { effectiveDeadline, emptyWindowState, type FleetLpOptions, type WindowSignals, type WindowState } from '../plan/fleet-lp.ts';
import { terminalValues } from '../plan/terminal-values.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { floorTo, marketPoints, roundQuantities, segmentPrices, type CurvePoint, type ProductBid, type Segmentation } from './bid-curve.ts';
import { buildMarketLp, solveMarketLp, type Product, type WindowScenario } from './market-lp.ts';
import type { MarketData, MarketDay } from './market-data.ts';
import { priceScenarios, type PriceScenarios } from './price-scenarios.ts';

/** Options of a bid. */
export interface BidOptions {
  /** Sites bidding together (default: the market's portfolio). */
  sites?: number[];
  /** Sell reserves too (default: when the market lists products). */
  reserves?: boolean;
  maxPoints?: number;
  timeLimitSeconds?: number;
  /** Aborting it cancels the solve. */
  signal?: AbortSignal;
}

/** A product's curve, in the programme's segments and in the market's format. */
export interface ProductCurve extends ProductBid {
  points: CurvePoint[];
}

/** Size and time of the programme. */
export interface BidModelStats {
  columns: number;
  rows: number;
  nonzeros: number;
  /** LP solves (two when an offer had to be closed for being below a product's minimum). */
  solves: number;
  scenarios: number;
  buildSeconds: number;
  solveSeconds: number;
  status: string;
}

/** The bid for one market day. */
export interface DayBid {
  day: MarketDay;
  sites: number[];
  scenarios: PriceScenarios;
  curves: ProductCurve[];
  /** Reserve offer per product id, MW per product hour. */
  reserveOffersMW: Record<string, number[]>;
  /** Expected cost of the day under the scenarios (energy net of reserve revenue and penalties, less the value of work), currency. */
  expectedObjective: number;
  stats: BidModelStats;
  notes: string[];
}

/** The day-ahead products of a market day: whole product lengths from local midnight. */
export function dayProducts(md: MarketData, day: MarketDay): Product[] {
  const per = Math.max(1, Math.round(md.rules.productMinutes / md.grid.stepMinutes));
  const out: Product[] = [];
  for (let t = day.from; t < day.to; t += per) out.push({ from: t, to: Math.min(day.to, t + per) });
  return out;
}

/** The state at the start of step t when nothing else is known: storage at its initial charge, jobs on a straight pace to their effective deadline. */
export function pacedState(model: FleetModel, t: number): WindowState {
  const h = stepHours(model.grid);
  return {
    ...emptyWindowState(model),
    doneGpuHours: model.workloads.map((w) => {
      if (w.type === 'inference' || w.continuous) return 0;
      const end = effectiveDeadline(w, h, model.grid.steps);
      return end > w.releaseStep ? w.workGpuHours * Math.max(0, Math.min(1, (t - w.releaseStep) / (end - w.releaseStep))) : 0;
    }),
  };
}

/** The scenario's prices on the window's steps, as the programme wants them. */
export function windowScenarios(sc: PriceScenarios, from: number, to: number): WindowScenario[] {
  const off = from - sc.day.from;
  return sc.probability.map((p, s) => ({
    probability: p,
    dayAhead: sc.dayAhead[s]!.subarray(off, off + to - from),
    realTime: sc.realTime[s]!.subarray(off, off + to - from),
    reservePrice: sc.reservePrice.map((r) => r[s]!.subarray(off, off + to - from)),
  }));
}

/** Signals whose import price is a given forecast (for the pacing values of jobs), other series actual. */
export function forecastSignals(model: FleetModel, md: MarketData, from: number, to: number, price: ArrayLike<number>): WindowSignals {
  const base = actualSignals(model);
  const importPrice = model.sites.map((s) => s.importPrice);
  for (const s of md.siteIndices) {
    const site = model.sites[s]!;
    const ip = Float64Array.from(site.importPrice);
    const adder = site.tariff.energy.type === 'spot' ? site.tariff.energy.adderPerMWh : 0;
    for (let t = from; t < to; t++) ip[t] = price[t - from]! + adder;
    importPrice[s] = ip;
  }
  return { ...base, importPrice };
}

/** Planning options every market window shares: least cost, daily rolling windows paced by terminal values. */
export function marketLpOptions(model: FleetModel, from: number, to: number, signals: WindowSignals, state: WindowState, maxPoints = 4): FleetLpOptions {
  return {
    objective: 'cost',
    caps: [],
    rolling: true,
    terminalValuePerGpuHour: terminalValues(model, from, to, signals, state),
    maxPoints,
    holdStorageEnd: true,
  };
}

/** Builds and solves the bid for `day` from `state`. */
export async function bidDay(model: FleetModel, md: MarketData, day: MarketDay, state: WindowState, solver: Solver, opts: BidOptions = {}): Promise<DayBid> {
  const sites = opts.sites ?? md.siteIndices;
  const scen = priceScenarios(md, day, md.spec.bidding.scenarios, md.spec.bidding.historyDays);
  const products = dayProducts(md, day);
  const { priceTick, maxSegments, curveStyle } = md.rules;
  const segments: Segmentation[] = products.map((p) => {
    const prices = scen.dayAhead.map((da) => da[p.from - day.from]!);
    // a 'linear' curve spends two points per step, within the market's point limit
    return segmentPrices(prices, curveStyle === 'linear' ? Math.max(1, maxSegments - 1) : maxSegments, priceTick);
  });
  const t0 = performance.now();
  const signals = forecastSignals(model, md, day.from, day.to, scen.forecast);
  const reserves = (opts.reserves ?? true) && md.reserves.length > 0;
  const built = buildMarketLp({
    model, md: sites === md.siteIndices ? md : { ...md, siteIndices: sites }, from: day.from, to: day.to, products, state, signals,
    scenarios: windowScenarios(scen, day.from, day.to),
    energy: { kind: 'curve', segments },
    reserves: reserves ? { kind: 'free' } : { kind: 'none' },
    lp: marketLpOptions(model, day.from, day.to, signals, state, opts.maxPoints),
  });
  const compiled = built.lp.compile();
  const buildSeconds = (performance.now() - t0) / 1000;
  const result = await solveMarketLp(built, md, solver, opts.timeLimitSeconds ?? 300, opts.signal);
  if (result.status !== 'optimal' && !(result.status === 'time-limit' && result.columnValues.length)) {
    throw solveOutcomeError(result, { what: `the bid for ${day.key}`, signal: opts.signal, sizeOption: '--day' });
  }
  const x = result.columnValues;
  const curves: ProductCurve[] = products.map((p, i) => {
    const q = roundQuantities(built.curve[i]!.map((c) => x[c]! / 1000), md.rules.quantityStepMW);
    const bid = { from: p.from, steps: p.to - p.from, startMs: stepStartMs(model.grid, p.from), breaks: segments[i]!.breaks, quantitiesMW: q };
    return { ...bid, points: marketPoints(bid, md.rules) };
  });
  const reserveOffersMW: Record<string, number[]> = {};
  md.reserves.forEach((r, k) => {
    // offers are rounded down to the market's resolution: never more than the plan can hold
    reserveOffersMW[r.spec.id] = products.map((_, i) => (built.offers[k]![i]! >= 0 ? floorTo(x[built.offers[k]![i]!]! / 1000, md.rules.quantityStepMW) : 0));
  });
  return {
    day, sites, scenarios: scen, curves, reserveOffersMW,
    expectedObjective: result.objective,
    stats: {
      columns: compiled.numColumns, rows: compiled.numRows, nonzeros: compiled.numNonzeros,
      solves: result.solves,
      scenarios: scen.probability.length, buildSeconds, solveSeconds: result.solveSeconds, status: result.status,
    },
    notes: [...scen.notes],
  };
}
