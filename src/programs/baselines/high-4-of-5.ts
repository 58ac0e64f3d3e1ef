/**
 * PJM-style "High 4 of 5": from the 5 most recent non-event working days, the 4 with the
 * highest load over the event hours are averaged, then shifted by an additive same-day
 * adjustment (the mean difference between the event day and that baseline over the 3 hours
 * ending 1 hour before the event). numbers.md §6 tags this rule M (background knowledge);
 * weekend events use the 2 highest of the 3 most recent non-working days (assumption, M).
 */
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { adjustmentWindow, averageCurve, dayWindowMean, historyDays, mean, range, seriesMean, type BaselineContext } from './common.ts';

/** PJM High 4 of 5 with the symmetric additive adjustment. */
export function high4of5(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const eventDay = m.day[w.start]!;
  const workday = m.days[eventDay]!.workday;
  const adj = o.adjustment ? adjustmentWindow(m, w, 3, 1, o, ctx) : undefined;
  const [pool, keep] = workday ? [5, 4] : [3, 2];
  const candidates = historyDays(m, w, o, { count: pool, fromDaysBefore: 1, dayType: workday ? 'workday' : 'nonWorkday', windows: adj ? [w, adj] : [w] }, ctx,
    workday ? 'non-event working days' : 'non-event weekend or holiday days');
  // highest by mean load over the event hours; ties keep the more recent day
  const ranked = candidates.map((d, order) => ({ d, order, load: dayWindowMean(m, eventDay, d, w) })).sort((a, b) => b.load - a.load || a.order - b.order);
  const days = ranked.slice(0, keep).map((r) => r.d);
  const kw = averageCurve(m, eventDay, days, w);
  let adjustment: BaselineResult['adjustment'];
  if (adj) {
    const diff = seriesMean(m, adj.start, adj.end) - mean(averageCurve(m, eventDay, days, adj));
    for (let i = 0; i < kw.length; i++) kw[i] = Math.max(0, kw[i]! + diff);
    adjustment = { kind: 'additive', raw: diff, applied: diff, capped: false };
  }
  return {
    method: 'high-4-of-5',
    kw,
    daysUsed: days.map((d) => m.days[d]!.key),
    daysConsidered: candidates.map((d) => m.days[d]!.key),
    referenceIntervals: adj ? range(adj.start, adj.end) : [],
    adjustment,
    description: `average of the ${keep} highest of the ${pool} most recent eligible ${workday ? 'working' : 'non-working'} days` +
      (adjustment ? `, ${adjustment.applied >= 0 ? '+' : '−'} ${Math.abs(adjustment.applied).toFixed(3)} kW same-day additive adjustment` : ''),
  };
}
