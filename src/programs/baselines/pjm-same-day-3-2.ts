/**
 * PJM "Same Day (3+2)" (Manual 11, Feb 2025; numbers.md §6, V): the average load of the
 * 3 hours before the event, skipping the hour just before it, and of the 2 hours after it,
 * skipping the hour just after. Event HE13–17 → HE9–11 and HE19–20.
 */
import { InputError } from '../../errors/index.ts';
import type { BaselineOptions, BaselineResult, IntervalWindow, MeterSeries } from '../types.ts';
import { flat, intervalsIn, range, type BaselineContext } from './common.ts';

/** PJM Same Day (3+2): a flat baseline from the hours around the event. */
export function pjmSameDay32(m: MeterSeries, w: IntervalWindow, o: BaselineOptions, ctx: BaselineContext): BaselineResult {
  const skip = intervalsIn(m, 1);
  const before = { start: w.start - skip - intervalsIn(m, 3), end: w.start - skip };
  const after = { start: w.end + skip, end: w.end + skip + intervalsIn(m, 2) };
  const hoursIn = (n: number) => (n * m.intervalMinutes) / 60;
  if (before.start < 0) {
    throw new InputError('EVENT_INVALID',
      `site "${ctx.site}": baseline "${o.method}" needs the 3 h of load starting 4 h before the event, but the data start only ${hoursIn(w.start)} h before it; start the horizon earlier`,
      { path: ctx.path, file: ctx.file });
  }
  if (after.end > m.kw.length) {
    throw new InputError('EVENT_INVALID',
      `site "${ctx.site}": baseline "${o.method}" needs the 2 h of load starting 1 h after the event, but the data end ${hoursIn(m.kw.length - w.end)} h after it; end the horizon at least 3 h after the event`,
      { path: ctx.path, file: ctx.file });
  }
  const refs = [...range(before.start, before.end), ...range(after.start, after.end)];
  let s = 0;
  for (const i of refs) s += m.kw[i]!;
  const value = s / refs.length;
  return {
    method: 'pjm-same-day-3-2',
    kw: flat(w, value),
    daysUsed: [m.days[m.day[w.start]!]!.key],
    daysConsidered: [],
    referenceIntervals: refs,
    description: 'average load of the 3 hours before the event (skipping the hour just before) and the 2 hours after (skipping the hour just after)',
  };
}
