/**
 * Time-of-use calendars: which price period (deep valley, valley, flat, peak, critical peak)
 * applies at each step, in the site's local time.
 */
import { InputError } from '../errors/index.ts';
import type { Calendar } from '../time/grid.ts';
import type { TouPeriod } from '../scenario/schema/index.ts';

export const TOU_PERIODS: readonly TouPeriod[] = ['deepValley', 'valley', 'flat', 'peak', 'criticalPeak'];

/** Time-of-use section of a tariff (the `tou` energy pricing). */
export interface TouRules {
  pricesPerMWh: Partial<Record<Exclude<TouPeriod, 'criticalPeak'>, number>>;
  bands: Array<{
    period: Exclude<TouPeriod, 'criticalPeak'>;
    from: string;
    to: string;
    months?: number[];
    days: 'all' | 'workdays' | 'nonWorkdays';
  }>;
  holidays: string[];
  extraWorkdays: string[];
  criticalPeak?: {
    months: number[];
    bands: Array<{ from: string; to: string }>;
    upliftOverPeak: number;
    minDailyMaxTemperatureC?: number;
  };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function inWindow(minute: number, from: string, to: string): boolean {
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

/** Index into TOU_PERIODS of the period at each step. */
export function touPeriodSeries(rules: TouRules, cal: Calendar, temperatureC?: Float64Array): Int8Array {
  const n = cal.hour.length;
  const flat = TOU_PERIODS.indexOf('flat');
  const out = new Int8Array(n).fill(flat);
  const work = workdayMask(cal, rules.holidays, rules.extraWorkdays);
  for (let i = 0; i < n; i++) {
    const minute = cal.hour[i]! * 60 + cal.minute[i]!;
    const month = cal.month[i]!;
    for (const b of rules.bands) {
      if (b.months && !b.months.includes(month)) continue;
      if (b.days === 'workdays' && !work[i]) continue;
      if (b.days === 'nonWorkdays' && work[i]) continue;
      if (inWindow(minute, b.from, b.to)) out[i] = TOU_PERIODS.indexOf(b.period);
    }
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
    const critical = TOU_PERIODS.indexOf('criticalPeak');
    for (let i = 0; i < n; i++) {
      if (!cp.months.includes(cal.month[i]!)) continue;
      if (hotDay && !hotDay[cal.dayIndex[i]!]) continue;
      const minute = cal.hour[i]! * 60 + cal.minute[i]!;
      if (cp.bands.some((b) => inWindow(minute, b.from, b.to))) out[i] = critical;
    }
  }
  return out;
}

/** Price of each TOU period, currency/MWh; critical peak = peak × (1 + uplift). */
export function touPeriodPrices(rules: TouRules, path = 'tariff.energy'): Float64Array {
  const p = rules.pricesPerMWh;
  const prices = new Float64Array(TOU_PERIODS.length);
  const flat = p.flat;
  for (const [k, period] of TOU_PERIODS.entries()) {
    if (period === 'criticalPeak') continue;
    const v = p[period] ?? flat;
    if (v === undefined) {
      const used = rules.bands.some((b) => b.period === period) || period === 'flat';
      if (used) {
        throw new InputError('SCENARIO_INVALID', `no price for the "${period}" period and no "flat" price to fall back on`, { path: `${path}.pricesPerMWh` });
      }
      prices[k] = NaN;
      continue;
    }
    prices[k] = v;
  }
  const peak = p.peak ?? flat;
  const critical = TOU_PERIODS.indexOf('criticalPeak');
  if (rules.criticalPeak) {
    if (peak === undefined) throw new InputError('SCENARIO_INVALID', 'a critical-peak rule needs a peak (or flat) price', { path: `${path}.pricesPerMWh` });
    prices[critical] = peak * (1 + rules.criticalPeak.upliftOverPeak);
  } else prices[critical] = NaN;
  return prices;
}
