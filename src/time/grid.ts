/**
 * The one time grid every series is aligned to: a start instant, a fixed step (15, 30 or
 * 60 minutes) and a count. Steps are equal in absolute time, so a local day has 23, 24 or 25
 * hourly steps around daylight-saving changes. Energy in a step = power × stepHours.
 */
import { ZoneOffsets, offsetMinutesAt, utcToWallClock } from './zone.ts';

/** A fixed-step time grid in an IANA zone. */
export interface TimeGrid {
  /** First step's start, UTC epoch milliseconds. */
  readonly startMs: number;
  /** Step length in minutes (15, 30 or 60). */
  readonly stepMinutes: number;
  /** Number of steps. */
  readonly steps: number;
  /** The zone used to read and print wall-clock times. */
  readonly timeZone: string;
}

/** Step length in hours. */
export function stepHours(grid: TimeGrid): number {
  return grid.stepMinutes / 60;
}

/** Start of step `i`, UTC ms. */
export function stepStartMs(grid: TimeGrid, i: number): number {
  return grid.startMs + i * grid.stepMinutes * 60_000;
}

/** End of the grid (exclusive), UTC ms. */
export function gridEndMs(grid: TimeGrid): number {
  return grid.startMs + grid.steps * grid.stepMinutes * 60_000;
}

/** Index of the step containing `utcMs`, or -1 when outside the grid. */
export function stepIndexOf(grid: TimeGrid, utcMs: number): number {
  const i = Math.floor((utcMs - grid.startMs) / (grid.stepMinutes * 60_000));
  return i >= 0 && i < grid.steps ? i : -1;
}

/**
 * Local calendar fields of every step in one zone, as typed arrays. Tariffs, baselines and
 * reports read these instead of doing date arithmetic per step.
 */
export interface Calendar {
  readonly timeZone: string;
  /** Local year per step. */
  readonly year: Int16Array;
  /** Local month per step, 1–12. */
  readonly month: Int8Array;
  /** Local day of month, 1–31. */
  readonly day: Int8Array;
  /** Local hour, 0–23. */
  readonly hour: Int8Array;
  /** Local minute, 0–59. */
  readonly minute: Int8Array;
  /** Day of week, 0 = Sunday … 6 = Saturday. */
  readonly weekday: Int8Array;
  /** Local day number counted from the grid's first local day (0, 1, …). */
  readonly dayIndex: Int32Array;
  /** Local month number counted from the grid's first local month (0, 1, …). */
  readonly monthIndex: Int32Array;
  /** UTC offset of each step in minutes. */
  readonly offsetMinutes: Int16Array;
  /** Local date key (`YYYY-MM-DD`) of each day index. */
  readonly dayKeys: string[];
  /** Local month key (`YYYY-MM`) of each month index. */
  readonly monthKeys: string[];
}

const calendars = new WeakMap<TimeGrid, Map<string, Calendar>>();

/** Builds (and caches per grid) the local calendar of the grid's steps in `timeZone`. */
export function calendarOf(grid: TimeGrid, timeZone: string = grid.timeZone): Calendar {
  let byZone = calendars.get(grid);
  if (!byZone) {
    byZone = new Map();
    calendars.set(grid, byZone);
  }
  const cached = byZone.get(timeZone);
  if (cached) return cached;
  const n = grid.steps;
  const zone = new ZoneOffsets(timeZone, grid.startMs, gridEndMs(grid));
  const cal = {
    timeZone,
    year: new Int16Array(n),
    month: new Int8Array(n),
    day: new Int8Array(n),
    hour: new Int8Array(n),
    minute: new Int8Array(n),
    weekday: new Int8Array(n),
    dayIndex: new Int32Array(n),
    monthIndex: new Int32Array(n),
    offsetMinutes: new Int16Array(n),
    dayKeys: [] as string[],
    monthKeys: [] as string[],
  };
  let lastDay = '';
  let lastMonth = '';
  for (let i = 0; i < n; i++) {
    const t = stepStartMs(grid, i);
    const off = zone.at(t);
    const w = utcToWallClock(t, off);
    cal.year[i] = w.year;
    cal.month[i] = w.month;
    cal.day[i] = w.day;
    cal.hour[i] = w.hour;
    cal.minute[i] = w.minute;
    cal.weekday[i] = w.weekday;
    cal.offsetMinutes[i] = off;
    const mk = `${w.year}-${w.month < 10 ? '0' : ''}${w.month}`;
    const dk = `${mk}-${w.day < 10 ? '0' : ''}${w.day}`;
    if (dk !== lastDay) {
      cal.dayKeys.push(dk);
      lastDay = dk;
    }
    if (mk !== lastMonth) {
      cal.monthKeys.push(mk);
      lastMonth = mk;
    }
    cal.dayIndex[i] = cal.dayKeys.length - 1;
    cal.monthIndex[i] = cal.monthKeys.length - 1;
  }
  byZone.set(timeZone, cal);
  return cal;
}

/**
 * A time as a user types it on the grid: local wall clock in the grid's zone,
 * `2023-07-14 19:00` (no offset; the zone is the horizon's, named next to it in messages).
 */
export function localStamp(grid: Pick<TimeGrid, 'timeZone'>, utcMs: number): string {
  const w = utcToWallClock(utcMs, offsetMinutesAt(grid.timeZone, utcMs));
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

/** The horizon in local time for messages: `2023-01-01 00:00 to 2024-01-01 00:00 (America/Chicago)`. */
export function horizonText(grid: TimeGrid): string {
  return `${localStamp(grid, grid.startMs)} to ${localStamp(grid, gridEndMs(grid))} (${grid.timeZone})`;
}
