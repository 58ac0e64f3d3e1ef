/**
 * Jiangsu contracted (day-ahead) demand response (2015 rules; numbers.md §6, V): the average
 * load curve of the last 5 normal working days before the event (holidays and event days
 * skipped).
 */
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { averageCurve, historyDays, type BaselineContext } from './common.ts';

/** Jiangsu: average of the last 5 normal working days. */
export function jiangsu5WorkingDays(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const eventDay = m.day[w.start]!;
  const days = historyDays(m, w, o, { count: 5, fromDaysBefore: 1, dayType: 'workday', windows: [w] }, ctx, 'normal working days');
  const keys = days.map((d) => m.days[d]!.key);
  return {
    method: 'jiangsu-5-working-days',
    kw: averageCurve(m, eventDay, days, w),
    daysUsed: keys,
    daysConsidered: keys,
    referenceIntervals: [],
    description: 'average load curve of the last 5 normal working days',
  };
}
