import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { alignSeries, medianSpacing, type AlignOptions } from './align.ts';
import { describeFill, type FillRuleName } from './fill.ts';
import type { Quantity, RawSeries } from './types.ts';
import { thrown } from '../../test/helpers/input-error.ts';

const where = { file: 'series.csv', path: 'sites[0].series.x' };
const T0 = Date.UTC(2023, 5, 1);
const MIN = 60_000;
const H = 3_600_000;

function raw(times: number[], values: number[], unit: string): RawSeries {
  return {
    times: Float64Array.from(times),
    values: Float64Array.from(values),
    unit,
    lines: Int32Array.from(times.map((_, i) => i + 2)),
    nonexistentLocalTimes: 0,
    source: 'test',
  };
}

function grid(stepMinutes: number, steps: number, startMs = T0): TimeGrid {
  return { startMs, stepMinutes, steps, timeZone: 'UTC' };
}

function align(r: RawSeries, g: TimeGrid, quantity: Quantity, more: Partial<AlignOptions> = {}) {
  return alignSeries(r, { grid: g, quantity, where, fill: 'linear', maxGapHours: 72, ...more });
}


describe('resampling', () => {
  it('15-minute prices → hourly means', () => {
    const times = Array.from({ length: 8 }, (_, i) => T0 + i * 15 * MIN);
    const s = align(raw(times, [10, 20, 30, 40, 50, 50, 50, 90], 'USD/MWh'), grid(60, 2), 'price');
    // (10+20+30+40)/4 = 25; (50+50+50+90)/4 = 60
    expect(Array.from(s.values)).toEqual([25, 60]);
    expect(s.report).toMatchObject({ sourceStepMinutes: 15, resample: 'mean', samples: 8, samplesInHorizon: 8, gapSteps: 0 });
  });

  it('15-minute energy (kWh per interval) → hourly average kW', () => {
    const times = Array.from({ length: 8 }, (_, i) => T0 + i * 15 * MIN);
    const s = align(raw(times, [1, 2, 3, 4, 5, 5, 5, 5], 'kWh'), grid(60, 2), 'power');
    // hour 1: 1+2+3+4 = 10 kWh in one hour = 10 kW average; hour 2: 20 kWh = 20 kW
    expect(s.values[0]).toBeCloseTo(10, 12);
    expect(s.values[1]).toBeCloseTo(20, 12);
    expect(s.report.resample).toBe('sum');
    expect(s.unit).toBe('kW');
  });

  it('hourly MWh → 15-minute average kW', () => {
    const s = align(raw([T0, T0 + H], [1, 2], 'MWh'), grid(15, 8), 'power', { fill: 'error' });
    // 1 MWh over one hour is 1000 kW in each quarter hour
    expect(Array.from(s.values)).toEqual([1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000]);
  });

  it('hourly → 15-minute hold', () => {
    const s = align(raw([T0, T0 + H], [10, 20], 'USD/MWh'), grid(15, 8), 'price');
    expect(Array.from(s.values)).toEqual([10, 10, 10, 10, 20, 20, 20, 20]);
    expect(s.report.resample).toBe('hold');
  });

  it('weights samples by overlap when the grid is offset from the data', () => {
    // hourly samples at :30 past; hourly grid on the hour: each step is half one sample, half the next
    const times = [T0 - 30 * MIN, T0 + 30 * MIN, T0 + 90 * MIN];
    const s = align(raw(times, [0, 10, 30], 'USD/MWh'), grid(60, 2), 'price');
    expect(Array.from(s.values)).toEqual([5, 20]);
  });

  it('sorts rows and lets the later of two duplicates win', () => {
    const s = align(raw([T0 + H, T0, T0 + H], [2, 1, 3], 'USD/MWh'), grid(60, 2), 'price');
    expect(Array.from(s.values)).toEqual([1, 3]);
    expect(s.report.duplicates).toBe(1);
  });

  it('medianSpacing ignores an odd long step', () => {
    expect(medianSpacing(Float64Array.from([0, 1, 2, 3, 10]), 5, 99)).toBe(1);
    expect(medianSpacing(Float64Array.from([5]), 1, 99)).toBe(99);
  });
});

describe('gaps and fill rules', () => {
  // hourly data for 8 steps: a NaN cell at step 2, no rows for steps 3 and 6
  // values 0, 10, _, _, 40, 50, _, 70
  const series = raw(
    [0, 1, 2, 4, 5, 7].map((h) => T0 + h * H),
    [0, 10, NaN, 40, 50, 70],
    'USD/MWh',
  );
  const run = (fill: FillRuleName, maxGapHours = 72) => align(series, grid(60, 8), 'price', { fill, maxGapHours });

  it('counts gap steps, runs and the longest run', () => {
    const s = run('linear');
    expect(s.report).toMatchObject({ gapSteps: 3, gapRuns: 2, longestGapSteps: 2, missingCells: 1, samples: 6 });
  });

  it('linear: interpolates between neighbours', () => {
    // steps 2, 3 between 10 (step 1) and 40 (step 4): 20, 30; step 6 between 50 and 70: 60
    expect(Array.from(run('linear').values)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  it('previous: repeats the last value', () => {
    expect(Array.from(run('previous').values)).toEqual([0, 10, 10, 10, 40, 50, 50, 70]);
  });

  it('zero: fills zeros', () => {
    expect(Array.from(run('zero').values)).toEqual([0, 10, 0, 0, 40, 50, 0, 70]);
  });

  it('error: refuses, listing the gaps in local time', () => {
    const e = thrown(() => run('error'));
    expect(e.message).toContain('3 grid steps in 2 gaps');
    expect(e.details[0]).toBe('gap 2023-06-01T02:00:00+00:00 to 2023-06-01T04:00:00+00:00 (2 steps, 2 h)');
    expect(e.format()).toContain('series.csv');
  });

  it('refuses a gap longer than maxGapHours and suggests fill / maxGapHours', () => {
    const e = thrown(() => run('linear', 1));
    expect(e.message).toContain('gap of 2 h');
    expect(e.message).toContain('maxGapHours (1)');
    expect(e.message).toContain('fill');
    expect(run('linear', 2).report.gapSteps).toBe(3);
  });

  it('counts edges as gaps and holds the nearest value there', () => {
    // the grid starts 2 h before the data and ends 1 h after it
    const s = align(raw([T0, T0 + H], [5, 7], 'USD/MWh'), grid(60, 5, T0 - 2 * H), 'price');
    expect(Array.from(s.values)).toEqual([5, 5, 5, 7, 7]);
    expect(s.report).toMatchObject({ gapSteps: 3, gapRuns: 2, longestGapSteps: 2, heldAtStartSteps: 2, heldAtEndSteps: 1 });
    // the report says what happened: held at the edges, not interpolated
    expect(describeFill(s.report)).toBe("the first 2 steps (before the file's first value) held at the first value; the last 1 step (after the file's last value) held at the last value");
    const prev = align(raw([T0, T0 + H], [5, 7], 'USD/MWh'), grid(60, 5, T0 - 2 * H), 'price', { fill: 'previous' });
    expect(Array.from(prev.values)).toEqual([5, 5, 5, 7, 7]);
    expect(prev.report).toMatchObject({ heldAtStartSteps: 2 });
    expect(prev.report.heldAtEndSteps).toBeUndefined(); // the previous value is what `previous` means
    expect(describeFill(prev.report)).toBe("1 step filled by the previous value; the first 2 steps (before the file's first value) held at the first value");
    // an inner gap is interpolated and says so
    const inner = align(raw([T0, T0 + H, T0 + 4 * H, T0 + 5 * H], [5, 5, 8, 8], 'USD/MWh'), grid(60, 6), 'price');
    expect(Array.from(inner.values)).toEqual([5, 5, 6, 7, 8, 8]);
    expect(describeFill(inner.report)).toBe('2 steps filled by linear interpolation');
    expect(inner.report.heldAtStartSteps).toBeUndefined();
  });

  it('refuses a horizon where every cell is missing', () => {
    const e = thrown(() => align(raw([T0, T0 + H], [NaN, NaN], 'USD/MWh'), grid(60, 2), 'price'));
    expect(e.message).toContain('every cell');
  });

  it('applies scale after unit conversion', () => {
    const s = align(raw([T0], [0.1], 'USD/kWh'), grid(60, 1), 'price', { scale: 2 });
    expect(s.values[0]).toBeCloseTo(200, 12);
    expect(s.report.unitTo).toBe('USD/MWh');
  });
});
