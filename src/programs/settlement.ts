/**
 * Settlement the way a utility does it: per measurement interval, delivered = baseline −
 * actual (peak shaving) or actual − baseline (valley filling); the fleet's delivery is judged
 * against the event target with the program's band (pay, cap, penalty); the fleet payment,
 * less the aggregator's share, goes to sites by delivered kWh, and penalties to the sites
 * that fell short. Every figure is kept for an auditable statement.
 */
import { applyBand, type BandOutcome } from './program.ts';
import type { BaselineResult, Direction, GridEvent, ResolvedProgram } from './types.ts';

/** One measurement interval of one site. */
export interface IntervalRow {
  startMs: number;
  baselineKW: number;
  actualKW: number;
  /** Energy delivered in the interval, kWh (negative when the site moved the wrong way). */
  deliveredKWh: number;
  /** The site's share of the fleet target, kW. */
  targetKW: number;
}

/** A site's part of one event. */
export interface SiteSettlement {
  index: number;
  id: string;
  baseline: BaselineResult;
  intervals: IntervalRow[];
  baselineKWh: number;
  actualKWh: number;
  deliveredKWh: number;
  targetKWh: number;
  /** The site judged on its own share (informative; pay follows the fleet). */
  band: BandOutcome;
  /** Share of the fleet payment, by delivered kWh. */
  payment: number;
  /** Share of the fleet penalty, by shortfall against the site's share of the target. */
  penalty: number;
}

/** One line of the statement. */
export interface StatementLine {
  event: string;
  /** Site id, or "fleet". */
  party: string;
  item: string;
  quantity: number;
  unit: string;
  rate: number;
  amount: number;
}

/** One event, settled. */
export interface EventSettlement {
  id: string;
  source: string;
  direction: Direction;
  startMs: number;
  endMs: number;
  intervalMinutes: number;
  /** Fleet target per interval, kW. */
  targetKW: number[];
  /** Mean fleet target over the event, kW. */
  meanTargetKW: number;
  baselineKWh: number;
  actualKWh: number;
  deliveredKWh: number;
  targetKWh: number;
  deliveryRatio: number;
  band: BandOutcome;
  /** Interval bands when the program assesses per interval. */
  intervalBands?: BandOutcome[];
  /** Payment from the grid to the aggregator. */
  payment: number;
  penalty: number;
  /** Part of the payment the aggregator keeps. */
  aggregatorKeeps: number;
  sites: SiteSettlement[];
  lines: StatementLine[];
}

/** What settling one event needs: per site, the baseline and the metered load of the event intervals. */
export interface SettleEventInput {
  event: GridEvent;
  program: ResolvedProgram;
  /** Interval starts, UTC ms. */
  intervalStartMs: number[];
  intervalMinutes: number;
  /** Fleet target per interval, kW. */
  targetKW: Float64Array;
  sites: Array<{ index: number; id: string; baseline: BaselineResult; actualKW: Float64Array; targetShare: Float64Array }>;
}

const sum = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
};

/** Settles one event for the fleet and each site. */
export function settleEvent(input: SettleEventInput): EventSettlement {
  const { event, program } = input;
  const dh = input.intervalMinutes / 60;
  const sign = event.direction === 'reduce' ? 1 : -1;
  const J = input.intervalStartMs.length;
  const rules = program.delivery;
  const sites = input.sites.map((s) => {
    const intervals: IntervalRow[] = [];
    for (let j = 0; j < J; j++) {
      const b = s.baseline.kw[j]!;
      const a = s.actualKW[j]!;
      intervals.push({ startMs: input.intervalStartMs[j]!, baselineKW: b, actualKW: a, deliveredKWh: sign * (b - a) * dh, targetKW: input.targetKW[j]! * s.targetShare[j]! });
    }
    const deliveredKWh = sum(intervals.map((r) => r.deliveredKWh));
    const targetKWh = sum(intervals.map((r) => r.targetKW * dh));
    return {
      index: s.index, id: s.id, baseline: s.baseline, intervals,
      baselineKWh: sum(intervals.map((r) => r.baselineKW * dh)),
      actualKWh: sum(intervals.map((r) => r.actualKW * dh)),
      deliveredKWh, targetKWh,
      band: applyBand(deliveredKWh, targetKWh, rules, program.energyPayPerMWh),
      payment: 0, penalty: 0,
    };
  });
  const deliveredKWh = sum(sites.map((s) => s.deliveredKWh));
  const targetKWh = sum(input.targetKW) * dh;
  let band = applyBand(deliveredKWh, targetKWh, rules, program.energyPayPerMWh);
  let intervalBands: BandOutcome[] | undefined;
  let payment = band.payment;
  let penalty = band.penalty;
  if (rules.assess === 'interval') {
    intervalBands = [];
    payment = 0;
    penalty = 0;
    for (let j = 0; j < J; j++) {
      const d = sum(sites.map((s) => s.intervals[j]!.deliveredKWh));
      const b = applyBand(d, input.targetKW[j]! * dh, rules, program.energyPayPerMWh);
      intervalBands.push(b);
      payment += b.payment;
      penalty += b.penalty;
    }
    band = { ...band, payment, penalty, paidKWh: sum(intervalBands.map((b) => b.paidKWh)), shortfallKWh: sum(intervalBands.map((b) => b.shortfallKWh)) };
  }
  const aggregatorKeeps = payment * program.aggregatorShare;
  const toSites = payment - aggregatorKeeps;
  const positive = sites.map((s) => Math.max(0, s.deliveredKWh));
  const totalPositive = sum(positive);
  const short = sites.map((s) => Math.max(0, s.targetKWh - s.deliveredKWh));
  const totalShort = sum(short);
  const totalTarget = sum(sites.map((s) => s.targetKWh));
  sites.forEach((s, i) => {
    s.payment = totalPositive > 0 ? (toSites * positive[i]!) / totalPositive : 0;
    // a penalty falls on the sites that fell short of their share; if none did, on all by target
    s.penalty = penalty > 0 ? (totalShort > 0 ? (penalty * short[i]!) / totalShort : totalTarget > 0 ? (penalty * s.targetKWh) / totalTarget : penalty / sites.length) : 0;
  });

  const lines: StatementLine[] = [];
  const mwh = (kwh: number) => kwh / 1000;
  lines.push({ event: event.id, party: 'fleet', item: 'target', quantity: mwh(targetKWh), unit: 'MWh', rate: 0, amount: 0 });
  lines.push({ event: event.id, party: 'fleet', item: 'delivered', quantity: mwh(deliveredKWh), unit: 'MWh', rate: 0, amount: 0 });
  lines.push({ event: event.id, party: 'fleet', item: `energy payment (${band.rule}; delivery ratio ${band.ratio.toFixed(4)})`, quantity: mwh(band.paidKWh), unit: 'MWh', rate: program.energyPayPerMWh, amount: payment });
  if (penalty > 0) lines.push({ event: event.id, party: 'fleet', item: `non-performance penalty (below ${(rules.penaltyBelowRatio * 100).toFixed(0)} % of the target, × ${rules.penaltyMultiple})`, quantity: mwh(band.shortfallKWh), unit: 'MWh', rate: -rules.penaltyPricePerMWh * rules.penaltyMultiple, amount: -penalty });
  if (aggregatorKeeps > 0) lines.push({ event: event.id, party: 'fleet', item: `aggregator share (${(program.aggregatorShare * 100).toFixed(1)} %)`, quantity: program.aggregatorShare, unit: 'fraction', rate: 0, amount: -aggregatorKeeps });
  for (const s of sites) {
    lines.push({ event: event.id, party: s.id, item: 'revenue share by delivered kWh', quantity: mwh(Math.max(0, s.deliveredKWh)), unit: 'MWh', rate: s.deliveredKWh > 0 ? s.payment / mwh(s.deliveredKWh) : 0, amount: s.payment });
    if (s.penalty > 0) lines.push({ event: event.id, party: s.id, item: 'penalty share by shortfall', quantity: mwh(Math.max(0, s.targetKWh - s.deliveredKWh)), unit: 'MWh', rate: 0, amount: -s.penalty });
  }
  return {
    id: event.id,
    source: event.source,
    direction: event.direction,
    startMs: event.startMs,
    endMs: event.endMs,
    intervalMinutes: input.intervalMinutes,
    targetKW: [...input.targetKW],
    meanTargetKW: J > 0 ? sum(input.targetKW) / J : 0,
    baselineKWh: sum(sites.map((s) => s.baselineKWh)),
    actualKWh: sum(sites.map((s) => s.actualKWh)),
    deliveredKWh,
    targetKWh,
    deliveryRatio: targetKWh > 0 ? deliveredKWh / targetKWh : 0,
    band,
    intervalBands,
    payment,
    penalty,
    aggregatorKeeps,
    sites,
    lines,
  };
}

/** Capacity payment over the horizon for a commitment. */
export interface CapacitySettlement {
  commitmentKW: number;
  months: number;
  ratePerKWMonth: number;
  amount: number;
  aggregatorKeeps: number;
  /** Paid to each site in proportion to its committed share. */
  bySite: Array<{ id: string; commitmentKW: number; payment: number }>;
}

/** Capacity pay: commitment × rate × months, shared by committed kW after the aggregator's share. */
export function settleCapacity(program: ResolvedProgram, commitmentKW: number, months: number, bySite: Array<{ id: string; commitmentKW: number }>): CapacitySettlement {
  const amount = commitmentKW * program.capacityPayPerKWMonth * months;
  const keeps = amount * program.aggregatorShare;
  const total = bySite.reduce((a, s) => a + s.commitmentKW, 0);
  return {
    commitmentKW, months, ratePerKWMonth: program.capacityPayPerKWMonth, amount, aggregatorKeeps: keeps,
    bySite: bySite.map((s) => ({ ...s, payment: total > 0 ? ((amount - keeps) * s.commitmentKW) / total : 0 })),
  };
}

/** Totals of a settled program run. */
export interface SettlementTotals {
  events: number;
  targetKWh: number;
  deliveredKWh: number;
  deliveryRatio: number;
  energyPayment: number;
  capacityPayment: number;
  penalty: number;
  aggregatorKeeps: number;
  /** Payments − penalties (fleet, before the aggregator's share). */
  net: number;
  bySite: Array<{ id: string; baselineKWh: number; actualKWh: number; deliveredKWh: number; payment: number; penalty: number }>;
}

/** Adds up events (and capacity pay) per fleet and site. */
export function settlementTotals(events: EventSettlement[], capacity?: CapacitySettlement): SettlementTotals {
  const bySite = new Map<string, SettlementTotals['bySite'][number]>();
  for (const e of events) {
    for (const s of e.sites) {
      const cur = bySite.get(s.id) ?? { id: s.id, baselineKWh: 0, actualKWh: 0, deliveredKWh: 0, payment: 0, penalty: 0 };
      cur.baselineKWh += s.baselineKWh;
      cur.actualKWh += s.actualKWh;
      cur.deliveredKWh += s.deliveredKWh;
      cur.payment += s.payment;
      cur.penalty += s.penalty;
      bySite.set(s.id, cur);
    }
  }
  for (const c of capacity?.bySite ?? []) {
    const cur = bySite.get(c.id) ?? { id: c.id, baselineKWh: 0, actualKWh: 0, deliveredKWh: 0, payment: 0, penalty: 0 };
    cur.payment += c.payment;
    bySite.set(c.id, cur);
  }
  const targetKWh = sum(events.map((e) => e.targetKWh));
  const deliveredKWh = sum(events.map((e) => e.deliveredKWh));
  const energyPayment = sum(events.map((e) => e.payment));
  const penalty = sum(events.map((e) => e.penalty));
  const capacityPayment = capacity?.amount ?? 0;
  return {
    events: events.length,
    targetKWh,
    deliveredKWh,
    deliveryRatio: targetKWh > 0 ? deliveredKWh / targetKWh : 0,
    energyPayment,
    capacityPayment,
    penalty,
    aggregatorKeeps: sum(events.map((e) => e.aggregatorKeeps)) + (capacity?.aggregatorKeeps ?? 0),
    net: energyPayment + capacityPayment - penalty,
    bySite: [...bySite.values()],
  };
}
