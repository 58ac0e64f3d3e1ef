/**
 * CAISO 10-of-10: the average of the 10 most recent eligible non-event days at the same
 * intervals, scaled by a same-day adjustment capped at ±20 % (numbers.md §6, V). Weekend and
 * holiday events use the 4 most recent non-working days (assumption: the weekend variant of
 * the 10-of-10 family). The adjustment ratio compares the event day's load with the baseline
 * over the 3 hours ending 1 hour before the event (window: assumption, as PJM's).
 */
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { adjustmentWindow, averageCurve, historyDays, mean, range, seriesMean, type BaselineContext } from './common.ts';

/** Hours of the adjustment window and the gap before the event. */
export const CAISO_ADJUSTMENT = { hours: 3, skipHours: 1 } as const;

/** CAISO 10-of-10 baseline with the capped multiplicative same-day adjustment. */
export function caiso10of10(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const eventDay = m.day[w.start]!;
  const workday = m.days[eventDay]!.workday;
  const adj = o.adjustment ? adjustmentWindow(m, w, CAISO_ADJUSTMENT.hours, CAISO_ADJUSTMENT.skipHours, o, ctx) : undefined;
  const count = workday ? 10 : 4;
  const days = historyDays(m, w, o, { count, fromDaysBefore: 1, dayType: workday ? 'workday' : 'nonWorkday', windows: adj ? [w, adj] : [w] }, ctx,
    workday ? 'non-event working days' : 'non-event weekend or holiday days');
  const kw = averageCurve(m, eventDay, days, w);
  let adjustment: BaselineResult['adjustment'];
  if (adj) {
    const actual = seriesMean(m, adj.start, adj.end);
    const base = mean(averageCurve(m, eventDay, days, adj));
    const raw = base > 0 ? actual / base : 1;
    const applied = Math.min(1 + o.adjustmentCap, Math.max(1 - o.adjustmentCap, raw));
    for (let i = 0; i < kw.length; i++) kw[i]! *= applied;
    adjustment = { kind: 'multiplicative', raw, applied, capped: applied !== raw };
  }
  const keys = days.map((d) => m.days[d]!.key);
  return {
    method: 'caiso-10-of-10',
    kw,
    daysUsed: keys,
    daysConsidered: keys,
    referenceIntervals: adj ? range(adj.start, adj.end) : [],
    adjustment,
    description: `average of the ${count} most recent eligible ${workday ? 'working' : 'non-working'} days` +
      (adjustment ? `, × ${adjustment.applied.toFixed(4)} same-day adjustment (raw ${adjustment.raw.toFixed(4)}, capped at ±${(o.adjustmentCap * 100).toFixed(0)} %)` : ''),
  };
}
