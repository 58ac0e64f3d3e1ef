/**
 * The market programme of one window (a market day, or the rest of it): one copy of the fleet
 * dispatch LP per price scenario (src/plan/fleet-lp.ts, built and weighted by the scenario's
 * probability), tied together by first-stage market decisions:
 *
 * - the day-ahead curve: per product h and segment k a quantity Q[h,k] (kW), Q[h,1] ≥ … ≥ Q[h,K];
 *   in scenario s the award is Q[h, k(s)], k(s) the segment holding that scenario's price
 *   (Fleten & Pettersen 2005). Two-settlement cost: the award at the day-ahead price plus the
 *   metered net import minus the award at the real-time price (the scenario blocks already
 *   price metered import at real time, so the award adds (λDA − λRT)·Q);
 * - reserve offers R[p,h] (kW per product and hour), paid at the capacity price, and held in
 *   every scenario by lever headroom rows: storage power and energy for the product's
 *   duration, GPU power above each job's cap floor, pausable jobs' power above idle, running
 *   GPUs' power below full. A job's worst-case work loss over `deploymentBudgetHoursPerDay`
 *   full-deployment hours is subtracted from its progress or QoS-floor row, so those rows hold
 *   when the reserve is called; a job that must finish inside the window offers nothing;
 * - a deviation band (China provincial rules): deviation beyond tolerance × award pays a penalty.
 *
 * The same builder serves the intraday re-optimisation (one scenario, the award and reserve
 * offers fixed, calls to honour) and the price-taker plans (one scenario, no position).
 */
import { appendCompiled, LinearModel, type BlockPlacement, type CompiledModel, type SolveResult, type Solver } from '../optimize/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { buildFleetLp, type FleetLpLayout, type FleetLpOptions, type WindowSignals, type WindowState } from '../plan/fleet-lp.ts';
import { stepHours } from '../time/grid.ts';
import type { Segmentation } from './bid-curve.ts';
import type { MarketData } from './market-data.ts';
import { eligibleLevers, type LeverClass } from './qualification.ts';

/** A product of the market day as horizon steps [from, to). */
export interface Product {
  from: number;
  to: number;
}

/** One price scenario of a window, values per window step (index t − from). */
export interface WindowScenario {
  probability: number;
  /** Day-ahead price, currency/MWh (used when the award is a decision). */
  dayAhead?: Float64Array;
  /** Price metered deviations settle at, currency/MWh. */
  realTime: Float64Array;
  /** Capacity price per reserve product, per MW and hour. */
  reservePrice: Float64Array[];
}

/** A reserve call the dispatch must honour at step t: net import at most baseline − up, at least baseline + down. */
export interface ReserveCall {
  t: number;
  baselineKW: number;
  upKW: number;
  downKW: number;
}

/** What the programme decides and knows. */
export interface MarketLpInput {
  model: FleetModel;
  md: MarketData;
  from: number;
  to: number;
  /** Products overlapping the window, in order. */
  products: Product[];
  state: WindowState;
  /** Renewables and inference demand (prices are replaced per scenario). */
  signals: WindowSignals;
  scenarios: WindowScenario[];
  /** The day-ahead position: a curve to decide, awards already fixed (MW per product), or none. */
  energy: { kind: 'curve'; segments: Segmentation[] } | { kind: 'fixed'; awardMW: number[] } | { kind: 'none' };
  /** Reserve offers: decided here, fixed (MW per product and hour), or none. */
  reserves: { kind: 'free' } | { kind: 'fixed'; offerMW: number[][] } | { kind: 'none' };
  /** Net import of each product already metered before the window (kWh), for the deviation band. */
  meteredBeforeKWh?: number[];
  /** Full-deployment hours of each reserve product still to guard against today. */
  budgetHours?: number[];
  calls?: ReserveCall[];
  /** Capacity of reserve product r being delivered at step t by a call (kW): it need not also be held. */
  deliveringKW?: (reserve: number, t: number) => number;
  /** Replacement bounds for QoS rows, by workload (the floor over the whole day, less what is done). */
  qosNeed?: Map<number, number>;
  lp: FleetLpOptions;
}

/** The built programme and where everything lives. */
export interface MarketLp {
  lp: LinearModel;
  blocks: Array<{ placement: BlockPlacement; layout: FleetLpLayout }>;
  /** Curve quantity columns per product and segment (curve mode). */
  curve: number[][];
  /** Reserve offer columns per product and hour (free mode), -1 where the product is not offered. */
  offers: number[][];
  /** Shortfall columns of the calls, per call and scenario. */
  shortfall: number[];
  /** Penalised deviation beyond the band, per scenario and product (kWh columns, above and below). */
  bandExcess: Array<Array<[number, number]>>;
  /** Fixed offers the dispatch could not hold: (reserve product, window step, column in kW). */
  unheld: Array<{ reserve: number; step: number; column: number }>;
}

/**
 * Penalty per kWh of a reserve call not delivered in the plan: above what reducing costs in
 * energy and lost work value, below what breaking a QoS floor or serving less inference costs,
 * so a plan gives up delivery (and its capacity pay) before it gives up a floor.
 */
const CALL_SHORTFALL_PER_KWH = 2;
/** Levers in order of response, fastest first (the order products are served in). */
const UP_ORDER: LeverClass[] = ['storage', 'gpuCap', 'jobPause'];
const DOWN_ORDER: LeverClass[] = ['storage', 'jobRaise'];
/** Penalty per kW and hour of sold reserve capacity the plan cannot hold (as for a call not delivered). */
const UNHELD_PER_KWH = 2;

/** Work lost per kWh of IT power taken from a job by capping and by pausing, full-speed GPU-hours (upper bounds). */
function lossRates(points: { itPowerW: number; throughput: number }[], idleW: number): { cap: number; pause: number } {
  let cap = 0;
  const floor = points[0]!;
  for (let k = 1; k < points.length; k++) {
    const dIt = points[k]!.itPowerW - floor.itPowerW;
    if (dIt > 1e-9) cap = Math.max(cap, (points[k]!.throughput - floor.throughput) / (dIt / 1000));
  }
  let pause = 0;
  for (const p of points) if (p.itPowerW - idleW > 1e-9) pause = Math.max(pause, p.throughput / ((p.itPowerW - idleW) / 1000));
  return { cap, pause: Math.max(pause, cap) };
}

/** Builds the programme. */
export function buildMarketLp(input: MarketLpInput): MarketLp {
  const { model, md, from, to, products, scenarios } = input;
  const h = stepHours(model.grid);
  const T = to - from;
  const sites = md.siteIndices;
  const lp = new LinearModel('minimize');
  const productOf = new Int32Array(T).fill(-1);
  products.forEach((p, i) => {
    for (let t = Math.max(p.from, from); t < Math.min(p.to, to); t++) productOf[t - from] = i;
  });
  const productCount = products.length;
  const productHours = products.map((p) => ((p.to - p.from) * h));

  // ---- first-stage columns: curve quantities and reserve offers
  let qMin = 0;
  let qMax = 0;
  for (const s of sites) {
    const site = model.sites[s]!;
    qMax += Math.max(...Array.from(site.importLimitKW.subarray(from, to)));
    const exportKW = Math.max(0, ...Array.from(site.exportLimitKW.subarray(from, to)));
    if (exportKW > 0 && !input.md.spec.deviation) qMin -= exportKW;
  }
  const curve: number[][] = [];
  if (input.energy.kind === 'curve') {
    input.energy.segments.forEach((seg, i) => {
      const first = lp.addVariables(seg.count, { lower: qMin, upper: qMax, nameFn: (k) => `bid[h${i},seg${k}]` });
      curve.push(Array.from({ length: seg.count }, (_, k) => first + k));
      for (let k = 0; k + 1 < seg.count; k++) lp.addRow(0, Infinity, [first + k, first + k + 1], [1, -1], 2, `monotone[h${i},seg${k}]`);
    });
  }
  const reserveSpecs = md.reserves.map((r) => r.spec);
  const eligible = reserveSpecs.map((p) => eligibleLevers(p, md.spec.levers));
  const offers: number[][] = reserveSpecs.map(() => new Array<number>(productCount).fill(-1));
  const offerFixed: number[][] = reserveSpecs.map(() => new Array<number>(productCount).fill(0));
  if (input.reserves.kind === 'free') {
    reserveSpecs.forEach((p, r) => {
      const slow = (p.direction !== 'down' && eligible[r]!.up.length === 0) || (p.direction !== 'up' && eligible[r]!.down.length === 0);
      if (slow) return;
      for (let i = 0; i < productCount; i++) {
        // the minimum offer size (an offer is 0 or at least the minimum) is enforced by solveMarketLp
        offers[r]![i] = lp.addVariable({ name: `offer[${p.id},h${i}]`, upper: qMax });
      }
    });
  } else if (input.reserves.kind === 'fixed') {
    input.reserves.offerMW.forEach((row, r) => row.forEach((mw, i) => (offerFixed[r]![i] = mw * 1000)));
  }
  const anyReserve = input.reserves.kind !== 'none' && reserveSpecs.length > 0;
  // the storage energy a reserve must hold for: the longest delivery among the products storage serves
  const storageHours = Math.max(0, ...reserveSpecs.map((p, r) => ([...eligible[r]!.up, ...eligible[r]!.down].includes('storage') ? p.qualification.minDurationHours : 0)));
  const budget = reserveSpecs.map((p, r) => (input.budgetHours?.[r] ?? p.deploymentBudgetHoursPerDay));
  const upBudget = Math.max(0, ...reserveSpecs.map((p, r) => (p.direction !== 'down' ? budget[r]! : 0)));

  const blocks: MarketLp['blocks'] = [];
  const shortfall: number[] = [];
  const bandExcess: MarketLp['bandExcess'] = [];
  const unheld: MarketLp['unheld'] = [];
  const offerTerm = (r: number, i: number): [number, number] | undefined => (offers[r]![i]! >= 0 ? [offers[r]![i]!, 1] : undefined);

  scenarios.forEach((sc, si) => {
    const pi = sc.probability;
    // ---- the scenario's dispatch: the fleet LP at this scenario's real-time prices
    const importPrice = model.sites.map((site) => site.importPrice);
    const exportPrice = model.sites.map((site) => site.exportPrice);
    for (const s of sites) {
      const site = model.sites[s]!;
      const ip = new Float64Array(to);
      const xp = new Float64Array(to);
      const adder = site.tariff.energy.type === 'spot' ? site.tariff.energy.adderPerMWh : 0;
      const exp = site.tariff.export;
      for (let t = from; t < to; t++) {
        ip[t] = sc.realTime[t - from]! + adder;
        xp[t] = exp.type === 'spot' ? sc.realTime[t - from]! * exp.multiplier : exp.type === 'flat' ? exp.pricePerMWh : 0;
      }
      importPrice[s] = ip;
      exportPrice[s] = xp;
    }
    const signals: WindowSignals = { ...input.signals, importPrice, exportPrice };
    const { lp: block, layout } = buildFleetLp(model, from, to, signals, input.state, { ...input.lp, sites });
    const compiled = block.compile({ shared: false });

    // loss columns for jobs whose progress or QoS rows must survive reserve calls
    const lossCol = new Map<number, number>();
    const noReserve = new Set<number>();
    const rowKind = new Map<number, { workload: number; kind: string }>();
    for (const wr of layout.workRows) rowKind.set(wr.row, wr);
    if (anyReserve) {
      for (const wr of layout.workRows) {
        if (wr.kind === 'work') noReserve.add(wr.workload);
        else lossCol.set(wr.workload, lp.addVariable({ name: `reserve-loss[${model.workloads[wr.workload]!.id}]{s${si}}` }));
      }
    }
    const rowBounds = new Map<number, readonly [number, number]>();
    for (const wr of layout.workRows) {
      const need = input.qosNeed?.get(wr.workload);
      if (wr.kind === 'qos' && need !== undefined) rowBounds.set(wr.row, [need, Infinity]);
    }
    const placement = appendCompiled(lp, compiled, {
      costScale: pi,
      nameSuffix: scenarios.length > 1 ? `{s${si}}` : '',
      rowBounds,
      extraTerms: (row) => {
        const wr = rowKind.get(row);
        if (!wr) return undefined;
        const c = lossCol.get(wr.workload);
        return c === undefined ? undefined : [[c, -1]];
      },
    });
    blocks.push({ placement, layout });
    const col = (c: number) => placement.columnOffset + c;
    const netTerms = (t: number, sign = 1): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (const s of sites) {
        const L = layout.sites[s]!;
        out.push([col(L.g + t - from), sign]);
        if (L.e >= 0) out.push([col(L.e + t - from), -sign]);
      }
      return out;
    };

    // ---- day-ahead position: (λDA − λRT)·Q on top of the block's real-time pricing of metered import
    if (input.energy.kind === 'curve') {
      const segs = input.energy.segments;
      for (let k = 0; k < T; k++) {
        const i = productOf[k]!;
        if (i < 0) continue;
        const q = curve[i]![segs[i]!.segmentOf[si]!]!;
        lp.addCost(q, (pi * (sc.dayAhead![k]! - sc.realTime[k]!) * h) / 1000);
      }
    }
    // (a fixed award only adds a constant to the objective: left out)
    // a physical bid: in each scenario the award is the hour's planned net import (± the allowed deviation)
    if (input.energy.kind === 'curve') {
      const segs = input.energy.segments;
      const slackKW = md.spec.bidding.maxPlannedDeviationMW * 1000;
      products.forEach((p, i) => {
        const H = productHours[i]!;
        const before = input.meteredBeforeKWh?.[i] ?? 0;
        lp.beginRow(-slackKW * H - before, slackKW * H - before);
        for (let t = Math.max(p.from, from); t < Math.min(p.to, to); t++) for (const [c, v] of netTerms(t)) lp.addTerm(c, v * h);
        lp.addTerm(curve[i]![segs[i]!.segmentOf[si]!]!, -H);
        lp.endRow();
      });
    }

    // ---- deviation band
    const band = md.spec.deviation;
    const bandCols: Array<[number, number]> = [];
    if (band && input.energy.kind !== 'none') {
      products.forEach((p, i) => {
        const above = lp.addVariable({ name: `band-excess-above[h${i}]{s${si}}`, cost: (pi * band.penaltyPerMWh) / 1000 });
        const below = lp.addVariable({ name: `band-excess-below[h${i}]{s${si}}`, cost: (pi * band.penaltyPerMWh) / 1000 });
        bandCols.push([above, below]);
        const H = productHours[i]!;
        const before = input.meteredBeforeKWh?.[i] ?? 0;
        const fixedQ = input.energy.kind === 'fixed' ? input.energy.awardMW[i]! * 1000 : 0;
        // deviation d = metered − award·H; above ≥ d − tol·award·H; below ≥ −d − tol·award·H
        for (const sign of [1, -1]) {
          const rhsConst = sign * before - (input.energy.kind === 'fixed' ? (sign + band.toleranceFraction) * fixedQ * H : 0);
          lp.beginRow(-Infinity, -rhsConst);
          for (let t = Math.max(p.from, from); t < Math.min(p.to, to); t++) for (const [c, v] of netTerms(t, sign)) lp.addTerm(c, v * h);
          lp.addTerm(sign === 1 ? above : below, -1);
          if (input.energy.kind === 'curve') lp.addTerm(curve[i]![input.energy.segments[i]!.segmentOf[si]!]!, (-sign - band.toleranceFraction) * H);
          lp.endRow();
        }
      });
    }
    bandExcess.push(bandCols);

    // ---- reserve calls to honour (intraday)
    for (const call of input.calls ?? []) {
      if (call.t < from || call.t >= to) continue;
      const short = lp.addVariable({ name: `call-shortfall[${call.t}]{s${si}}`, cost: pi * CALL_SHORTFALL_PER_KWH * h * 1000 });
      shortfall.push(short);
      if (call.upKW > 0) {
        lp.beginRow(-Infinity, call.baselineKW - call.upKW);
        for (const [c, v] of netTerms(call.t)) lp.addTerm(c, v);
        lp.addTerm(short, -1000);
        lp.endRow();
      }
      if (call.downKW > 0) {
        lp.beginRow(call.baselineKW + call.downKW, Infinity);
        for (const [c, v] of netTerms(call.t)) lp.addTerm(c, v);
        lp.addTerm(short, 1000);
        lp.endRow();
      }
    }

    // ---- reserve headroom
    if (!anyReserve) return;
    type ClassKey = 'storage-up' | 'storage-down' | Exclude<LeverClass, 'storage'>;
    const classKey = (c: LeverClass, dir: 'up' | 'down'): ClassKey => (c === 'storage' ? `storage-${dir}` : c);
    const classCols = new Map<string, Array<[number, number]>>(); // `${class}|${k}` → (column, facility kW per unit)
    const addClass = (c: ClassKey, k: number, column: number, factor: number) => {
      const key = `${c}|${k}`;
      classCols.set(key, [...(classCols.get(key) ?? []), [column, factor]]);
    };
    const usedUp = new Set(eligible.flatMap((e) => e.up));
    const usedDown = new Set(eligible.flatMap((e) => e.down));
    // per job: per window step, the held columns and their work lost per unit if called for an hour
    const heldLoss = new Map<number, Map<number, Array<[number, number]>>>();
    for (const s of sites) {
      const site = model.sites[s]!;
      const L = layout.sites[s]!;
      const st = site.storage;
      const jobs = layout.jobs.filter((j) => j.site === s);
      for (let k = 0; k < T; k++) {
        const t = from + k;
        const a = 1 + site.facility.lossSlope + site.facility.coolingSlope[t]!;
        const upCols: Array<[number, number]> = [];
        const downCols: Array<[number, number]> = [];
        if (st && L.c >= 0) {
          if (usedUp.has('storage')) {
            const su = lp.addVariable({ name: `hold-storage-up[${site.id},${t}]{s${si}}`, upper: st.powerKW });
            // power: su + d − c ≤ P; energy for one delivery: su·D ≤ ηd·(SoC before the step − SoC min)
            lp.addRow(-Infinity, st.powerKW, [su, col(L.d + k), col(L.c + k)], [1, 1, -1], 3);
            if (k === 0) lp.addRow(-Infinity, Math.max(0, st.dischargeEfficiency * (input.state.socKWh[s]! - st.socMinKWh)), [su], [storageHours], 1);
            else lp.addRow(-Infinity, -st.dischargeEfficiency * st.socMinKWh, [su, col(L.soc + k - 1)], [storageHours, -st.dischargeEfficiency], 2);
            addClass('storage-up', k, su, 1);
            upCols.push([su, 1]);
          }
          if (usedDown.has('storage')) {
            const sd = lp.addVariable({ name: `hold-storage-down[${site.id},${t}]{s${si}}`, upper: st.powerKW });
            lp.addRow(-Infinity, st.powerKW, [sd, col(L.c + k), col(L.d + k)], [1, 1, -1], 3);
            if (k === 0) lp.addRow(-Infinity, Math.max(0, (st.socMaxKWh - input.state.socKWh[s]!) / st.chargeEfficiency), [sd], [storageHours], 1);
            else lp.addRow(-Infinity, st.socMaxKWh / st.chargeEfficiency, [sd, col(L.soc + k - 1)], [storageHours, 1 / st.chargeEfficiency], 2);
            addClass('storage-down', k, sd, 1);
            downCols.push([sd, 1]);
          }
        }
        for (const j of jobs) {
          if (t < j.t0 || t >= j.t1) continue;
          const w = model.workloads[j.workload]!;
          const pool = site.pools.find((p) => p.acceleratorId === w.acceleratorId)!;
          const idle = site.idleGpus === 'off' ? 0 : pool.idleItPowerW;
          const pts = j.points;
          const base = col(j.first + (t - j.t0) * pts.length);
          // a job that must finish in the window, or a continuous job with no floor to spend (the
          // flexibility envelope counts its budget as nil), holds no reserve
          const frozen = noReserve.has(w.index) || (w.continuous && w.qosFloor === undefined);
          const rates = lossRates(pts, idle);
          const held: Array<[number, number]> = [];
          let yc = -1;
          if (usedUp.has('gpuCap')) {
            // capping to the floor: yc ≤ Σ x·(IT at the point − IT at the floor)
            yc = lp.addVariable({ name: `hold-cap[${w.id},${site.id},${t}]{s${si}}`, upper: frozen ? 0 : Infinity });
            lp.beginRow(-Infinity, 0);
            lp.addTerm(yc, 1);
            pts.forEach((p, q) => lp.addTerm(base + q, -(p.itPowerW - pts[0]!.itPowerW) / 1000));
            lp.endRow();
            addClass('gpuCap', k, yc, a);
            upCols.push([yc, a]);
            held.push([yc, rates.cap * h]);
          }
          if (usedUp.has('jobPause') && (w.pausable || w.type === 'batch')) {
            // capping and pausing together: yc + yp ≤ Σ x·(IT at the point − idle IT)
            const yp = lp.addVariable({ name: `hold-pause[${w.id},${site.id},${t}]{s${si}}`, upper: frozen ? 0 : Infinity });
            lp.beginRow(-Infinity, 0);
            lp.addTerm(yp, 1);
            if (yc >= 0) lp.addTerm(yc, 1);
            pts.forEach((p, q) => lp.addTerm(base + q, -(p.itPowerW - idle) / 1000));
            lp.endRow();
            addClass('jobPause', k, yp, a);
            upCols.push([yp, a]);
            held.push([yp, rates.pause * h]);
          }
          if (held.length) {
            const byStep = heldLoss.get(w.index) ?? new Map<number, Array<[number, number]>>();
            byStep.set(k, [...(byStep.get(k) ?? []), ...held]);
            heldLoss.set(w.index, byStep);
          }
          if (usedDown.has('jobRaise')) {
            // running GPUs raised towards full power: yr ≤ Σ x·(IT at full power − IT at the point)
            const yr = lp.addVariable({ name: `hold-raise[${w.id},${site.id},${t}]{s${si}}` });
            const full = pts[pts.length - 1]!.itPowerW;
            lp.beginRow(-Infinity, 0);
            lp.addTerm(yr, 1);
            pts.forEach((p, q) => lp.addTerm(base + q, -(full - p.itPowerW) / 1000));
            lp.endRow();
            addClass('jobRaise', k, yr, a);
            downCols.push([yr, a]);
          }
        }
        // a call never asks for less than zero import, nor for more than the connection takes
        if (upCols.length) {
          lp.beginRow(-Infinity, 0);
          for (const [c, f] of upCols) lp.addTerm(c, f);
          lp.addTerm(col(L.g + k), -1);
          lp.endRow();
        }
        if (downCols.length) {
          lp.beginRow(-Infinity, site.importLimitKW[t]!);
          for (const [c, f] of downCols) lp.addTerm(c, f);
          lp.addTerm(col(L.g + k), 1);
          if (L.e >= 0) lp.addTerm(col(L.e + k), -1);
          lp.endRow();
        }
      }
    }
    // worst-case work lost over the day's budget of full-deployment hours (a budgeted robust
    // counterpart): loss ≥ B·z + Σₜ pₜ with pₜ + z ≥ work lost if step t is called
    for (const [wi, byStep] of heldLoss) {
      const L = lossCol.get(wi);
      if (L === undefined) continue;
      const z = lp.addVariable({ name: `loss-level[${model.workloads[wi]!.id}]{s${si}}` });
      const steps = [...byStep];
      const ps = steps.map(([k]) => lp.addVariable({ name: `loss-at[${model.workloads[wi]!.id},${from + k}]{s${si}}` }));
      lp.beginRow(0, Infinity);
      lp.addTerm(L, 1);
      lp.addTerm(z, -upBudget * (1 / h));
      for (const p of ps) lp.addTerm(p, -1);
      lp.endRow();
      steps.forEach(([, held], n) => {
        lp.beginRow(0, Infinity);
        lp.addTerm(ps[n]!, 1);
        lp.addTerm(z, 1);
        for (const [c, rate] of held) lp.addTerm(c, -rate);
        lp.endRow();
      });
    }

    // ---- each product's offer is held on the levers fast enough for it, step by step. A product
    // may use every lever at least as fast as its activation time, so the sets of levers are
    // nested (fastest first); by Hall's theorem the offers fit the levers exactly when, for every
    // k, the products limited to the k fastest levers need no more than those levers hold. One
    // row per k replaces an allocation of each product to each lever (same feasible set, no
    // zero-cost allocation columns to make the LP degenerate).
    for (const dir of ['up', 'down'] as const) {
      const order = (dir === 'up' ? UP_ORDER : DOWN_ORDER).filter((c) => (dir === 'up' ? usedUp : usedDown).has(c));
      const served = reserveSpecs.map((p, r) => (p.direction === (dir === 'up' ? 'down' : 'up') ? -1 : Math.max(-1, ...(dir === 'up' ? eligible[r]!.up : eligible[r]!.down).map((c) => order.indexOf(c)))));
      for (let k = 0; k < T; k++) {
        const i = productOf[k]!;
        if (i < 0) continue;
        const slacks = new Map<number, number>();
        // capacity being delivered by a call at this step is in use, not held: only the rest must be
        const need = (r: number) => Math.max(0, offerFixed[r]![i]! - (dir === (reserveSpecs[r]!.direction === 'down' ? 'down' : 'up') ? (input.deliveringKW?.(r, from + k) ?? 0) : 0));
        reserveSpecs.forEach((p, r) => {
          const fixed = need(r);
          if (fixed > 0 && served[r]! >= 0) {
            // capacity already sold: holding it is a soft requirement, and what cannot be held is recorded
            const slack = lp.addVariable({ name: `unheld[${p.id},${dir},${from + k}]{s${si}}`, upper: fixed, cost: pi * UNHELD_PER_KWH * h });
            unheld.push({ reserve: r, step: from + k, column: slack });
            slacks.set(r, slack);
          }
        });
        for (let level = 0; level < order.length; level++) {
          const needs = reserveSpecs.map((_, r) => r).filter((r) => served[r]! >= 0 && served[r]! <= level && (offerTerm(r, i) || offerFixed[r]![i]! > 0));
          if (needs.length === 0) continue;
          // Σ offers of products limited to the `level + 1` fastest levers ≤ what those levers hold
          const fixedSum = needs.reduce((a, r) => a + need(r), 0);
          lp.beginRow(-Infinity, -fixedSum);
          for (const r of needs) {
            const offer = offerTerm(r, i);
            if (offer) lp.addTerm(offer[0], 1);
            const slack = slacks.get(r);
            if (slack !== undefined) lp.addTerm(slack, -1);
          }
          for (let c = 0; c <= level; c++) for (const [col, f] of classCols.get(`${classKey(order[c]!, dir)}|${k}`) ?? []) lp.addTerm(col, -f);
          lp.endRow();
        }
        // a product that no lever can serve holds nothing
        reserveSpecs.forEach((_, r) => {
          if (served[r]! < 0 && reserveSpecs[r]!.direction !== (dir === 'up' ? 'down' : 'up')) {
            const offer = offerTerm(r, i);
            if (offer) lp.setBounds(offer[0], 0, 0);
          }
        });
      }
    }
  });

  // ---- reserve revenue: probability-weighted capacity price
  if (input.reserves.kind === 'free') {
    reserveSpecs.forEach((_, r) => {
      for (let k = 0; k < T; k++) {
        const i = productOf[k]!;
        if (i < 0 || offers[r]![i]! < 0) continue;
        let price = 0;
        for (const sc of scenarios) price += sc.probability * sc.reservePrice[r]![k]!;
        lp.addCost(offers[r]![i]!, (-price * h) / 1000);
      }
    });
  }
  return { lp, blocks, curve, offers, shortfall, bandExcess, unheld };
}

/**
 * Solves a compiled programme by dual simplex (interior point above 250,000 columns). A simplex
 * that stalls on a degenerate day (seen once in a year of ERCOT days: no progress for minutes
 * on 3,400 columns) is stopped after a quarter of the budget and the model solved by the other
 * method, so one bad day cannot stop a back-test.
 */
export async function solveRobustly(solver: Solver, compiled: CompiledModel, timeLimitSeconds: number, signal?: AbortSignal): Promise<SolveResult> {
  const first = compiled.numColumns > 250_000 ? 'ipm' : 'simplex';
  const r = await solver.solve(compiled, { timeLimitSeconds: timeLimitSeconds / 4, method: first, signal });
  if (r.status === 'optimal' || signal?.aborted || (r.status !== 'time-limit' && r.status !== 'error')) return r;
  const again = await solver.solve(compiled, { timeLimitSeconds: (timeLimitSeconds * 3) / 4, method: first === 'ipm' ? 'simplex' : 'ipm', signal });
  return { ...again, solveSeconds: again.solveSeconds + r.solveSeconds };
}

/**
 * Solves a programme whose reserve offers are free, honouring each product's minimum offer.
 * Offers are "0 or at least the minimum", a discrete rule; rather than a mixed-integer model
 * (minutes per day with ten scenarios), the LP is solved, offers below the minimum are closed
 * and those at or above it are held at least at it, and the LP is solved again. Closing offers
 * only frees capacity, so the second solve is feasible whenever the first was.
 */
export async function solveMarketLp(built: MarketLp, md: MarketData, solver: Solver, timeLimitSeconds = 300, signal?: AbortSignal): Promise<SolveResult & { solves: number }> {
  let result = await solveRobustly(solver, built.lp.compile(), timeLimitSeconds, signal);
  // a minimum no larger than the market's quantity step needs no second solve: offers are rounded down to that step anyway
  const mins = md.reserves.map((r) => (r.spec.qualification.minOfferMW > md.rules.quantityStepMW + 1e-9 ? r.spec.qualification.minOfferMW * 1000 : 0));
  if (!result.columnValues.length || !mins.some((m) => m > 0)) return { ...result, solves: 1 };
  let changed = false;
  built.offers.forEach((row, r) => {
    const min = mins[r]!;
    if (min <= 0) return;
    for (const c of row) {
      if (c < 0) continue;
      const v = result.columnValues[c]!;
      if (v < min - 1e-6) {
        if (v > 1e-9) changed = true;
        built.lp.setBounds(c, 0, 0);
      } else built.lp.setBounds(c, min, Infinity);
    }
  });
  if (!changed) return { ...result, solves: 1 };
  const first = result.solveSeconds;
  result = await solveRobustly(solver, built.lp.compile(), timeLimitSeconds, signal);
  return { ...result, solveSeconds: result.solveSeconds + first, solves: 2 };
}
