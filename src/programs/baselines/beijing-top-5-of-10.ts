/**
 * Beijing (2015 rules; numbers.md §6, V): 10 working days taken going back from 2 days before
 * the event (weekends, holidays and event days are skipped and replaced by earlier days); the
 * baseline is the average curve of the 5 of them with the highest load. "Highest load" is read
 * as the highest daily energy (assumption).
 */
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { averageCurve, historyDays, type BaselineContext } from './common.ts';

/** Mean load of local day `d` over the intervals the series has for it. */
function dayMean(m: MeterSeries, d: number): number {
  let s = 0;
  let k = 0;
  for (let slot = 0; slot < m.slotsPerDay; slot++) {
    const j = m.index[d * m.slotsPerDay + slot]!;
    if (j >= 0 && Number.isFinite(m.kw[j]!)) {
      s += m.kw[j]!;
      k++;
    }
  }
  return k > 0 ? s / k : -Infinity;
}

/** Beijing: average of the 5 highest-load of 10 working days from 2 days before the event. */
export function beijingTop5of10(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const eventDay = m.day[w.start]!;
  const candidates = historyDays(m, w, o, { count: 10, fromDaysBefore: 2, dayType: 'workday', windows: [w] }, ctx, 'non-event working days');
  const ranked = candidates.map((d, order) => ({ d, order, load: dayMean(m, d) })).sort((a, b) => b.load - a.load || a.order - b.order);
  const days = ranked.slice(0, 5).map((r) => r.d);
  return {
    method: 'beijing-top-5-of-10',
    kw: averageCurve(m, eventDay, days, w),
    daysUsed: days.map((d) => m.days[d]!.key),
    daysConsidered: candidates.map((d) => m.days[d]!.key),
    referenceIntervals: [],
    description: 'average of the 5 highest-energy days among the 10 working days going back from 2 days before the event',
  };
}
