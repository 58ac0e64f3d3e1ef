/**
 * Running one market day after the auction: the plan is re-optimised every few hours (and when
 * a reserve call starts) over the rest of the day, against the prices the policy can see then,
 * holding the day-ahead award as a position and the reserve offers as capacity that arbitrage
 * may not use. Only the steps up to the next re-optimisation are committed. Calls are honoured
 * against the plan made just before them (the baseline); what the dispatch cannot deliver is
 * recorded and withheld from the capacity payment.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { solveOutcomeError, type Solver } from '../optimize/index.ts';
import { extractWindow } from '../plan/extract.ts';
import type { WindowState } from '../plan/fleet-lp.ts';
import { updateState } from '../plan/planner.ts';
import { actualSignals } from '../plan/signals.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import { stepHours } from '../time/grid.ts';
import { forecastSignals, marketLpOptions } from './day-bid.ts';
import { buildMarketLp, solveRobustly, type MarketLp, type Product, type ReserveCall } from './market-lp.ts';
import type { MarketData, MarketDay } from './market-data.ts';

/** What the policy holds for the day. */
export interface DayPosition {
  /** Award per product, MW; null when the policy has no day-ahead position (everything settles in real time). */
  awardMW: number[] | null;
  /** Reserve offers per reserve product and day product, MW. */
  offersMW: number[][];
}

/** How a policy runs its day. */
export interface ExecuteOptions {
  /** Prices the policy plans on for the steps [t0, day.to), seen at t0 (currency/MWh, index t − t0). */
  priceView: (t0: number) => Float64Array;
  /** Hours between re-optimisations (≥ 24: one plan for the day, re-made only at calls). */
  reoptimiseEveryHours: number;
  maxPoints?: number;
  timeLimitSeconds?: number;
  /** Aborting it cancels the solves. */
  signal?: AbortSignal;
}

/** What happened during the day. */
export interface DayExecution {
  /** Planned (committed) net import of the portfolio per day step, kW. */
  plannedNetKW: Float64Array;
  /** Delivered share of each reserve product's calls per day product (1 when not called). */
  deliveredShare: number[][];
  /** Called energy and shortfall, kWh. */
  calledKWh: number;
  shortfallKWh: number;
  /** Sold reserve capacity the dispatch could not hold, kW·h. */
  unheldKWh: number;
  solves: number;
  solveSeconds: number;
  columns: number;
}

/** Planned net import of the bidding sites at step t in a solved window, kW. */
function netOf(md: MarketData, built: MarketLp, x: Float64Array, t: number): number {
  const { placement, layout } = built.blocks[0]!;
  let net = 0;
  for (const s of md.siteIndices) {
    const L = layout.sites[s]!;
    net += x[placement.columnOffset + L.g + t - layout.from]!;
    if (L.e >= 0) net -= x[placement.columnOffset + L.e + t - layout.from]!;
  }
  return net;
}

/** Runs one day from `state` (which is advanced), writing the committed steps into `dispatch`. */
export async function executeDay(
  model: FleetModel,
  md: MarketData,
  day: MarketDay,
  products: Product[],
  position: DayPosition,
  state: WindowState,
  dispatch: Dispatch,
  solver: Solver,
  opts: ExecuteOptions,
): Promise<DayExecution> {
  const h = stepHours(model.grid);
  const T = day.to - day.from;
  const productOf = new Int32Array(T);
  products.forEach((p, i) => {
    for (let t = p.from; t < p.to; t++) productOf[t - day.from] = i;
  });
  // reserve calls: the deployed share of each product's offer, per step (symmetric products are called upwards)
  const upCall = new Float64Array(T);
  const downCall = new Float64Array(T);
  const calledBy: number[][] = md.reserves.map(() => new Array<number>(T).fill(0));
  md.reserves.forEach((r, k) => {
    for (let t = day.from; t < day.to; t++) {
      const offer = (position.offersMW[k]?.[productOf[t - day.from]!] ?? 0) * 1000;
      const kw = offer * r.deployedShare[t + md.offset]!;
      if (kw <= 0) continue;
      calledBy[k]![t - day.from] = kw;
      if (r.spec.direction === 'down') downCall[t - day.from]! += kw;
      else upCall[t - day.from]! += kw;
    }
  });
  const callAt = (t: number) => upCall[t - day.from]! > 0 || downCall[t - day.from]! > 0;
  // re-optimisation points: every few hours, and wherever a call starts or ends
  const every = Math.max(1, Math.round(opts.reoptimiseEveryHours / h));
  const points = new Set<number>();
  for (let t = day.from; t < day.to; t += every) points.add(t);
  for (let t = day.from + 1; t < day.to; t++) if (upCall[t - day.from] !== upCall[t - 1 - day.from] || downCall[t - day.from] !== downCall[t - 1 - day.from]) points.add(t);
  const starts = [...points].sort((a, b) => a - b);

  const planned = new Float64Array(T).fill(NaN);
  const doneAtStart = state.doneGpuHours.slice();
  // full-deployment hours of each product called so far today
  const calledHours = md.reserves.map(() => 0);
  const shortfallAt = new Float64Array(T);
  // capacity sold but not held, per reserve product and day step (kW; the larger direction)
  const unheldAt = md.reserves.map(() => new Float64Array(T));
  const base = actualSignals(model);
  let solves = 0;
  let solveSeconds = 0;
  let columns = 0;

  const solveWindow = async (t0: number, withCalls: ReserveCall[]): Promise<{ built: MarketLp; x: Float64Array }> => {
    const price = opts.priceView(t0);
    const signals = forecastSignals(model, md, t0, day.to, price);
    const qosNeed = new Map<number, number>();
    if (t0 > day.from) {
      for (const w of model.workloads) {
        if (w.type === 'inference' || !w.continuous || w.qosFloor === undefined) continue;
        qosNeed.set(w.index, Math.max(0, w.qosFloor * w.gpusMax * T * h - (state.doneGpuHours[w.index]! - doneAtStart[w.index]!)));
      }
    }
    const meteredBeforeKWh = products.map((p) => {
      let e = 0;
      for (let t = p.from; t < Math.min(p.to, t0); t++) e += (planned[t - day.from]! || 0) * h;
      return e;
    });
    const band = md.spec.deviation && position.awardMW;
    const built = buildMarketLp({
      model, md, from: t0, to: day.to, products, state, signals: { ...base, importPrice: signals.importPrice },
      scenarios: [{ probability: 1, realTime: price, reservePrice: md.reserves.map(() => new Float64Array(day.to - t0)) }],
      energy: band ? { kind: 'fixed', awardMW: position.awardMW! } : { kind: 'none' },
      reserves: md.reserves.length && position.offersMW.some((o) => o.some((v) => v > 0)) ? { kind: 'fixed', offerMW: position.offersMW } : { kind: 'none' },
      meteredBeforeKWh,
      budgetHours: md.reserves.map((r, k) => Math.max(0, r.spec.deploymentBudgetHoursPerDay - calledHours[k]!)),
      calls: withCalls,
      // a call's capacity is in use while it is delivered (only on the steps this solve honours calls)
      deliveringKW: (r, t) => (withCalls.some((c) => c.t === t) ? calledBy[r]![t - day.from]! : 0),
      qosNeed,
      lp: marketLpOptions(model, t0, day.to, signals, state, opts.maxPoints),
    });
    const compiled = built.lp.compile();
    const r = await solveRobustly(solver, compiled, opts.timeLimitSeconds ?? 120, opts.signal);
    solves++;
    solveSeconds += r.solveSeconds;
    columns = Math.max(columns, compiled.numColumns);
    if (r.status !== 'optimal' && !(r.status === 'time-limit' && r.columnValues.length)) {
      throw solveOutcomeError(r, { what: `the intraday plan of ${day.key} from step ${t0}`, signal: opts.signal });
    }
    return { built, x: r.columnValues };
  };

  for (let i = 0; i < starts.length; i++) {
    const t0 = starts[i]!;
    const t1 = starts[i + 1] ?? day.to;
    const calls: ReserveCall[] = [];
    for (let t = t0; t < t1; t++) {
      if (!callAt(t)) continue;
      if (Number.isNaN(planned[t - day.from]!)) {
        // no plan covers this step yet: the baseline is the plan made without the call
        const { built, x } = await solveWindow(t0, []);
        for (let u = t0; u < day.to; u++) planned[u - day.from] = netOf(md, built, x, u);
      }
      calls.push({ t, baselineKW: planned[t - day.from]!, upKW: upCall[t - day.from]!, downKW: downCall[t - day.from]! });
    }
    const { built, x } = await solveWindow(t0, calls);
    const { placement, layout } = built.blocks[0]!;
    const bx = x.subarray(placement.columnOffset, placement.columnOffset + placement.columns);
    extractWindow(model, layout, bx, t1, dispatch);
    updateState(model, layout, bx, t1, state);
    for (let u = t0; u < day.to; u++) planned[u - day.from] = netOf(md, built, x, u);
    calls.forEach((c, k) => (shortfallAt[c.t - day.from] = x[built.shortfall[k]!]! * 1000));
    for (const u of built.unheld) {
      if (u.step >= t1) continue;
      const k = u.step - day.from;
      unheldAt[u.reserve]![k] = Math.max(unheldAt[u.reserve]![k]!, x[u.column]!);
    }
    // the budget counts full-deployment hours: a step called at a share of the offer uses that share of a step
    for (let t = t0; t < t1; t++) md.reserves.forEach((r, k) => (calledHours[k]! += calledBy[k]![t - day.from]! > 0 ? r.deployedShare[t + md.offset]! * h : 0));
  }

  // delivered share per reserve product and day product: shortfall shared in proportion to the calls
  let calledKWh = 0;
  let shortfallKWh = 0;
  const deliveredShare = md.reserves.map((_, k) =>
    products.map((p) => {
      let called = 0;
      let short = 0;
      for (let t = p.from; t < p.to; t++) {
        const c = calledBy[k]![t - day.from]!;
        const all = upCall[t - day.from]! + downCall[t - day.from]!;
        called += c * h;
        if (all > 0) short += (shortfallAt[t - day.from]! * c * h) / all;
      }
      let offered = 0;
      let notHeld = 0;
      for (let t = p.from; t < p.to; t++) {
        offered += (position.offersMW[k]?.[productOf[t - day.from]!] ?? 0) * 1000 * h;
        notHeld += unheldAt[k]![t - day.from]! * h;
      }
      const held = offered > 0 ? Math.max(0, 1 - notHeld / offered) : 1;
      return held * (called > 0 ? Math.max(0, 1 - short / called) : 1);
    }),
  );
  for (let t = 0; t < T; t++) {
    calledKWh += (upCall[t]! + downCall[t]!) * h;
    shortfallKWh += shortfallAt[t]! * h;
  }
  const unheldKWh = unheldAt.reduce((a, u) => a + u.reduce((b, v) => b + v * h, 0), 0);
  return { plannedNetKW: planned, deliveredShare, calledKWh, shortfallKWh, unheldKWh, solves, solveSeconds, columns };
}
