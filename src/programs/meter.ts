/**
 * Meter series: a site's per-step load averaged to the program's measurement interval, with
 * the local day, slot and day type of every interval. Baselines and settlements read these.
 */
import type { Calendar, TimeGrid } from '../time/grid.ts';
import { stepStartMs } from '../time/grid.ts';
import type { DayInfo, MeterSeries } from './types.ts';

/** Calendar facts a meter series needs besides the load. */
export interface MeterCalendar {
  holidays: ReadonlySet<string>;
  extraWorkdays: ReadonlySet<string>;
  /** Local dates of the program's events (never baseline days). */
  eventDays: ReadonlySet<string>;
}

/** Steps per measurement interval; intervals shorter than a step are measured per step. */
export function stepsPerInterval(grid: TimeGrid, intervalMinutes: number): number {
  return Math.max(1, Math.round(intervalMinutes / grid.stepMinutes));
}

/**
 * Averages `stepKW` to intervals of `intervalMinutes` (at least one step) counted from the
 * grid start, and labels each interval with its local day and slot in `cal`.
 */
export function meterSeries(stepKW: Float64Array, grid: TimeGrid, cal: Calendar, intervalMinutes: number, days: MeterCalendar): MeterSeries {
  const k = stepsPerInterval(grid, intervalMinutes);
  const minutes = k * grid.stepMinutes;
  const count = Math.floor(stepKW.length / k);
  const kw = new Float64Array(count);
  const day = new Int32Array(count);
  const slot = new Int32Array(count);
  const startMs = new Float64Array(count);
  const slotsPerDay = Math.max(1, Math.round(1440 / minutes));
  for (let j = 0; j < count; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += stepKW[j * k + i]!;
    kw[j] = s / k;
    const t = j * k;
    day[j] = cal.dayIndex[t]!;
    slot[j] = Math.min(slotsPerDay - 1, Math.floor((cal.hour[t]! * 60 + cal.minute[t]!) / minutes));
    startMs[j] = stepStartMs(grid, t);
  }
  const infos: DayInfo[] = cal.dayKeys.map((key) => ({ key, weekday: 0, workday: false, eventDay: days.eventDays.has(key) }));
  for (let t = cal.hour.length - 1; t >= 0; t--) infos[cal.dayIndex[t]!]!.weekday = cal.weekday[t]!;
  for (const d of infos) {
    d.workday = days.extraWorkdays.has(d.key) || (!days.holidays.has(d.key) && d.weekday >= 1 && d.weekday <= 5);
  }
  const index = new Int32Array(infos.length * slotsPerDay).fill(-1);
  // a repeated local slot (the autumn DST hour) keeps its first interval
  for (let j = 0; j < count; j++) {
    const at = day[j]! * slotsPerDay + slot[j]!;
    if (index[at] === -1) index[at] = j;
  }
  return { kw, intervalMinutes: minutes, day, slot, days: infos, slotsPerDay, index, startMs };
}

/** Interval of `m` that starts at `utcMs`, or -1 when none does. */
export function intervalAt(m: MeterSeries, utcMs: number): number {
  if (m.startMs.length === 0) return -1;
  const j = Math.round((utcMs - m.startMs[0]!) / (m.intervalMinutes * 60_000));
  return j >= 0 && j < m.startMs.length && m.startMs[j] === utcMs ? j : -1;
}
