/**
 * "Meter before": the average load of the hour(s) just before the event, held flat over it.
 * The simplest pre-event baseline, the one the Phoenix field test is settled with (the
 * cluster's normal power before the 25 % cut). Default 1 hour (assumption).
 */
import { InputError } from '../../errors/index.ts';
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { flat, intervalsIn, range, seriesMean, type BaselineContext } from './common.ts';

/** Average load of the `meterBeforeHours` before the event. */
export function meterBefore(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const n = intervalsIn(m, o.meterBeforeHours);
  if (w.start - n < 0) {
    throw new InputError('EVENT_INVALID',
      `site "${ctx.site}": baseline "meter-before" averages the ${o.meterBeforeHours} h before the event, but the data start only ${(w.start * m.intervalMinutes) / 60} h before it; start the horizon earlier or lower meterBeforeHours`,
      { path: ctx.path, file: ctx.file });
  }
  return {
    method: 'meter-before',
    kw: flat(w, seriesMean(m, w.start - n, w.start)),
    daysUsed: [m.days[m.day[w.start]!]!.key],
    daysConsidered: [],
    referenceIntervals: range(w.start - n, w.start),
    description: `average load of the ${o.meterBeforeHours} h before the event, held flat`,
  };
}
