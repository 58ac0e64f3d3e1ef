/**
 * A site's tariff compiled onto the time grid: per-step energy and export prices, the steps each
 * demand charge measures, rates per horizon month, tier blocks, proration shares and fixed
 * charges. The bill (src/billing) and the optimiser (src/plan) both read this one value, so a
 * plan prices exactly what the bill will charge.
 */
import { InputError } from '../errors/index.ts';
import type { DemandCharge, Tariff } from '../scenario/schema/index.ts';
import { stepHours, type Calendar, type TimeGrid } from '../time/grid.ts';
import { wallClockToUtc } from '../time/zone.ts';
import { stepInWindow, touPeriodNames, touPeriodPrices, touPeriodSeries, workdayMask } from './tou.ts';

/** One demand charge on the grid. */
export interface CompiledDemandCharge {
  name: string;
  /** Bill line text, e.g. `maximum demand (60-min average)`. */
  item: string;
  /** Steps per averaging interval (intervals start at the grid's first step). */
  intervalSteps: number;
  intervalMinutes: number;
  /** 1 at the first step of every interval whose demand counts (in a window, or a system-peak interval). */
  counts: Uint8Array;
  /** Bill the highest counted interval of the month, or the average of the counted intervals. */
  measure: 'max' | 'average';
  /** Block sizes of billed demand, kW (the last is Infinity). */
  tierKW: number[];
  /** Rate of each block in each horizon month, currency per kW-month before proration: rates[block][month]. */
  rates: Float64Array[];
  /** Rates never fall from one block to the next (the cost is convex in demand: a linear program is exact). */
  convex: boolean;
  ratchet?: {
    /** Share of the earlier peak billed at least, per horizon month. */
    fraction: Float64Array;
    lookbackMonths: number;
    /** Only peaks of these months of the year count (undefined: all). */
    monthsOfYear?: ReadonlySet<number>;
  };
  /** Peaks given as inputs, kW, by month key (earlier months; or the peak so far of a horizon month). */
  history: ReadonlyMap<string, number>;
}

/** China's two-part basic charge. */
export interface CompiledTwoPart {
  kva: number;
  capacityRatePerKVAMonth: number;
  demandRatePerKWMonth: number;
  basis: 'capacity' | 'demand' | 'cheaper';
  /** Least billed demand, kW (share of contracted kVA). */
  floorKW: number;
  intervalSteps: number;
  intervalMinutes: number;
  /** Horizon month indices of each choice period (a choice holds for all its months). */
  choiceGroups: number[][];
}

/** What exported energy earns. */
export interface CompiledExport {
  kind: 'none' | 'price' | 'netMetering';
  /** Credit per MWh exported at each step: the price (price kinds) or the retail rate (net metering). */
  price: Float64Array;
  /** Net metering: credit per MWh beyond the limit. */
  excessPricePerMWh: number;
  /** Net metering: most energy credited at retail per month, MWh before proration; undefined: up to the month's import. */
  limitMWhPerMonth?: number;
}

/** A tariff on the grid. */
export interface CompiledTariff {
  /** Energy pricing kind (bill line labels). */
  energyKind: 'spot' | 'flat' | 'tou';
  /** TOU period names; `period[t]` indexes them. */
  periods: string[];
  period?: Int8Array;
  /** Energy price per step, currency/MWh, without the adder. */
  energyPrice: Float64Array;
  /** Network and government charges per MWh imported. */
  adderPerMWh: number;
  /** Blocks of monthly import: size (MWh, before proration; the last is Infinity) and the price added in it. */
  energyTiers: Array<{ sizeMWh: number; adderPerMWh: number }>;
  /** Block adders never fall (a linear program is exact). */
  energyTiersConvex: boolean;
  demand: CompiledDemandCharge[];
  capacity?: { kva: number; ratePerKVAMonth: number };
  twoPart?: CompiledTwoPart;
  fixedPerMonth: number;
  fixedPerDay: number;
  minimumPerMonth: number;
  proration: 'prorata' | 'whole';
  /** Per horizon month: hours inside the horizon, hours of the whole local month, days of the month, share billed. */
  monthHoursIn: Float64Array;
  monthHours: Float64Array;
  monthDays: Float64Array;
  share: Float64Array;
  export: CompiledExport;
  exclusive: boolean;
}

/** What compiling a tariff needs beside the tariff. */
export interface TariffContext {
  grid: TimeGrid;
  calendar: Calendar;
  spotPrice?: Float64Array;
  temperatureC?: Float64Array;
  contractedCapacityKVA?: number;
  /** Net-billing export price series, currency/MWh. */
  exportPriceSeries?: Float64Array;
  /** Per demand charge (tariff.demandCharges order): 1 in the announced system-peak steps. */
  coincidentSteps?: Array<Float64Array | undefined>;
  path: string;
}

const monthKeyParts = (key: string) => key.split('-').map(Number) as [number, number];

/** Hours of each horizon month: inside the horizon, and of the whole local month (daylight saving counted). */
export function monthHours(grid: TimeGrid, cal: Calendar): { inside: Float64Array; whole: Float64Array; days: Float64Array } {
  const months = cal.monthKeys.length;
  const h = stepHours(grid);
  const inside = new Float64Array(months);
  for (let t = 0; t < grid.steps; t++) inside[cal.monthIndex[t]!]! += h;
  const whole = new Float64Array(months);
  const days = new Float64Array(months);
  cal.monthKeys.forEach((key, m) => {
    const [y, mo] = monthKeyParts(key);
    const start = wallClockToUtc({ year: y, month: mo, day: 1, hour: 0, minute: 0 }, cal.timeZone);
    const end = wallClockToUtc({ year: mo === 12 ? y + 1 : y, month: mo === 12 ? 1 : mo + 1, day: 1, hour: 0, minute: 0 }, cal.timeZone);
    whole[m] = (end - start) / 3_600_000;
    days[m] = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  });
  return { inside, whole, days };
}

function monthlyRates(rate: number | number[], cal: Calendar): Float64Array {
  return Float64Array.from(cal.monthKeys, (key) => (typeof rate === 'number' ? rate : rate[monthKeyParts(key)[1] - 1]!));
}

function compileDemandCharge(d: DemandCharge, index: number, t: Tariff, ctx: TariffContext, work: Uint8Array): CompiledDemandCharge {
  const { grid, calendar: cal } = ctx;
  const path = `${ctx.path}.demandCharges[${index}]`;
  const intervalMinutes = d.intervalMinutes ?? t.demandIntervalMinutes;
  const intervalSteps = Math.max(1, Math.round(intervalMinutes / grid.stepMinutes));
  const counts = new Uint8Array(grid.steps);
  const cp = d.coincident ? ctx.coincidentSteps?.[index] : undefined;
  if (d.coincident && !cp) throw new InputError('SCENARIO_INVALID', 'the coincident-peak steps of this charge were not resolved', { path: `${path}.coincident` });
  for (let i = 0; i < grid.steps; i += intervalSteps) {
    let ok = d.windows.length === 0 || d.windows.some((w) => stepInWindow(w, cal, work, i));
    if (ok && cp) {
      // an interval is a system-peak interval when any of its steps is announced
      ok = false;
      for (let k = 0; k < intervalSteps && i + k < grid.steps; k++) if (cp[i + k]! > 0) ok = true;
    }
    counts[i] = ok ? 1 : 0;
  }
  const tiers = d.tiers ?? [{ ratePerKWMonth: d.ratePerKWMonth! }];
  const tierKW: number[] = [];
  let prev = 0;
  for (const tier of tiers) {
    const top = tier.upToKW ?? Infinity;
    tierKW.push(top - prev);
    prev = top;
  }
  const rates = tiers.map((tier) => monthlyRates(tier.ratePerKWMonth, cal));
  let convex = true;
  for (let k = 1; k < rates.length; k++) for (let m = 0; m < cal.monthKeys.length; m++) if (rates[k]![m]! < rates[k - 1]![m]! - 1e-12) convex = false;
  const r = d.ratchet;
  return {
    name: d.name,
    item: `${d.name} (${intervalMinutes}-min ${d.coincident?.measure === 'average' ? 'average at system peaks' : d.coincident ? 'demand at system peaks' : 'average'})`,
    intervalSteps,
    intervalMinutes,
    counts,
    measure: d.coincident?.measure ?? 'max',
    tierKW,
    rates,
    convex,
    ratchet: r ? { fraction: monthlyRates(r.fraction, cal), lookbackMonths: r.lookbackMonths, monthsOfYear: r.months ? new Set(r.months) : undefined } : undefined,
    history: new Map(d.history.map((x) => [x.month, x.peakKW])),
  };
}

/** Compiles a site's tariff onto the grid. Throws InputError (with the tariff's path) on rules the grid cannot honour. */
export function compileTariff(t: Tariff, ctx: TariffContext): CompiledTariff {
  const { grid, calendar: cal } = ctx;
  const n = grid.steps;
  const e = t.energy;
  const energyPrice = new Float64Array(n);
  let periods: string[] = [];
  let period: Int8Array | undefined;
  let work: Uint8Array;
  if (e.type === 'spot') {
    const s = ctx.spotPrice;
    if (!s) throw new InputError('SCENARIO_REFERENCE', 'a spot tariff needs a price series: add series.price', { path: `${ctx.path}.energy` });
    for (let i = 0; i < n; i++) energyPrice[i] = s[i]! * e.multiplier;
    work = workdayMask(cal, [], []);
  } else if (e.type === 'flat') {
    energyPrice.fill(e.pricePerMWh);
    work = workdayMask(cal, [], []);
  } else {
    periods = touPeriodNames(e);
    const prices = touPeriodPrices(e, periods, `${ctx.path}.energy`);
    period = touPeriodSeries(e, cal, ctx.temperatureC, periods);
    for (let i = 0; i < n; i++) energyPrice[i] = prices[period[i]! * 12 + cal.month[i]! - 1]!;
    work = workdayMask(cal, e.holidays, e.extraWorkdays);
  }
  const adderPerMWh = e.type === 'flat' ? 0 : e.adderPerMWh;

  let prevTop = 0;
  const energyTiers = t.energyTiers.map((tier) => {
    const top = tier.upToMWh ?? Infinity;
    const size = top - prevTop;
    prevTop = top;
    return { sizeMWh: size, adderPerMWh: tier.adderPerMWh };
  });
  let energyTiersConvex = true;
  for (let k = 1; k < energyTiers.length; k++) if (energyTiers[k]!.adderPerMWh < energyTiers[k - 1]!.adderPerMWh - 1e-12) energyTiersConvex = false;

  const demand: CompiledDemandCharge[] = [];
  if (t.demandChargePerKWMonth > 0) {
    const intervalSteps = Math.max(1, Math.round(t.demandIntervalMinutes / grid.stepMinutes));
    const counts = new Uint8Array(n);
    for (let i = 0; i < n; i += intervalSteps) counts[i] = 1;
    demand.push({
      name: 'maximum demand',
      item: `maximum demand (${t.demandIntervalMinutes}-min average)`,
      intervalSteps,
      intervalMinutes: t.demandIntervalMinutes,
      counts,
      measure: 'max',
      tierKW: [Infinity],
      rates: [new Float64Array(cal.monthKeys.length).fill(t.demandChargePerKWMonth)],
      convex: true,
      history: new Map(),
    });
  }
  t.demandCharges.forEach((d, i) => demand.push(compileDemandCharge(d, i, t, ctx, work)));

  const kva = ctx.contractedCapacityKVA ?? 0;
  const capacity = t.capacityChargePerKVAMonth > 0 && kva > 0 ? { kva, ratePerKVAMonth: t.capacityChargePerKVAMonth } : undefined;
  let twoPart: CompiledTwoPart | undefined;
  if (t.twoPart) {
    if (!(kva > 0)) throw new InputError('SCENARIO_INVALID', 'a two-part tariff needs the contracted capacity: set grid.contractedCapacityKVA', { path: `${ctx.path}.twoPart` });
    const groups = new Map<string, number[]>();
    cal.monthKeys.forEach((key, m) => {
      const [y, mo] = monthKeyParts(key);
      const g = t.twoPart!.choicePeriod === 'month' ? key : t.twoPart!.choicePeriod === 'quarter' ? `${y}-Q${Math.ceil(mo / 3)}` : String(y);
      groups.set(g, [...(groups.get(g) ?? []), m]);
    });
    twoPart = {
      kva,
      capacityRatePerKVAMonth: t.twoPart.capacityRatePerKVAMonth,
      demandRatePerKWMonth: t.twoPart.demandRatePerKWMonth,
      basis: t.twoPart.basis,
      floorKW: t.twoPart.minDemandFractionOfCapacity * kva,
      intervalSteps: Math.max(1, Math.round(t.demandIntervalMinutes / grid.stepMinutes)),
      intervalMinutes: t.demandIntervalMinutes,
      choiceGroups: [...groups.values()],
    };
  }

  const hours = monthHours(grid, cal);
  const share = Float64Array.from(hours.inside, (x, m) => (t.proration === 'whole' ? 1 : Math.min(1, x / hours.whole[m]!)));

  const x = t.export;
  const price = new Float64Array(n);
  let kind: CompiledExport['kind'] = 'price';
  let excessPricePerMWh = 0;
  let limitMWhPerMonth: number | undefined;
  if (x.type === 'none') kind = 'none';
  else if (x.type === 'spot') {
    const s = ctx.spotPrice;
    if (!s) throw new InputError('SCENARIO_REFERENCE', 'spot export pricing needs a price series at series.price', { path: `${ctx.path}.export` });
    for (let i = 0; i < n; i++) price[i] = s[i]! * x.multiplier;
  } else if (x.type === 'flat') price.fill(x.pricePerMWh);
  else if (x.type === 'netBilling') {
    const s = ctx.exportPriceSeries;
    if (!s) throw new InputError('SCENARIO_REFERENCE', 'the net-billing export price series was not resolved', { path: `${ctx.path}.export.price` });
    for (let i = 0; i < n; i++) price[i] = s[i]! * x.multiplier;
  } else {
    kind = 'netMetering';
    for (let i = 0; i < n; i++) price[i] = energyPrice[i]! + adderPerMWh;
    excessPricePerMWh = x.excessPricePerMWh;
    limitMWhPerMonth = x.limitMWhPerMonth;
  }

  return {
    energyKind: e.type,
    periods,
    period,
    energyPrice,
    adderPerMWh,
    energyTiers,
    energyTiersConvex,
    demand,
    capacity,
    twoPart,
    fixedPerMonth: t.fixedChargePerMonth,
    fixedPerDay: t.fixedChargePerDay,
    minimumPerMonth: t.minimumChargePerMonth,
    proration: t.proration,
    monthHoursIn: hours.inside,
    monthHours: hours.whole,
    monthDays: hours.days,
    share,
    export: { kind, price, excessPricePerMWh, limitMWhPerMonth },
    exclusive: t.forbidSimultaneousImportExport,
  };
}

/**
 * China's two-part choice for a given load: billing on maximum demand is cheaper than on
 * contracted capacity exactly when the billed demand (at least the floor) is below
 * kVA × capacity rate ÷ demand rate. Returns that demand, kW (Infinity when demand is free).
 */
export function twoPartBreakevenKW(tp: Pick<CompiledTwoPart, 'kva' | 'capacityRatePerKVAMonth' | 'demandRatePerKWMonth'>): number {
  return tp.demandRatePerKWMonth > 0 ? (tp.kva * tp.capacityRatePerKVAMonth) / tp.demandRatePerKWMonth : Infinity;
}

/** Which two-part basis is cheaper for a month whose peak is `peakKW` (before proration). */
export function cheaperTwoPartBasis(tp: Pick<CompiledTwoPart, 'kva' | 'capacityRatePerKVAMonth' | 'demandRatePerKWMonth' | 'floorKW'>, peakKW: number): 'capacity' | 'demand' {
  return Math.max(peakKW, tp.floorKW) < twoPartBreakevenKW(tp) ? 'demand' : 'capacity';
}

/** Months counted by a ratchet for billing month `key`: the `lookbackMonths` calendar months before it (keys). */
export function lookbackMonthKeys(key: string, lookbackMonths: number, monthsOfYear?: ReadonlySet<number>): string[] {
  const [y, m] = monthKeyParts(key);
  const out: string[] = [];
  for (let k = 1; k <= lookbackMonths; k++) {
    const idx = y * 12 + (m - 1) - k;
    const yy = Math.floor(idx / 12);
    const mm = (idx % 12) + 1;
    if (monthsOfYear && !monthsOfYear.has(mm)) continue;
    out.push(`${yy}-${mm < 10 ? '0' : ''}${mm}`);
  }
  return out;
}

/** The proration note of a monthly line, or '' for a month wholly inside the horizon. */
export function prorationNote(c: CompiledTariff, m: number): string {
  const inside = c.monthHoursIn[m]!;
  const whole = c.monthHours[m]!;
  if (inside >= whole - 1e-9) return '';
  const h = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  return c.proration === 'whole' ? ` (whole month billed; ${h(inside)} of ${h(whole)} h in horizon)` : ` (pro rata: ${h(inside)} of ${h(whole)} h)`;
}
