/** Turns the scenario's horizon section into a TimeGrid, and reads times against it. */
import { InputError } from '../errors/index.ts';
import { gridEndMs, type TimeGrid } from '../time/grid.ts';
import { parseTimestamp } from '../time/parse.ts';
import { assertTimeZone } from '../time/zone.ts';
import { utcFromFields } from '../time/civil.ts';
import { MAX_HORIZON_HOURS, type Horizon } from './schema/index.ts';

/** Earliest and latest instants a horizon may cover (calendars, tariffs and data use these years). */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2200;

/** Builds the horizon grid; `path` locates the horizon in the file for messages. */
export function horizonGrid(h: Horizon, path = 'horizon'): TimeGrid {
  assertTimeZone(h.timeZone, `${path}.timeZone`);
  const startMs = parseTimestamp(h.start, h.timeZone);
  if (!Number.isFinite(startMs)) {
    throw new InputError('TIME_INVALID', `start "${h.start}" is not a valid time; write e.g. 2023-01-01T00:00`, { path: `${path}.start` });
  }
  const stepMs = h.stepMinutes * 60_000;
  if (startMs % stepMs !== 0 && h.stepMinutes !== 60) {
    // quarter-hour grids must start on a step boundary so steps line up with market intervals
    throw new InputError('TIME_INVALID', `start "${h.start}" is not on a ${h.stepMinutes}-minute boundary`, { path: `${path}.start` });
  }
  let endMs: number;
  if (h.end !== undefined) {
    endMs = parseTimestamp(h.end, h.timeZone);
    if (!Number.isFinite(endMs)) {
      throw new InputError('TIME_INVALID', `end "${h.end}" is not a valid time; write e.g. 2024-01-01T00:00`, { path: `${path}.end` });
    }
  } else {
    endMs = startMs + (h.hours as number) * 3600_000;
  }
  if (startMs < utcFromFields(FIRST_YEAR - 1, 12, 31) || startMs >= utcFromFields(LAST_YEAR, 1, 1)) {
    throw new InputError('TIME_INVALID', `start "${h.start}" is outside the years ${FIRST_YEAR}–${LAST_YEAR - 1} a horizon may cover`, { path: `${path}.start` });
  }
  if (endMs > startMs + MAX_HORIZON_HOURS * 3600_000) {
    throw new InputError(
      'TIME_INVALID',
      `the horizon from ${h.start} to ${h.end ?? `+${h.hours} h`} is ${Math.round((endMs - startMs) / 3600_000).toLocaleString('en-US')} hours long; at most ${MAX_HORIZON_HOURS.toLocaleString('en-US')} hours (five years) are allowed — split a longer study into several runs`,
      { path: `${path}.${h.end !== undefined ? 'end' : 'hours'}` },
    );
  }
  if (endMs <= startMs) {
    throw new InputError('TIME_INVALID', `the horizon ends (${h.end ?? `${h.hours} h`}) before or at its start (${h.start})`, { path: `${path}.end` });
  }
  const steps = Math.floor((endMs - startMs) / stepMs);
  if (steps < 1) throw new InputError('TIME_INVALID', `the horizon is shorter than one ${h.stepMinutes}-minute step`, { path });
  if ((endMs - startMs) % stepMs !== 0) {
    throw new InputError('TIME_INVALID', `the horizon length is not a whole number of ${h.stepMinutes}-minute steps`, { path });
  }
  return { startMs, stepMinutes: h.stepMinutes, steps, timeZone: h.timeZone };
}

/**
 * Step index at or after a time written in the scenario (release, deadline, window bounds).
 * Times before the horizon map to 0, after it to `steps`; invalid text is an input error.
 */
export function stepAtOrAfter(grid: TimeGrid, text: string, path: string): number {
  const t = parseTimestamp(text, grid.timeZone);
  if (!Number.isFinite(t)) {
    throw new InputError('TIME_INVALID', `"${text}" is not a valid time; write e.g. 2023-07-14T19:00 or 2023-07-14T19:00-05:00`, { path });
  }
  if (t <= grid.startMs) return 0;
  if (t >= gridEndMs(grid)) return grid.steps;
  return Math.ceil((t - grid.startMs) / (grid.stepMinutes * 60_000));
}
