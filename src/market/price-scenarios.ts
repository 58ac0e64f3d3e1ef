/**
 * Price scenarios for a bid: an analogue ("similar days") ensemble drawn from the market's own
 * history. At bidding time (the morning before day D) the day-ahead prices up to D−1 and the
 * real-time prices up to D−2 are known. Each candidate day d of the last `historyDays` is
 * scored by how much the day before it looked like the latest known day-ahead day (root mean
 * square difference of the local-hour profiles), doubled when d and D differ in weekday versus
 * weekend. The `count` closest days become equally likely scenarios: their day-ahead,
 * real-time and reserve prices, the energy prices shifted by the difference in level between
 * the latest known day and the day before the analogue. Their probability-weighted mean is the
 * point forecast a deterministic price-taker plans on.
 */
import { InputError } from '../errors/index.ts';
import type { MarketData, MarketDay } from './market-data.ts';

/** Scenarios for one market day. */
export interface PriceScenarios {
  day: MarketDay;
  method: 'similar-days' | 'persistence';
  /** Local date of each scenario's analogue day. */
  analogues: string[];
  /** Distance of each analogue from the latest known day, currency/MWh. */
  distance: number[];
  probability: number[];
  /** Day-ahead price per scenario and step of the day (index t − day.from), currency/MWh. */
  dayAhead: Float64Array[];
  /** Real-time price per scenario and step. */
  realTime: Float64Array[];
  /** Reserve capacity price per product, scenario and step, per MW and hour. */
  reservePrice: Float64Array[][];
  /** Probability-weighted mean day-ahead price per step: the point forecast. */
  forecast: Float64Array;
  notes: string[];
}

interface DayInfo {
  first: number;
  end: number;
  weekend: boolean;
}

const dayCache = new WeakMap<MarketData, DayInfo[]>();

function daysOf(md: MarketData): DayInfo[] {
  let days = dayCache.get(md);
  if (days) return days;
  days = [];
  const cal = md.calendar;
  for (let t = 0; t < md.grid.steps; t++) {
    const d = cal.dayIndex[t]!;
    if (!days[d]) days[d] = { first: t, end: t + 1, weekend: cal.weekday[t] === 0 || cal.weekday[t] === 6 };
    else days[d]!.end = t + 1;
  }
  dayCache.set(md, days);
  return days;
}

/** Slot of a step within its local day: hour × steps per hour + quarter. */
function slotOf(md: MarketData, t: number): number {
  const per = 60 / md.grid.stepMinutes;
  return md.calendar.hour[t]! * per + Math.floor(md.calendar.minute[t]! / md.grid.stepMinutes);
}

/** Mean value per local slot of day d over known steps; NaN where the day has none. */
function profile(md: MarketData, values: Float64Array, known: Uint8Array, d: DayInfo): Float64Array {
  const n = 24 * (60 / md.grid.stepMinutes);
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  for (let t = d.first; t < d.end; t++) {
    if (!known[t]) continue;
    const k = slotOf(md, t);
    sum[k]! += values[t]!;
    cnt[k]!++;
  }
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = cnt[k]! > 0 ? sum[k]! / cnt[k]! : NaN;
  // the hour a spring-forward day skips takes its neighbour's value
  for (let k = 0; k < n; k++) if (Number.isNaN(out[k]!)) out[k] = k > 0 ? out[k - 1]! : out[k + 1]!;
  return out;
}

function complete(known: Uint8Array, d: DayInfo, share = 1): boolean {
  let k = 0;
  for (let t = d.first; t < d.end; t++) k += known[t]!;
  return k >= share * (d.end - d.first) - 1e-9;
}

function mean(a: Float64Array): number {
  let s = 0, n = 0;
  for (const x of a) if (!Number.isNaN(x)) { s += x; n++; }
  return n ? s / n : 0;
}

/** Builds `count` price scenarios for `day` from the history before it. */
export function priceScenarios(md: MarketData, day: MarketDay, count: number, historyDays: number): PriceScenarios {
  const days = daysOf(md);
  const D = md.calendar.dayIndex[day.from + md.offset]!;
  const notes: string[] = [];
  // the latest day whose day-ahead prices are known in full when the bid is made
  let f = D - 1;
  while (f >= 0 && !complete(md.dayAheadKnown, days[f]!)) f--;
  if (f < 0) {
    throw new InputError('SERIES_INVALID', `no complete day of day-ahead prices before ${day.key}: the market's day-ahead series must start earlier (price scenarios need history)`, { path: `markets[${md.index}].dayAhead` });
  }
  const lag = D - f;
  if (lag > 1) notes.push(`day-ahead prices of the day before ${day.key} are missing; scenarios are matched to ${md.calendar.dayKeys[f]}`);
  const target = profile(md, md.dayAhead, md.dayAheadKnown, days[f]!);
  const targetMean = mean(target);
  const weekendD = days[D]!.weekend;
  const candidates: Array<{ d: number; dist: number }> = [];
  for (let d = Math.max(lag, D - historyDays); d <= D - 2; d++) {
    const day_ = days[d]!;
    const before = days[d - lag]!;
    if (!complete(md.dayAheadKnown, day_) || !complete(md.dayAheadKnown, before) || !complete(md.realTimeKnown, day_, 0.9)) continue;
    const p = profile(md, md.dayAhead, md.dayAheadKnown, before);
    let s = 0;
    for (let k = 0; k < p.length; k++) s += (p[k]! - target[k]!) ** 2;
    let dist = Math.sqrt(s / p.length);
    if (day_.weekend !== weekendD) dist *= 2;
    candidates.push({ d, dist });
  }
  // closest first; among equals the more recent day
  candidates.sort((a, b) => a.dist - b.dist || b.d - a.d);
  const chosen = candidates.slice(0, Math.max(1, count));
  const T = day.to - day.from;
  const { priceFloorPerMWh: floor, priceCapPerMWh: cap } = md.rules;
  const clamp = (x: number) => Math.max(floor, Math.min(cap, x));
  const out: PriceScenarios = {
    day, method: 'similar-days', analogues: [], distance: [], probability: [], dayAhead: [], realTime: [],
    reservePrice: md.reserves.map(() => []), forecast: new Float64Array(T), notes,
  };
  const slotAt = Array.from({ length: T }, (_, k) => slotOf(md, day.from + k + md.offset));
  if (chosen.length === 0) {
    // too little history: tomorrow looks like the latest known day, at its real-time prices too
    out.method = 'persistence';
    notes.push(`fewer than one usable analogue day in the ${historyDays} days before ${day.key}: one scenario, the day-ahead prices of ${md.calendar.dayKeys[f]} (real-time taken equal)`);
    const da = Float64Array.from(slotAt, (k) => clamp(target[k]!));
    out.analogues.push(md.calendar.dayKeys[f]!);
    out.distance.push(0);
    out.probability.push(1);
    out.dayAhead.push(da);
    out.realTime.push(Float64Array.from(da));
    md.reserves.forEach((r, i) => {
      const known = complete(r.priceKnown, days[f]!);
      const rp = profile(md, r.price, r.priceKnown, days[f]!);
      out.reservePrice[i]!.push(Float64Array.from(slotAt, (k) => (known ? Math.max(0, rp[k]!) : 0)));
    });
  } else {
    for (const c of chosen) {
      const dd = days[c.d]!;
      const shift = targetMean - mean(profile(md, md.dayAhead, md.dayAheadKnown, days[c.d - lag]!));
      const da = profile(md, md.dayAhead, md.dayAheadKnown, dd);
      const rt = profile(md, md.realTime, md.realTimeKnown, dd);
      out.analogues.push(md.calendar.dayKeys[c.d]!);
      out.distance.push(c.dist);
      out.probability.push(1 / chosen.length);
      out.dayAhead.push(Float64Array.from(slotAt, (k) => clamp(da[k]! + shift)));
      out.realTime.push(Float64Array.from(slotAt, (k) => rt[k]! + shift));
      md.reserves.forEach((r, i) => {
        const known = complete(r.priceKnown, dd, 0.9);
        const rp = profile(md, r.price, r.priceKnown, dd);
        out.reservePrice[i]!.push(Float64Array.from(slotAt, (k) => (known ? Math.max(0, rp[k]!) : 0)));
      });
    }
    if (chosen.length < count) notes.push(`${chosen.length} usable analogue day${chosen.length > 1 ? 's' : ''} (of ${count} asked) in the ${historyDays} days before ${day.key}`);
  }
  for (let s = 0; s < out.dayAhead.length; s++) for (let k = 0; k < T; k++) out.forecast[k]! += out.probability[s]! * out.dayAhead[s]![k]!;
  return out;
}
