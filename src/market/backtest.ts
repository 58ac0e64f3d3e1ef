/**
 * The back-test: every market day of a period, the bidding policy (stochastic curves, award at
 * the real day-ahead price, intraday re-optimisation, reserves) against three plans that take
 * prices as given: naive (run at once), the price-taker plan on the cleared day-ahead prices,
 * and the price-taker with perfect knowledge of real-time prices (and reserve prices), the
 * upper bound. A fourth, the price-taker plan on the same point forecast the bidder has, shows
 * what the curve adds over a deterministic bid. Every policy's dispatch goes through the
 * simulator; costs come from settling the simulated meter readings, never from LP objectives.
 */
import { throwIfCancelled } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Solver } from '../optimize/index.ts';
import { emptyDispatch } from '../plan/extract.ts';
import type { WindowState } from '../plan/fleet-lp.ts';
import { naiveDispatch } from '../plan/naive.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { simulate } from '../simulate/engine.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { awardFromPoints, floorTo } from './bid-curve.ts';
import { bidDay, dayProducts, forecastSignals, marketLpOptions, pacedState, type DayBid } from './day-bid.ts';
import { executeDay, type DayExecution, type DayPosition } from './execute.ts';
import { buildMarketLp, solveMarketLp } from './market-lp.ts';
import { knownShare, type MarketData, type MarketDay } from './market-data.ts';
import { priceScenarios } from './price-scenarios.ts';
import { settleDay, type DaySettlement } from './settlement.ts';
import { actualSignals } from '../plan/signals.ts';

/** The policies compared. */
export const POLICY_IDS = ['naive', 'priceTakerDayAhead', 'priceTakerForecast', 'bidding', 'perfectForesight'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

/** What the policies' names mean, for reports. */
export const POLICY_LABELS: Record<PolicyId, string> = {
  naive: 'naive (run at once, full power; buys its load day-ahead)',
  priceTakerDayAhead: 'price-taker plan on the cleared day-ahead prices, bought as a fixed bid',
  priceTakerForecast: 'price-taker plan on the bidder\'s point forecast, bought as a fixed bid',
  bidding: 'bidding: stochastic curves, award at the real price, intraday re-optimisation, reserves',
  perfectForesight: 'perfect knowledge of the day\'s real-time, day-ahead and reserve prices: plans on the cheaper market each hour and buys there (upper bound)',
};

/** QoS of a policy over the back-test days. */
export interface BacktestQos {
  /** Served share of inference demand. */
  inferenceServedShare: number;
  /** Per job: performance per day (mean, minimum, days below a continuous job's floor) and, for a job whose whole window lies in the period, whether it finished by its deadline. */
  jobs: Array<{ id: string; floor: number | null; meanPerformance: number; minDailyPerformance: number; daysBelowFloor: number; finishedInTime: boolean | null }>;
  /** QoS-weighted mean performance of the jobs. */
  weighted: number | null;
  /** Every continuous job's floor held on every day, every job in the period finished by its deadline, all inference served (to 0.1 %). */
  floorsMet: boolean;
}

/** One policy's result. */
export interface PolicyResult {
  /** Energy purchases net of reserve revenue, plus penalties, currency. */
  cost: number;
  dayAheadCost: number;
  realTimeCost: number;
  bandPenalty: number;
  reserveRevenue: number;
  reserveWithheld: number;
  meteredMWh: number;
  awardMWh: number;
  absDeviationMWh: number;
  calledMWh: number;
  undeliveredMWh: number;
  /** Value of the work done over the days at the scenario's values (per GPU-hour, per million tokens), currency. */
  valueOfWork: number;
  qos: BacktestQos;
  solves: number;
  solveSeconds: number;
  days: DaySettlement[];
}

/** The back-test's result. */
export interface BacktestResult {
  market: string;
  rules: string;
  currency: string;
  timeZone: string;
  from: string;
  to: string;
  days: number;
  /** Days without published day-ahead prices: no auction to replay, every policy settles them in real time. */
  daysWithoutDayAhead: string[];
  policies: Record<PolicyId, PolicyResult>;
  /** (naive − bidding) / (naive − perfectForesight), from settled simulated costs; null when the denominator is not positive. */
  capturedShare: number | null;
  /** The same share with each policy's cost net of the value of the work it did (policies that run more work are credited for it). */
  capturedShareNetOfWorkValue: number | null;
  /** The bids of every day (curves, offers, model sizes). */
  bids: DayBid[];
  bidStats: { medianColumns: number; medianSolveSeconds: number; maxSolveSeconds: number };
  ledgers: Record<PolicyId, Ledger>;
  notes: string[];
}

/** Back-test options. */
export interface BacktestOptions {
  /** Days to run (default: every complete market day of the horizon). */
  days?: MarketDay[];
  /** Solvers: the bidding chain runs on the first, the price-taker chains on the second (may be the same). */
  solvers: [Solver, Solver];
  progress?: (fraction: number, label: string) => void;
  /** Aborting it stops the run between days (and cancels a solve in progress). */
  signal?: AbortSignal;
  maxPoints?: number;
}

const SPREAD_DECAY_PER_HOUR = 0.7;

/** Runs the back-test. */
export async function runBacktest(model: FleetModel, md: MarketData, opts: BacktestOptions): Promise<BacktestResult> {
  const days = opts.days ?? md.days;
  const h = stepHours(model.grid);
  const notes: string[] = [];
  const daysWithoutDayAhead = days.filter((d) => knownShare(md, md.dayAheadKnown, d.from, d.to) < 1).map((d) => d.key);
  const da = (t: number) => md.dayAhead[t + md.offset]!;
  const rt = (t: number) => md.realTime[t + md.offset]!;
  const dispatches: Partial<Record<PolicyId, Dispatch>> = {};
  const positions: Record<PolicyId, Map<string, DayPosition>> = Object.fromEntries(POLICY_IDS.map((p) => [p, new Map()])) as never;
  const executions: Record<PolicyId, Map<string, DayExecution>> = Object.fromEntries(POLICY_IDS.map((p) => [p, new Map()])) as never;
  const bids: DayBid[] = [];
  const total = days.length * 4;
  let done = 0;
  const tick = (label: string) => opts.progress?.(++done / total, label);
  const start = days[0]!.from;
  const initial = (): WindowState => pacedState(model, start);

  const hasDayAhead = (d: MarketDay) => knownShare(md, md.dayAheadKnown, d.from, d.to) === 1;
  const hourlyMeanKW = (planned: Float64Array, d: MarketDay, products: ReturnType<typeof dayProducts>) =>
    products.map((p) => {
      let s = 0;
      for (let t = p.from; t < p.to; t++) s += planned[t - d.from]!;
      return Math.round(s / (p.to - p.from) / 100) / 10; // MW at 0.1 MW
    });

  // ---- price-taker chains (and the upper bound) on the second solver
  const priceTaker = async (id: 'priceTakerDayAhead' | 'priceTakerForecast' | 'perfectForesight') => {
    const dispatch = emptyDispatch(model, id);
    dispatches[id] = dispatch;
    const state = initial();
    for (const d of days) {
      throwIfCancelled(opts.signal, `before ${id} planned ${d.key}`);
      const products = dayProducts(md, d);
      const T = d.to - d.from;
      let view: Float64Array;
      // perfect foresight settles each hour in the cheaper market: day-ahead when its price is below
      // the hour's mean real-time price (and the day has an auction), real time otherwise
      const dayAheadCheaper = products.map((p) => {
        if (id !== 'perfectForesight' || !hasDayAhead(d)) return false;
        let mean = 0;
        for (let t = p.from; t < p.to; t++) mean += rt(t) / (p.to - p.from);
        return da(p.from) < mean;
      });
      if (id === 'perfectForesight') {
        view = Float64Array.from({ length: T }, (_, k) => {
          const i = products.findIndex((p) => d.from + k >= p.from && d.from + k < p.to);
          return dayAheadCheaper[i] ? da(d.from + k) : rt(d.from + k);
        });
      } else if (id === 'priceTakerDayAhead' && hasDayAhead(d)) view = Float64Array.from({ length: T }, (_, k) => da(d.from + k));
      else view = priceScenarios(md, d, md.spec.bidding.scenarios, md.spec.bidding.historyDays).forecast;
      let offersMW: number[][] = md.reserves.map(() => products.map(() => 0));
      if (id === 'perfectForesight' && md.reserves.length) {
        // reserves offered with the capacity prices known
        const signals = forecastSignals(model, md, d.from, d.to, view);
        const built = buildMarketLp({
          model, md, from: d.from, to: d.to, products, state, signals: actualSignals(model),
          scenarios: [{ probability: 1, realTime: view, reservePrice: md.reserves.map((r) => Float64Array.from({ length: T }, (_, k) => r.price[d.from + k + md.offset]!)) }],
          energy: { kind: 'none' }, reserves: { kind: 'free' },
          lp: marketLpOptions(model, d.from, d.to, signals, state, opts.maxPoints),
        });
        const res = await solveMarketLp(built, md, opts.solvers[1], 300, opts.signal);
        if (res.columnValues.length) offersMW = built.offers.map((row) => row.map((c) => (c >= 0 ? floorTo(res.columnValues[c]! / 1000, md.rules.quantityStepMW) : 0)));
      }
      const ex = await executeDay(model, md, d, products, { awardMW: null, offersMW }, state, dispatch, opts.solvers[1], {
        priceView: (t0) => view.subarray(t0 - d.from),
        reoptimiseEveryHours: 24,
        maxPoints: opts.maxPoints,
        signal: opts.signal,
      });
      executions[id].set(d.key, ex);
      let award = !hasDayAhead(d) ? null : hourlyMeanKW(ex.plannedNetKW, d, products);
      if (id === 'perfectForesight' && award) award = award.map((q, i) => (dayAheadCheaper[i] ? q : 0));
      positions[id].set(d.key, { awardMW: award, offersMW });
      tick(id);
    }
  };

  // ---- the bidding chain on the first solver
  const bidding = async () => {
    const dispatch = emptyDispatch(model, 'bidding');
    dispatches.bidding = dispatch;
    const state = initial();
    for (const d of days) {
      throwIfCancelled(opts.signal, `before bidding for ${d.key}`);
      const products = dayProducts(md, d);
      const bid = await bidDay(model, md, d, state, opts.solvers[0], { maxPoints: opts.maxPoints, signal: opts.signal });
      bids.push(bid);
      const award = hasDayAhead(d) ? bid.curves.map((c) => awardFromPoints(c.points, da(c.from), md.rules.curveStyle)) : null;
      const offersMW = md.reserves.map((r) => bid.reserveOffersMW[r.spec.id] ?? products.map(() => 0));
      const forecast = bid.scenarios.forecast;
      const ex = await executeDay(model, md, d, products, { awardMW: award, offersMW }, state, dispatch, opts.solvers[0], {
        priceView: (t0) => {
          // the day-ahead price (or its forecast) plus the latest real-time spread, fading
          const dayAheadAt = (t: number) => (hasDayAhead(d) ? da(t) : forecast[t - d.from]!);
          const last = t0 - 1;
          const spread = last >= 0 && md.realTimeKnown[last + md.offset] ? rt(last) - (md.dayAheadKnown[last + md.offset] ? da(last) : dayAheadAt(Math.max(d.from, last))) : 0;
          return Float64Array.from({ length: d.to - t0 }, (_, k) => dayAheadAt(t0 + k) + spread * SPREAD_DECAY_PER_HOUR ** ((k + 1) * h));
        },
        reoptimiseEveryHours: md.spec.bidding.reoptimiseEveryHours,
        maxPoints: opts.maxPoints,
        signal: opts.signal,
      });
      executions.bidding.set(d.key, ex);
      positions.bidding.set(d.key, { awardMW: award, offersMW });
      tick('bidding');
    }
  };

  await Promise.all([
    bidding(),
    (async () => {
      await priceTaker('priceTakerDayAhead');
      await priceTaker('priceTakerForecast');
      await priceTaker('perfectForesight');
    })(),
  ]);
  dispatches.naive = naiveDispatch(model);

  // ---- simulate and settle every policy
  const results = {} as Record<PolicyId, PolicyResult>;
  const ledgers = {} as Record<PolicyId, Ledger>;
  for (const id of POLICY_IDS) {
    const ledger = simulate(model, dispatches[id]!);
    ledgers[id] = ledger;
    const metered = new Float64Array(model.grid.steps);
    for (const s of md.siteIndices) {
      const L = ledger.sites[s]!;
      for (let t = 0; t < metered.length; t++) metered[t]! += L.gridImportKW[t]! - L.gridExportKW[t]!;
    }
    const settled: DaySettlement[] = [];
    let calledMWh = 0;
    let undeliveredMWh = 0;
    for (const d of days) {
      const products = dayProducts(md, d);
      const pos = positions[id].get(d.key);
      let awardMW: number[];
      if (id === 'naive') awardMW = hasDayAhead(d) ? products.map((p) => { let s = 0; for (let t = p.from; t < p.to; t++) s += metered[t]!; return s / (p.to - p.from) / 1000; }) : products.map(() => 0);
      else awardMW = pos?.awardMW ?? products.map(() => 0);
      const ex = executions[id].get(d.key);
      calledMWh += (ex?.calledKWh ?? 0) / 1000;
      undeliveredMWh += (ex?.shortfallKWh ?? 0) / 1000;
      settled.push(
        settleDay({
          day: d.key,
          products: products.map((p) => ({ ...p, startMs: stepStartMs(model.grid, p.from) })),
          stepHours: h,
          awardMW,
          dayAheadPrice: products.map((p) => da(p.from)),
          realTime: priceOn(md, md.realTime),
          meteredKW: metered,
          band: md.spec.deviation,
          reserves: pos && ex ? md.reserves.map((r, k) => ({ offerMW: pos.offersMW[k] ?? [], price: priceOn(md, r.price), deliveredShare: ex.deliveredShare[k]! })) : undefined,
        }),
      );
    }
    const sum = (f: (s: DaySettlement) => number) => settled.reduce((a, s) => a + f(s), 0);
    const exs = [...executions[id].values()];
    results[id] = {
      cost: sum((s) => s.cost), dayAheadCost: sum((s) => s.dayAheadCost), realTimeCost: sum((s) => s.realTimeCost), bandPenalty: sum((s) => s.bandPenalty),
      reserveRevenue: sum((s) => s.reserveRevenue), reserveWithheld: sum((s) => s.reserveWithheld), meteredMWh: sum((s) => s.meteredMWh),
      awardMWh: sum((s) => s.awardMWh), absDeviationMWh: sum((s) => s.absDeviationMWh), calledMWh, undeliveredMWh, valueOfWork: workValue(model, ledger, days),
      qos: qosOver(model, ledger, days), solves: exs.reduce((a, e) => a + e.solves, 0), solveSeconds: exs.reduce((a, e) => a + e.solveSeconds, 0), days: settled,
    };
  }
  const gap = results.naive.cost - results.perfectForesight.cost;
  const capturedShare = gap > 1e-6 ? (results.naive.cost - results.bidding.cost) / gap : null;
  const net = (id: PolicyId) => results[id].cost - results[id].valueOfWork;
  const netGap = net('naive') - net('perfectForesight');
  const capturedShareNetOfWorkValue = netGap > 1e-6 ? (net('naive') - net('bidding')) / netGap : null;
  if (daysWithoutDayAhead.length) notes.push(`${daysWithoutDayAhead.length} day(s) without published day-ahead prices (${daysWithoutDayAhead.slice(0, 6).join(', ')}${daysWithoutDayAhead.length > 6 ? ', …' : ''}): no award, every policy settles them at real-time prices`);
  for (const b of bids) for (const n of b.notes) if (!notes.includes(n) && notes.length < 20) notes.push(n);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    market: md.spec.id, rules: md.rules.id, currency: model.currency, timeZone: md.timeZone,
    from: days[0]!.key, to: days[days.length - 1]!.key, days: days.length, daysWithoutDayAhead,
    policies: results, capturedShare, capturedShareNetOfWorkValue, bids,
    bidStats: { medianColumns: med(bids.map((b) => b.stats.columns)), medianSolveSeconds: med(bids.map((b) => b.stats.solveSeconds)), maxSolveSeconds: Math.max(0, ...bids.map((b) => b.stats.solveSeconds)) },
    ledgers, notes,
  };
}

/** A horizon-step view of an extended-grid series. */
function priceOn(md: MarketData, ext: Float64Array): Float64Array {
  return ext.subarray(md.offset);
}

/** Value of the work a ledger did over the days: GPU-hours of jobs and tokens of inference at their values. */
export function workValue(model: FleetModel, ledger: Ledger, days: MarketDay[]): number {
  let v = 0;
  for (const L of ledger.sites) {
    for (const f of L.workloads) {
      const w = model.workloads[f.workload]!;
      if (w.value <= 0) continue;
      for (const d of days) for (let t = d.from; t < d.to; t++) v += w.type === 'inference' ? (w.value * f.tokens[t]!) / 1e6 : w.value * f.workGpuHours[t]!;
    }
  }
  return v;
}

/** QoS over the back-test days from a simulated ledger. */
export function qosOver(model: FleetModel, ledger: Ledger, days: MarketDay[]): BacktestQos {
  const h = stepHours(model.grid);
  let tokens = 0;
  let demand = 0;
  const jobs: BacktestQos['jobs'] = [];
  for (const w of model.workloads) {
    const flows = ledger.sites.flatMap((L) => L.workloads.filter((f) => f.workload === w.index));
    if (w.type === 'inference') {
      for (const d of days) for (let t = d.from; t < d.to; t++) {
        for (const f of flows) tokens += f.tokens[t]!;
        demand += w.demandTokensPerSecond![t]! * 3600 * h;
      }
      continue;
    }
    let sum = 0;
    let min = Infinity;
    let below = 0;
    let counted = 0;
    for (const d of days) {
      const a = Math.max(d.from, w.releaseStep);
      const b = Math.min(d.to, w.deadlineStep);
      if (b <= a) continue;
      let done = 0;
      for (const f of flows) for (let t = a; t < b; t++) done += f.workGpuHours[t]!;
      const perf = Math.min(1, done / (w.gpusMax * (b - a) * h));
      // a finished job is not judged after it finished
      const out = ledger.outcomes[w.index];
      if (!w.continuous && out && out.finishedStep >= 0 && out.finishedStep < a) continue;
      sum += perf;
      counted++;
      min = Math.min(min, perf);
      if (w.continuous && w.qosFloor !== undefined && perf < w.qosFloor - 1e-3) below++;
    }
    const out = ledger.outcomes[w.index];
    const inside = !w.continuous && days.length > 0 && w.releaseStep >= days[0]!.from && w.deadlineStep <= days[days.length - 1]!.to;
    const finishedInTime = inside && out ? out.finishedStep >= 0 && out.finishedStep < w.deadlineStep : null;
    if (counted) jobs.push({ id: w.id, floor: w.qosFloor ?? null, meanPerformance: sum / counted, minDailyPerformance: min, daysBelowFloor: below, finishedInTime });
  }
  const weights = jobs.map((j) => model.workloads.find((w) => w.id === j.id)!.qosWeight);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const served = demand > 0 ? tokens / demand : 1;
  return {
    inferenceServedShare: served,
    jobs,
    weighted: wsum > 0 ? jobs.reduce((a, j, i) => a + j.meanPerformance * weights[i]!, 0) / wsum : null,
    floorsMet: served >= 0.999 && jobs.every((j) => j.daysBelowFloor === 0 && j.finishedInTime !== false),
  };
}

