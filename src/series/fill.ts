/**
 * Gaps after alignment: grid steps no sample covered. They are counted (steps, runs, longest
 * run), checked against `maxGapHours`, and filled by the scenario's rule. Edge gaps (data that
 * starts after or ends before the horizon) count like any other gap; `linear` and `previous`
 * hold the nearest value there, since there is nothing to interpolate towards, and the report
 * says so (`heldAtStartSteps`, `heldAtEndSteps`, {@link describeFill}).
 */
import type { TimeGrid } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';
import { seriesError, type SeriesWhere } from './errors.ts';

/** How gaps are filled (the scenario's `fill`). */
export type FillRuleName = 'linear' | 'previous' | 'zero' | 'error';

/** Counts of missing steps before filling. */
export interface GapStats {
  gapSteps: number;
  gapRuns: number;
  longestGapSteps: number;
  /**
   * Missing steps at the start of the horizon (before the first sample) held at the first value,
   * and at its end (after the last sample) held at the last value: there is nothing on the other
   * side to interpolate towards (`linear`), or no previous value (`previous`, start only).
   */
  heldAtStartSteps: number;
  heldAtEndSteps: number;
}

const FILL_WORDS: Record<FillRuleName, string> = {
  linear: 'linear interpolation',
  previous: 'the previous value',
  zero: 'zero',
  error: 'nothing (fill is "error")',
};

/**
 * How the gaps of a series were filled, in words that say what happened at the edges too:
 * `filled by linear interpolation; the first 8 steps (before the file's first value) held at it`.
 */
export function describeFill(r: { fill: FillRuleName; gapSteps: number; heldAtStartSteps?: number; heldAtEndSteps?: number }): string {
  const start = r.heldAtStartSteps ?? 0;
  const end = r.heldAtEndSteps ?? 0;
  const inner = r.gapSteps - start - end;
  const steps = (k: number) => `${k} step${k === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (inner > 0) parts.push(`${steps(inner)} filled by ${FILL_WORDS[r.fill]}`);
  if (start > 0) parts.push(`the first ${steps(start)} (before the file's first value) held at the first value`);
  if (end > 0) parts.push(`the last ${steps(end)} (after the file's last value) held at the last value`);
  return parts.join('; ');
}

interface Run {
  start: number;
  length: number;
}

function findRuns(values: Float64Array): Run[] {
  const runs: Run[] = [];
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(values[i] as number)) continue;
    const start = i;
    while (i < n && Number.isNaN(values[i] as number)) i++;
    runs.push({ start, length: i - start });
  }
  return runs;
}

/** Local time of a grid step for messages (`2023-03-12T02:00:00-05:00`); UTC if the zone is unusable. */
export function stepLocalTime(grid: TimeGrid, step: number): string {
  const t = grid.startMs + step * grid.stepMinutes * 60_000;
  try {
    return formatLocalIso(t, offsetMinutesAt(grid.timeZone, t));
  } catch {
    return formatUtcIso(t);
  }
}

function describeRun(grid: TimeGrid, r: Run): string {
  const hours = (r.length * grid.stepMinutes) / 60;
  return `${stepLocalTime(grid, r.start)} to ${stepLocalTime(grid, r.start + r.length)} (${r.length} step${r.length === 1 ? '' : 's'}, ${hours} h)`;
}

/**
 * Counts gaps (NaN steps) and fills them in place by `rule`. Throws an InputError when the rule
 * is `error` and there are gaps, when a gap is longer than `maxGapHours`, or when no step has a
 * value. `coverage` describes the file's time range for messages.
 */
export function fillGaps(
  values: Float64Array,
  grid: TimeGrid,
  rule: FillRuleName,
  maxGapHours: number,
  where: SeriesWhere,
  coverage: string,
): GapStats {
  const runs = findRuns(values);
  let gapSteps = 0;
  let longest = 0;
  for (const r of runs) {
    gapSteps += r.length;
    if (r.length > longest) longest = r.length;
  }
  const n = values.length;
  const leading = runs[0]?.start === 0 ? runs[0].length : 0;
  const last = runs[runs.length - 1];
  const trailing = last && last.start + last.length === n && last.start > 0 ? last.length : 0;
  const stats: GapStats = {
    gapSteps,
    gapRuns: runs.length,
    longestGapSteps: longest,
    heldAtStartSteps: rule === 'linear' || rule === 'previous' ? leading : 0,
    heldAtEndSteps: rule === 'linear' ? trailing : 0,
  };
  if (runs.length === 0) return stats;
  if (gapSteps === n) {
    throw seriesError(where, `no value inside the horizon: every cell the file has for ${stepLocalTime(grid, 0)} to ${stepLocalTime(grid, n)} is missing (file covers ${coverage})`);
  }
  if (rule === 'error') {
    throw seriesError(
      where,
      `${gapSteps} grid step${gapSteps === 1 ? '' : 's'} in ${runs.length} gap${runs.length === 1 ? '' : 's'} have no data and fill is "error"; ` +
        'set fill to linear, previous or zero, or supply the missing data',
      undefined,
      undefined,
      'SERIES_INVALID',
      [...runs.slice(0, 5).map((r) => `gap ${describeRun(grid, r)}`), ...(runs.length > 5 ? [`… and ${runs.length - 5} more gaps`] : [])],
    );
  }
  const stepH = grid.stepMinutes / 60;
  const tooLong = runs.filter((r) => r.length * stepH > maxGapHours);
  if (tooLong.length > 0) {
    const worst = tooLong.reduce((a, b) => (b.length > a.length ? b : a));
    throw seriesError(
      where,
      `gap of ${worst.length * stepH} h without data is longer than maxGapHours (${maxGapHours}); ` +
        `the file covers ${coverage}. Use a file that covers the horizon (or shiftYears to reuse another year), ` +
        'or raise maxGapHours and choose a fill rule (fill: linear, previous or zero)',
      undefined,
      undefined,
      'SERIES_INVALID',
      tooLong.slice(0, 5).map((r) => `gap ${describeRun(grid, r)}`),
    );
  }
  for (const r of runs) {
    const before = r.start - 1;
    const after = r.start + r.length;
    const vb = before >= 0 ? (values[before] as number) : NaN;
    const va = after < n ? (values[after] as number) : NaN;
    for (let k = 0; k < r.length; k++) {
      const i = r.start + k;
      let x: number;
      switch (rule) {
        case 'zero':
          x = 0;
          break;
        case 'previous':
          x = before >= 0 ? vb : va; // a leading gap has no previous value: hold the first one
          break;
        case 'linear':
          if (before < 0) x = va;
          else if (after >= n) x = vb;
          else x = vb + ((va - vb) * (k + 1)) / (r.length + 1);
          break;
      }
      values[i] = x;
    }
  }
  return stats;
}
