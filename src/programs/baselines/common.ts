/**
 * Pieces the baseline methods share: finding eligible history days, averaging the same
 * intervals over chosen days, windows counted in hours, and the "not enough history" error.
 */
import { InputError } from '../../errors/index.ts';
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';

/** Where the event being baselined sits in the user's input (for error messages). */
export interface BaselineContext {
  /** JSON path or file position of the event. */
  path: string;
  file?: string;
  /** Site id, for messages. */
  site: string;
}

/** A baseline method: a pure function of the meter series and the event window. */
export type BaselineFn = (m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext) => BaselineResult;

/** Local date of the event's first interval. */
export function eventDayKey(m: MeterSeries, w: IntervalWindow): string {
  return m.days[m.day[w.start]!]!.key;
}

/** Number of intervals in `hours` (at least one). */
export function intervalsIn(m: MeterSeries, hours: number): number {
  return Math.max(1, Math.round((hours * 60) / m.intervalMinutes));
}

/** Interval at the same local slot as interval `i`, moved to history day `d` (-1 if none). */
function sameSlot(m: MeterSeries, i: number, eventDay: number, d: number): number {
  const day = d + (m.day[i]! - eventDay);
  if (day < 0 || day >= m.days.length) return -1;
  return m.index[day * m.slotsPerDay + m.slot[i]!]!;
}

/** True when day `d` has a finite load value at the slots of every interval in `windows`. */
export function dayHasData(m: MeterSeries, eventDay: number, d: number, windows: IntervalWindow[]): boolean {
  for (const w of windows) {
    for (let i = w.start; i < w.end; i++) {
      const j = sameSlot(m, i, eventDay, d);
      if (j < 0 || !Number.isFinite(m.kw[j]!)) return false;
    }
  }
  return true;
}

/** Rules for walking back through history. */
export interface HistoryRule {
  /** Days needed. */
  count: number;
  /** First day looked at, days before the event (1 = the day before). */
  fromDaysBefore: number;
  /** Day type wanted. */
  dayType: 'workday' | 'nonWorkday';
  /** Windows whose slots a history day must have data for. */
  windows: IntervalWindow[];
}

/**
 * The most recent `rule.count` eligible days before the event: of the wanted day type, not an
 * event day, within the lookback, with data at every slot needed. Throws an input error saying
 * how many were found when there are too few.
 */
export function historyDays(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, rule: HistoryRule, ctx: BaselineContext, what: string): number[] {
  const eventDay = m.day[w.start]!;
  const out: number[] = [];
  let scanned = 0;
  for (let d = eventDay - rule.fromDaysBefore; d >= 0 && eventDay - d <= o.lookbackDays && out.length < rule.count; d--) {
    scanned++;
    const info = m.days[d]!;
    if (info.eventDay) continue;
    if (info.workday !== (rule.dayType === 'workday')) continue;
    if (!dayHasData(m, eventDay, d, rule.windows)) continue;
    out.push(d);
  }
  if (out.length < rule.count) {
    const firstDay = m.days[0]?.key ?? '?';
    throw new InputError(
      'EVENT_INVALID',
      `site "${ctx.site}": baseline "${o.method}" needs ${rule.count} ${what} before the event on ${eventDayKey(m, w)} ` +
        `(looking back at most ${o.lookbackDays} days, from ${rule.fromDaysBefore} day${rule.fromDaysBefore > 1 ? 's' : ''} before); ` +
        `found ${out.length} in the ${scanned} day${scanned === 1 ? '' : 's'} of history available (the horizon starts ${firstDay}). ` +
        'Start the horizon earlier, move the event later, or choose a same-day baseline (meter-before, pjm-same-day-3-2, jiangsu-15-min)',
      { path: ctx.path, file: ctx.file },
    );
  }
  return out;
}

/** Mean over `days` of the load at the slots of `w` (one value per interval of `w`). */
export function averageCurve(m: MeterSeries, eventDay: number, days: number[], w: IntervalWindow): Float64Array {
  const out = new Float64Array(w.end - w.start);
  for (let i = w.start; i < w.end; i++) {
    let s = 0;
    for (const d of days) s += m.kw[sameSlot(m, i, eventDay, d)]!;
    out[i - w.start] = s / days.length;
  }
  return out;
}

/** Mean load of day `d` at the slots of `w`. */
export function dayWindowMean(m: MeterSeries, eventDay: number, d: number, w: IntervalWindow): number {
  let s = 0;
  for (let i = w.start; i < w.end; i++) s += m.kw[sameSlot(m, i, eventDay, d)]!;
  return s / (w.end - w.start);
}

/** Mean of the load over intervals [from, to) of the series. */
export function seriesMean(m: MeterSeries, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += m.kw[i]!;
  return s / (to - from);
}

/** Mean of `x`. */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : 0;
}

/**
 * The same-day adjustment window: `hours` hours ending `skipHours` before the event start.
 * Throws when the window starts before the data do.
 */
export function adjustmentWindow(m: MeterSeries, w: IntervalWindow, hours: number, skipHours: number, o: BaselineOptions, ctx: BaselineContext): IntervalWindow {
  const end = w.start - intervalsIn(m, skipHours);
  const start = end - intervalsIn(m, hours);
  if (start < 0) {
    throw new InputError(
      'EVENT_INVALID',
      `site "${ctx.site}": baseline "${o.method}" adjusts with the load of the ${hours} h ending ${skipHours} h before the event, ` +
        `but the data start only ${(w.start * m.intervalMinutes) / 60} h before it. Start the horizon at least ${hours + skipHours} h before the event, or set "adjustment: false"`,
      { path: ctx.path, file: ctx.file },
    );
  }
  return { start, end };
}

/** Indices start..end-1. */
export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** A flat baseline of `value` over the event. */
export function flat(w: IntervalWindow, value: number): Float64Array {
  return new Float64Array(w.end - w.start).fill(value);
}
