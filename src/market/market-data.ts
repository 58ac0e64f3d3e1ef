/**
 * Loads one market of a resolved scenario: day-ahead, real-time and reserve prices and reserve
 * deployments, on a grid that starts `historyDays` before the horizon (price scenarios are
 * drawn from that history), with a mask of the steps the files really cover. Missing days stay
 * visible: a day without day-ahead prices is a day the auction cannot be replayed.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { alignSeries, loadSeries, readRawSeries } from '../series/index.ts';
import type { AlignReport, Quantity, RawSeries } from '../series/types.ts';
import type { Market, MarketSeriesRef, ReserveProduct } from '../scenario/schema/index.ts';
import { calendarOf, gridEndMs, type Calendar, type TimeGrid } from '../time/grid.ts';
import { assertTimeZone, offsetMinutesAt, utcToWallClock } from '../time/zone.ts';
import { marketRules, type MarketRules } from './rules.ts';

/** One local market day inside the horizon, as horizon steps [from, to). */
export interface MarketDay {
  key: string;
  from: number;
  to: number;
}

/** A reserve product with its prices and deployments on the extended grid. */
export interface ReserveData {
  index: number;
  spec: ReserveProduct;
  /** Capacity price per MW and hour, currency. */
  price: Float64Array;
  priceKnown: Uint8Array;
  /** Share of the reserved capacity called at each step, 0–1. */
  deployedShare: Float64Array;
  deploymentSource: string;
}

/** A market's data on one grid. */
export interface MarketData {
  index: number;
  spec: Market;
  rules: MarketRules;
  timeZone: string;
  currency: string;
  /** The horizon grid extended backwards by the history. */
  grid: TimeGrid;
  /** Extended-grid index of horizon step 0. */
  offset: number;
  /** Local calendar of the extended grid in the market's zone. */
  calendar: Calendar;
  dayAhead: Float64Array;
  dayAheadKnown: Uint8Array;
  realTime: Float64Array;
  realTimeKnown: Uint8Array;
  reserves: ReserveData[];
  /** Sites bidding as one portfolio. */
  siteIndices: number[];
  /** Complete local market days inside the horizon. */
  days: MarketDay[];
  reports: AlignReport[];
}

const DAY_MS = 86_400_000;

/** Steps of `grid` that some non-missing sample of `raw` covers (each sample lasts until the next or one interval). */
export function coverageMask(raw: RawSeries, grid: TimeGrid): Uint8Array {
  const n = grid.steps;
  const mask = new Uint8Array(n);
  const order = Array.from(raw.times.keys()).sort((a, b) => raw.times[a]! - raw.times[b]!);
  const t = order.map((i) => raw.times[i]!);
  const gaps: number[] = [];
  for (let i = 1; i < t.length; i++) if (t[i]! > t[i - 1]!) gaps.push(t[i]! - t[i - 1]!);
  gaps.sort((a, b) => a - b);
  const interval = gaps.length ? gaps[gaps.length >> 1]! : grid.stepMinutes * 60_000;
  const stepMs = grid.stepMinutes * 60_000;
  const covered = new Float64Array(n);
  for (let k = 0; k < order.length; k++) {
    if (Number.isNaN(raw.values[order[k]!]!)) continue;
    const a = t[k]!;
    let next = Infinity;
    for (let j = k + 1; j < t.length; j++) if (t[j]! > a) { next = t[j]!; break; }
    const b = Math.min(a + interval, next);
    const j0 = Math.max(0, Math.floor((a - grid.startMs) / stepMs));
    const j1 = Math.min(n - 1, Math.ceil((b - grid.startMs) / stepMs) - 1);
    for (let j = j0; j <= j1; j++) {
      const s0 = grid.startMs + j * stepMs;
      covered[j]! += Math.max(0, Math.min(b, s0 + stepMs) - Math.max(a, s0));
    }
  }
  // a step counts as covered when data spans at least half of it
  for (let j = 0; j < n; j++) if (covered[j]! >= stepMs / 2) mask[j] = 1;
  return mask;
}

interface Loaded {
  values: Float64Array;
  known: Uint8Array;
  report: AlignReport;
}

function concatRaw(parts: RawSeries[], where: { file?: string; path: string }): RawSeries {
  if (parts.length === 1) return parts[0]!;
  const units = new Set(parts.map((p) => p.unit));
  if (units.size > 1) throw new InputError('SERIES_INVALID', `the files of one series state different units (${[...units].join(', ')})`, where);
  const n = parts.reduce((a, p) => a + p.times.length, 0);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  const lines = new Int32Array(n);
  let k = 0;
  for (const p of parts) {
    times.set(p.times, k);
    values.set(p.values, k);
    lines.set(p.lines, k);
    k += p.times.length;
  }
  return {
    times, values, lines, unit: parts[0]!.unit,
    nonexistentLocalTimes: parts.reduce((a, p) => a + p.nonexistentLocalTimes, 0),
    source: parts.map((p) => p.source).join(' + '),
  };
}

/** Capacity prices are per MW and hour: accept `EUR/MW`, `EUR/MW/h` and `EUR/MWh` alike. */
function capacityUnit<T extends object>(ref: T): T {
  const unit = (ref as { unit?: unknown }).unit;
  if (typeof unit !== 'string') return ref;
  const m = /^\s*([A-Za-z]{3}|[$€£])\s*\/\s*MW\s*(\/\s*h|h)?\s*$/i.exec(unit);
  return m ? { ...ref, unit: `${m[1]}/MWh` } : ref;
}

function loadMarketSeries(
  ref: MarketSeriesRef,
  quantity: Quantity,
  path: string,
  ctx: { baseDir: string; grid: TimeGrid; currency: string; defaultTimeZone: string },
  capacity = false,
): Loaded {
  const refs = Array.isArray(ref) ? ref : [ref];
  const fileRefs = refs.filter((r): r is Extract<typeof r, { file: string }> => 'file' in r);
  if (fileRefs.length !== refs.length) {
    if (refs.length > 1) throw new InputError('SCENARIO_INVALID', 'a list of series may hold only file references', { path });
    const s = loadSeries(capacity ? capacityUnit(refs[0]!) : refs[0]!, { ...ctx, quantity, name: path });
    return { values: s.values, known: new Uint8Array(ctx.grid.steps).fill(1), report: s.report };
  }
  const parts = fileRefs.map((r, i) => readRawSeries(capacity ? capacityUnit(r) : r, { baseDir: ctx.baseDir, name: refs.length > 1 ? `${path}[${i}]` : path, defaultTimeZone: ctx.defaultTimeZone }));
  const where = { file: fileRefs.map((r) => r.file).join(', '), path };
  const raw = concatRaw(parts, where);
  const first = fileRefs[0]!;
  // history before the files start and the market's missing days are gaps, judged by the mask
  const aligned = alignSeries(raw, { grid: ctx.grid, quantity, where, currency: ctx.currency, fill: first.fill === 'error' ? 'error' : 'linear', maxGapHours: Infinity, scale: first.scale });
  return { values: aligned.values, known: coverageMask(raw, ctx.grid), report: aligned.report };
}

/** Seeded uniform numbers (xorshift32), so deployment draws repeat exactly. */
function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
}

/** Complete local days of the horizon in zone `tz`. */
export function marketDays(grid: TimeGrid, tz: string): MarketDay[] {
  const cal = calendarOf(grid, tz);
  const days: MarketDay[] = [];
  const n = grid.steps;
  let t = 0;
  while (t < n) {
    const d = cal.dayIndex[t]!;
    let u = t;
    while (u < n && cal.dayIndex[u] === d) u++;
    const startsAtMidnight = cal.hour[t] === 0 && cal.minute[t] === 0;
    let endsAtMidnight = u < n;
    if (u === n) {
      const end = gridEndMs(grid);
      const w = utcToWallClock(end, offsetMinutesAt(tz, end));
      endsAtMidnight = w.hour === 0 && w.minute === 0;
    }
    if (startsAtMidnight && endsAtMidnight) days.push({ key: cal.dayKeys[d]!, from: t, to: u });
    t = u;
  }
  return days;
}

/** Finds the market to use: by id, or the only one. */
export function pickMarket(markets: Market[], id: string | undefined, file: string): number {
  if (markets.length === 0) throw new InputError('SCENARIO_REFERENCE', 'the scenario has no markets section; add markets: [{ id, rules, dayAhead, realTime }] (docs/markets.md)', { file, path: 'markets' });
  if (id === undefined) {
    if (markets.length > 1) throw new InputError('OPTION_INVALID', `the scenario has ${markets.length} markets (${markets.map((m) => m.id).join(', ')}); choose one with --market`, { path: '--market' });
    return 0;
  }
  const i = markets.findIndex((m) => m.id === id);
  if (i < 0) throw new InputError('OPTION_INVALID', `unknown market "${id}"; markets in this scenario: ${markets.map((m) => m.id).join(', ')}`, { path: '--market' });
  return i;
}

/** Loads market `index` of the model's scenario. */
export function loadMarket(model: FleetModel, index: number): MarketData {
  const r = model.resolved;
  const spec = r.scenario.markets[index]!;
  const p = `markets[${index}]`;
  const loc = (path: string) => r.locate(path.replace(/\[(\d+)\]/g, '.$1').split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
  const fail = (message: string, path: string): never => {
    throw new InputError('SCENARIO_INVALID', message, loc(path));
  };
  const rules = marketRules(spec.rules, spec.limits);
  if (rules.priceFloorPerMWh >= rules.priceCapPerMWh) fail(`the price floor (${rules.priceFloorPerMWh}) must be below the price cap (${rules.priceCapPerMWh})`, `${p}.limits`);
  if (rules.currency && rules.currency !== model.currency) {
    fail(`the ${rules.name} preset prices in ${rules.currency} but the scenario's currency is ${model.currency}; set currency: ${rules.currency} or rules: generic`, `${p}.rules`);
  }
  const timeZone = spec.timeZone ?? rules.timeZone ?? model.grid.timeZone;
  assertTimeZone(timeZone, `${p}.timeZone`);
  const siteIds = spec.sites ?? model.sites.map((s) => s.id);
  const siteIndices = siteIds.map((id, j) => {
    const s = model.sites.find((x) => x.id === id);
    if (!s) throw new InputError('SCENARIO_REFERENCE', `unknown site "${id}"; sites in this scenario: ${model.sites.map((x) => x.id).join(', ')}`, loc(`${p}.sites[${j}]`));
    if (s.tariff.energy.type !== 'spot' || s.tariff.energy.multiplier !== 1) {
      fail(`site "${id}" bids in the market, so its energy must be bought at the market price: use tariff.energy { type: spot } (multiplier 1; adderPerMWh for network charges)`, `sites[${s.index}].tariff.energy`);
    }
    return s.index;
  });
  const h = model.grid;
  const stepMs = h.stepMinutes * 60_000;
  const historySteps = Math.round(((spec.bidding.historyDays + 2) * DAY_MS) / stepMs);
  const grid: TimeGrid = { startMs: h.startMs - historySteps * stepMs, stepMinutes: h.stepMinutes, steps: h.steps + historySteps, timeZone: h.timeZone };
  const ctx = { baseDir: r.baseDir, grid, currency: model.currency, defaultTimeZone: h.timeZone };
  const reports: AlignReport[] = [];
  const da = loadMarketSeries(spec.dayAhead, 'price', `${p}.dayAhead`, ctx);
  const rt = loadMarketSeries(spec.realTime, 'price', `${p}.realTime`, ctx);
  reports.push(da.report, rt.report);
  const reserves: ReserveData[] = spec.reserves.map((rs, k) => {
    const rp = `${p}.reserves[${k}]`;
    const price = loadMarketSeries(rs.capacityPrice, 'price', `${rp}.capacityPrice`, ctx, true);
    reports.push(price.report);
    const deployedShare = new Float64Array(grid.steps);
    let deploymentSource = 'never called';
    const dep = rs.deployment;
    if (dep && 'rate' in dep) {
      const draw = uniform(dep.seed * 2654435761 + k);
      const cal = calendarOf(grid, timeZone);
      let hourKey = -1;
      let on = 0;
      for (let t = 0; t < grid.steps; t++) {
        const key = cal.dayIndex[t]! * 24 + cal.hour[t]!;
        if (key !== hourKey) {
          hourKey = key;
          on = draw() < dep.rate ? 1 : 0;
        }
        deployedShare[t] = on;
      }
      deploymentSource = `whole capacity called in ${(dep.rate * 100).toFixed(1)} % of hours (seed ${dep.seed})`;
    } else if (dep && 'share' in dep) {
      const s = loadMarketSeries(dep.share, 'share', `${rp}.deployment.share`, ctx);
      reports.push(s.report);
      for (let t = 0; t < grid.steps; t++) deployedShare[t] = s.known[t] ? Math.max(0, Math.min(1, s.values[t]!)) : 0;
      deploymentSource = 'deployed share series';
    } else if (dep && 'activated' in dep) {
      const a = loadMarketSeries(dep.activated, 'power', `${rp}.deployment.activated`, ctx);
      const q = loadMarketSeries(dep.procured, 'power', `${rp}.deployment.procured`, ctx);
      reports.push(a.report, q.report);
      for (let t = 0; t < grid.steps; t++) {
        deployedShare[t] = a.known[t] && q.known[t] && q.values[t]! > 0 ? Math.max(0, Math.min(1, a.values[t]! / q.values[t]!)) : 0;
      }
      deploymentSource = 'activated energy / procured capacity of the system operator';
    }
    if (rs.qualification.minDurationHours > rs.deploymentBudgetHoursPerDay && rs.deployment) {
      fail(`deploymentBudgetHoursPerDay (${rs.deploymentBudgetHoursPerDay}) is shorter than one delivery (minDurationHours ${rs.qualification.minDurationHours})`, `${rp}.deploymentBudgetHoursPerDay`);
    }
    return { index: k, spec: rs, price: price.values, priceKnown: price.known, deployedShare, deploymentSource };
  });
  const days = marketDays(h, timeZone);
  if (days.length === 0) fail(`the horizon holds no whole market day in ${timeZone}; start it at local midnight and make it at least 24 h long`, 'horizon');
  return {
    index, spec, rules, timeZone, currency: model.currency, grid, offset: historySteps,
    calendar: calendarOf(grid, timeZone),
    dayAhead: da.values, dayAheadKnown: da.known, realTime: rt.values, realTimeKnown: rt.known,
    reserves, siteIndices, days, reports,
  };
}

/** Share of the steps [from, to) (horizon steps) a mask covers. */
export function knownShare(md: MarketData, known: Uint8Array, from: number, to: number): number {
  let k = 0;
  for (let t = from; t < to; t++) k += known[t + md.offset]!;
  return to > from ? k / (to - from) : 0;
}
