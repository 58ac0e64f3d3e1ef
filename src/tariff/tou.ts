/**
 * Time-of-use calendars: which price period applies at each step, in the site's local time, and
 * the price of each period in each month. Periods are named: the Chinese provincial names
 * (deep valley, valley, flat, peak, critical peak) or any others a utility uses (on-peak,
 * mid-peak, super off-peak…).
 */
import { InputError } from '../errors/index.ts';
import type { Calendar } from '../time/grid.ts';

/** The Chinese provincial period names; they keep the first indices so older outputs read the same. */
export const TOU_PERIODS: readonly string[] = ['deepValley', 'valley', 'flat', 'peak', 'criticalPeak'];

/** A band of hours (local time) on some days of some months. */
export interface HourWindow {
  from: string;
  to: string;
  months?: number[];
  days: 'all' | 'workdays' | 'nonWorkdays';
}

/** Time-of-use section of a tariff (the `tou` energy pricing, after schema defaults). */
export interface TouRules {
  pricesPerMWh: Record<string, number>;
  bands: Array<HourWindow & { period: string }>;
  defaultPeriod: string;
  seasons: Array<{ months: number[]; pricesPerMWh: Record<string, number> }>;
  holidays: string[];
  extraWorkdays: string[];
  criticalPeak?: {
    months: number[];
    bands: Array<{ from: string; to: string }>;
    upliftOverPeak: number;
    minDailyMaxTemperatureC?: number;
  };
}

/** Minutes after midnight of `HH:MM`. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether a minute of the day lies in [from, to); a window may wrap past midnight, 00:00–24:00 is the whole day. */
export function inWindow(minute: number, from: string, to: string): boolean {
  const a = minutesOf(from);
  const b = minutesOf(to);
  return a <= b ? minute >= a && minute < b : minute >= a || minute < b;
}

/** True when the step's local day is a workday under the tariff's holiday lists. */
export function workdayMask(cal: Calendar, holidays: readonly string[], extraWorkdays: readonly string[]): Uint8Array {
  const hol = new Set(holidays);
  const extra = new Set(extraWorkdays);
  const n = cal.hour.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const key = cal.dayKeys[cal.dayIndex[i]!]!;
    const wd = cal.weekday[i]!;
    out[i] = extra.has(key) ? 1 : hol.has(key) ? 0 : wd >= 1 && wd <= 5 ? 1 : 0;
  }
  return out;
}

/** Whether step i lies in the window (month, day type and hours). */
export function stepInWindow(w: HourWindow, cal: Calendar, work: Uint8Array, i: number): boolean {
  if (w.months && !w.months.includes(cal.month[i]!)) return false;
  if (w.days === 'workdays' && !work[i]) return false;
  if (w.days === 'nonWorkdays' && work[i]) return false;
  return inWindow(cal.hour[i]! * 60 + cal.minute[i]!, w.from, w.to);
}

/** The period names of a tariff: the Chinese names first (fixed indices), then others in order of first mention. */
export function touPeriodNames(rules: TouRules): string[] {
  const names = [...TOU_PERIODS];
  const add = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  add(rules.defaultPeriod);
  Object.keys(rules.pricesPerMWh).forEach(add);
  rules.bands.forEach((b) => add(b.period));
  rules.seasons.forEach((s) => Object.keys(s.pricesPerMWh).forEach(add));
  if (names.length > 127) throw new InputError('SCENARIO_INVALID', `a tariff may have at most 122 named periods besides the Chinese ones; this one has ${names.length - 5}`, { path: 'tariff.energy' });
  return names;
}

/** Index into `names` of the period at each step. */
export function touPeriodSeries(rules: TouRules, cal: Calendar, temperatureC: Float64Array | undefined, names: readonly string[]): Int8Array {
  const n = cal.hour.length;
  const out = new Int8Array(n).fill(names.indexOf(rules.defaultPeriod));
  const work = workdayMask(cal, rules.holidays, rules.extraWorkdays);
  const bandIndex = rules.bands.map((b) => names.indexOf(b.period));
  for (let i = 0; i < n; i++) {
    rules.bands.forEach((b, k) => {
      if (stepInWindow(b, cal, work, i)) out[i] = bandIndex[k]!;
    });
  }
  const cp = rules.criticalPeak;
  if (cp) {
    let hotDay: Uint8Array | undefined;
    if (cp.minDailyMaxTemperatureC !== undefined && temperatureC) {
      const days = cal.dayKeys.length;
      const max = new Float64Array(days).fill(-Infinity);
      for (let i = 0; i < n; i++) {
        const d = cal.dayIndex[i]!;
        if (temperatureC[i]! > max[d]!) max[d] = temperatureC[i]!;
      }
      hotDay = new Uint8Array(days);
      for (let d = 0; d < days; d++) hotDay[d] = max[d]! >= cp.minDailyMaxTemperatureC ? 1 : 0;
    }
    const critical = names.indexOf('criticalPeak');
    for (let i = 0; i < n; i++) {
      if (!cp.months.includes(cal.month[i]!)) continue;
      if (hotDay && !hotDay[cal.dayIndex[i]!]) continue;
      const minute = cal.hour[i]! * 60 + cal.minute[i]!;
      if (cp.bands.some((b) => inWindow(minute, b.from, b.to))) out[i] = critical;
    }
  }
  return out;
}

/**
 * Price of each period in each month of the year, currency/MWh, at `[period × 12 + month − 1]`:
 * the tariff price, overridden by the seasons that list the month (later seasons win); a period
 * without a price takes the default period's; critical peak = that month's peak × (1 + uplift).
 * Periods no band, season or default uses may stay without a price (NaN).
 */
export function touPeriodPrices(rules: TouRules, names: readonly string[], path = 'tariff.energy'): Float64Array {
  const prices = new Float64Array(names.length * 12).fill(NaN);
  const used = new Set<string>([rules.defaultPeriod, ...rules.bands.map((b) => b.period)]);
  for (let month = 1; month <= 12; month++) {
    const p: Record<string, number> = { ...rules.pricesPerMWh };
    for (const s of rules.seasons) if (s.months.includes(month)) Object.assign(p, s.pricesPerMWh);
    const fallback = p[rules.defaultPeriod];
    names.forEach((name, k) => {
      if (name === 'criticalPeak') return;
      const v = p[name] ?? fallback;
      if (v === undefined) {
        if (used.has(name)) {
          const why = name === rules.defaultPeriod ? `no price for the default period "${name}"` : `no price for the "${name}" period and no "${rules.defaultPeriod}" (default period) price to fall back on`;
          throw new InputError('SCENARIO_INVALID', `${why} in month ${month}; give it in pricesPerMWh (or a season)`, { path: `${path}.pricesPerMWh` });
        }
        return;
      }
      prices[k * 12 + month - 1] = v;
    });
    if (rules.criticalPeak) {
      const peak = p.peak ?? fallback;
      if (peak === undefined) throw new InputError('SCENARIO_INVALID', 'a critical-peak rule needs a peak (or default-period) price', { path: `${path}.pricesPerMWh` });
      prices[names.indexOf('criticalPeak') * 12 + month - 1] = peak * (1 + rules.criticalPeak.upliftOverPeak);
    }
  }
  return prices;
}
