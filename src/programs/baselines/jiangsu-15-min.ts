/**
 * Jiangsu real-time demand response (2015 rules; numbers.md §6, V): the baseline is the load
 * point 15 minutes before control starts, held flat over the event. With 15-minute meter data
 * that is the last interval before the event; with coarser intervals the last interval's
 * average stands in for it (the finest reading the meter series has).
 */
import { InputError } from '../../errors/index.ts';
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { flat, range, seriesMean, type BaselineContext } from './common.ts';

/** Jiangsu 15-minutes-before-control point baseline. */
export function jiangsu15Min(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const n = Math.max(1, Math.round(15 / m.intervalMinutes));
  if (w.start - n < 0) {
    throw new InputError('EVENT_INVALID', `site "${ctx.site}": baseline "${o.method}" needs the load of the 15 minutes before the event, but the event starts with the data; start the horizon earlier`,
      { path: ctx.path, file: ctx.file });
  }
  const value = seriesMean(m, w.start - n, w.start);
  return {
    method: 'jiangsu-15-min',
    kw: flat(w, value),
    daysUsed: [m.days[m.day[w.start]!]!.key],
    daysConsidered: [],
    referenceIntervals: range(w.start - n, w.start),
    description: m.intervalMinutes <= 15
      ? 'load in the 15 minutes before control starts, held flat'
      : `load of the ${m.intervalMinutes}-minute interval before control starts (the finest reading available for the 15-minute point), held flat`,
  };
}
