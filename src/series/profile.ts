/**
 * Series that are not files: a constant, and a daily profile repeated every local day. Both
 * are built directly on the grid; their reports say so (`resample: 'none'` or the profile's
 * averaging), so `validate` shows them like file series.
 */
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { seriesError, type SeriesWhere } from './errors.ts';
import { unitConversion, type UnitConversion } from './units.ts';
import { CANONICAL_UNIT, QUANTITY_RANGE, type AlignedSeries, type AlignReport, type Quantity } from './types.ts';

function identity(quantity: Quantity, currency: string | undefined): UnitConversion {
  const unitTo = quantity === 'price' ? `${currency ?? 'currency'}/MWh` : CANONICAL_UNIT[quantity];
  return { unitFrom: unitTo, unitTo, scale: 1, offset: 0, energy: false, currency };
}

function baseReport(where: SeriesWhere, source: string, conv: UnitConversion, samples: number, stepMinutes: number): AlignReport {
  return {
    name: where.path,
    source,
    unitFrom: conv.unitFrom,
    unitTo: conv.unitTo,
    samples,
    samplesInHorizon: samples,
    duplicates: 0,
    missingCells: 0,
    nonexistentLocalTimes: 0,
    sourceStepMinutes: stepMinutes,
    gapSteps: 0,
    gapRuns: 0,
    longestGapSteps: 0,
    fill: 'linear',
    resample: 'none',
  };
}

function finish(values: Float64Array, quantity: Quantity, conv: UnitConversion, report: AlignReport, where: SeriesWhere): AlignedSeries {
  const range = QUANTITY_RANGE[quantity];
  for (let i = 0; i < values.length; i++) {
    const y = values[i] as number;
    if (!(y >= range.min && y <= range.max)) {
      throw seriesError(where, `the value ${y} ${report.unitTo} is outside the physical range of ${quantity}, ${range.min} to ${range.max} ${report.unitTo}; check the unit and the scale`);
    }
  }
  const out: AlignedSeries = { values, unit: CANONICAL_UNIT[quantity], report };
  if (conv.currency !== undefined) out.currency = conv.currency;
  return out;
}

/** A constant on every step; `unit` (default: the quantity's canonical unit) is converted. */
export function constantSeries(
  value: number,
  unit: string | undefined,
  grid: TimeGrid,
  quantity: Quantity,
  where: SeriesWhere,
  currency?: string,
): AlignedSeries {
  const conv = unit === undefined ? identity(quantity, currency) : unitConversion(unit, quantity, where, currency);
  if (conv.energy) {
    // energy needs an interval to become power; a constant has none
    throw seriesError(where, `a constant needs a power unit (W, kW, MW, GW), not the energy unit "${unit}"`);
  }
  const v = value * conv.scale + conv.offset;
  const values = new Float64Array(grid.steps).fill(v === 0 ? 0 : v);
  return finish(values, quantity, conv, baseReport(where, `constant ${value}${unit ? ` ${unit}` : ''}`, conv, 1, grid.stepMinutes), where);
}

/** Options of a daily profile. */
export interface DailyProfileOptions {
  /** 24 hourly or 96 quarter-hourly values, local time. */
  profile: readonly number[];
  weekendFactor?: number;
  unit?: string;
  scale?: number;
  /** Zone whose local day the profile follows. */
  timeZone: string;
}

/**
 * A daily profile in local time: each grid step gets the mean of the profile over the local
 * minutes it spans (so 96 quarter-hour values average into hourly steps, and 24 hourly values
 * are held over quarter-hour steps), × weekendFactor on Saturdays and Sundays, × scale.
 */
export function dailyProfileSeries(
  opts: DailyProfileOptions,
  grid: TimeGrid,
  quantity: Quantity,
  where: SeriesWhere,
  currency?: string,
): AlignedSeries {
  const p = opts.profile;
  if (p.length !== 24 && p.length !== 96) {
    throw seriesError(where, `a daily profile needs 24 hourly or 96 quarter-hourly values, not ${p.length}`);
  }
  for (let i = 0; i < p.length; i++) {
    if (typeof p[i] !== 'number' || !Number.isFinite(p[i])) throw seriesError(where, `dailyProfile[${i}] is not a finite number`);
  }
  if (!isValidTimeZone(opts.timeZone)) {
    throw seriesError(where, `unknown time zone "${opts.timeZone}" for the daily profile; use an IANA name such as "Asia/Shanghai"`, undefined, undefined, 'TIME_INVALID');
  }
  const conv = opts.unit === undefined ? identity(quantity, currency) : unitConversion(opts.unit, quantity, where, currency);
  const binMin = 1440 / p.length;
  const binH = binMin / 60;
  const k = opts.scale ?? 1;
  const wf = opts.weekendFactor ?? 1;
  // profile in the canonical unit (energy per bin → average power over the bin)
  const q = p.map((x) => {
    const y = x * conv.scale + conv.offset;
    return conv.energy ? y / binH : y;
  });
  const cal = calendarOf(grid, opts.timeZone);
  const values = new Float64Array(grid.steps);
  const stepMin = grid.stepMinutes;
  for (let i = 0; i < grid.steps; i++) {
    // mean over [m, m + step) in local minutes of day, bin by bin (wrapping past midnight)
    let m = (cal.hour[i] as number) * 60 + (cal.minute[i] as number);
    let left = stepMin;
    let acc = 0;
    while (left > 0) {
      const bin = Math.floor(m / binMin) % p.length;
      const binEnd = (Math.floor(m / binMin) + 1) * binMin;
      const take = Math.min(left, binEnd - m);
      acc += (q[bin] as number) * take;
      left -= take;
      m = binEnd % 1440;
    }
    const wd = cal.weekday[i] as number;
    const y = (acc / stepMin) * (wd === 0 || wd === 6 ? wf : 1) * k;
    values[i] = y === 0 ? 0 : y;
  }
  const report = baseReport(where, `daily profile (${p.length} values, ${opts.timeZone})`, conv, p.length, binMin);
  report.resample = conv.energy ? 'sum' : binMin === stepMin ? 'none' : binMin > stepMin ? 'hold' : 'mean';
  return finish(values, quantity, conv, report, where);
}
