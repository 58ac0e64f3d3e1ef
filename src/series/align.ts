/**
 * Maps raw samples onto the horizon grid. Samples are sorted (duplicates: the later row wins),
 * the source interval is detected as the median spacing, and each sample is taken to cover
 * [t, t + interval) (cut short where the next sample starts). Each grid step gets the
 * overlap-weighted mean of the samples covering it: that is the mean when downsampling
 * (15 min → 60 min) and a hold when upsampling (60 min → 15 min). Energy per sample is first
 * turned into average power over the sample, so averaging it sums the energy correctly.
 * Steps no sample covers are gaps, filled by fill.ts.
 */
import { gridEndMs, type TimeGrid } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import { seriesError, type SeriesWhere } from './errors.ts';
import { fillGaps, stepLocalTime, type FillRuleName } from './fill.ts';
import { unitConversion } from './units.ts';
import { CANONICAL_UNIT, QUANTITY_RANGE, type AlignedSeries, type AlignReport, type Quantity, type RawSeries } from './types.ts';

/** How to align one raw series. */
export interface AlignOptions {
  grid: TimeGrid;
  quantity: Quantity;
  /** File (as written in the scenario) and JSON path, for messages and the report. */
  where: SeriesWhere;
  /** Scenario currency (ISO code); price files in another currency are refused. */
  currency?: string;
  fill: FillRuleName;
  maxGapHours: number;
  /** Multiplier applied after unit conversion. */
  scale?: number;
}

/** The message for a value outside its quantity's physical range. */
export function outOfRange(x: number, unit: string, scale: number, y: number, unitTo: string, quantity: Quantity): string {
  const r = QUANTITY_RANGE[quantity];
  const shown = `${x} ${unit}`.trim() + (scale !== 1 ? ` × scale ${scale}` : '');
  const converted = `${y}` !== `${x}` ? ` (${y} ${unitTo})` : '';
  return `value ${shown}${converted} is outside the physical range of ${quantity}, ${r.min} to ${r.max} ${unitTo}; check the unit and the scale`;
}

/** Samples after sorting and removing duplicates. */
interface Clean {
  t: Float64Array;
  v: Float64Array;
  lines: Int32Array;
  m: number;
  duplicates: number;
}

function sortAndDedupe(raw: RawSeries): Clean {
  const { times, values } = raw;
  const n = times.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) {
      sorted = false;
      break;
    }
  }
  let order: Uint32Array | undefined;
  if (!sorted) {
    // stable: equal instants keep file order, so the later row still wins below
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  }
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const lines = new Int32Array(n);
  let m = 0;
  let duplicates = 0;
  for (let k = 0; k < n; k++) {
    const i = order ? (order[k] as number) : k;
    const ti = times[i] as number;
    if (m > 0 && t[m - 1] === ti) {
      duplicates++;
      v[m - 1] = values[i] as number;
      lines[m - 1] = raw.lines[i] as number;
      continue;
    }
    t[m] = ti;
    v[m] = values[i] as number;
    lines[m] = raw.lines[i] as number;
    m++;
  }
  return { t, v, lines, m, duplicates };
}

/** Median spacing of sorted distinct instants, ms; `fallback` for a single sample. */
export function medianSpacing(t: Float64Array, m: number, fallback: number): number {
  if (m < 2) return fallback;
  const d = new Float64Array(m - 1);
  for (let i = 1; i < m; i++) d[i - 1] = (t[i] as number) - (t[i - 1] as number);
  d.sort();
  const h = d.length >> 1;
  return d.length % 2 === 1 ? (d[h] as number) : ((d[h - 1] as number) + (d[h] as number)) / 2;
}

/** Aligns raw samples to the grid in the quantity's canonical unit, filling gaps by rule. */
export function alignSeries(raw: RawSeries, opts: AlignOptions): AlignedSeries {
  const { grid, quantity, where } = opts;
  const conv = unitConversion(raw.unit, quantity, where, opts.currency);
  if (raw.times.length === 0) {
    throw seriesError(where, 'the file has no usable data rows');
  }
  let missingCells = 0;
  for (let i = 0; i < raw.values.length; i++) if (Number.isNaN(raw.values[i] as number)) missingCells++;

  const { t, v, lines, m, duplicates } = sortAndDedupe(raw);
  const stepMs = grid.stepMinutes * 60_000;
  const interval = medianSpacing(t, m, stepMs);
  const intervalH = interval / 3_600_000;

  // unit conversion; energy per sample → average power over the sample
  const { scale, offset, energy } = conv;
  const k = opts.scale ?? 1;
  const range = QUANTITY_RANGE[quantity];
  for (let i = 0; i < m; i++) {
    const x = v[i] as number;
    if (Number.isNaN(x)) continue;
    let y = x * scale + offset;
    if (energy) y /= intervalH;
    // every aligned value is a mean of samples, so checking the samples bounds the result
    const yk = y * k;
    if (!(yk >= range.min && yk <= range.max)) {
      throw seriesError(where, outOfRange(x, raw.unit, k, yk, conv.unitTo, quantity), lines[i]);
    }
    v[i] = y;
  }

  const start = grid.startMs;
  const end = gridEndMs(grid);
  const steps = grid.steps;
  const sumW = new Float64Array(steps);
  const sumV = new Float64Array(steps);
  let inHorizon = 0;
  for (let i = 0; i < m; i++) {
    const a = t[i] as number;
    const next = i + 1 < m ? (t[i + 1] as number) : Infinity;
    const b = a + interval < next ? a + interval : next;
    if (b <= start || a >= end) continue;
    inHorizon++;
    const y = v[i] as number;
    if (Number.isNaN(y)) continue;
    const j0 = a <= start ? 0 : Math.floor((a - start) / stepMs);
    const j1 = b >= end ? steps - 1 : Math.ceil((b - start) / stepMs) - 1;
    for (let j = j0; j <= j1; j++) {
      const s0 = start + j * stepMs;
      const s1 = s0 + stepMs;
      const ov = (b < s1 ? b : s1) - (a > s0 ? a : s0);
      if (ov <= 0) continue;
      // weights as fractions of a step keep the sums small (no overflow on large values)
      const w = ov / stepMs;
      sumW[j] = (sumW[j] as number) + w;
      sumV[j] = (sumV[j] as number) + w * y;
    }
  }
  const coverage = m > 0 ? `${formatUtcIso(t[0] as number)} to ${formatUtcIso((t[m - 1] as number) + interval)}` : 'nothing';
  if (inHorizon === 0) {
    throw seriesError(
      where,
      `no data inside the horizon: the file covers ${coverage} but the horizon is ${stepLocalTime(grid, 0)} to ${stepLocalTime(grid, steps)}; ` +
        'use a file for the horizon\'s dates or shiftYears to reuse another year',
    );
  }
  const values = new Float64Array(steps);
  for (let j = 0; j < steps; j++) {
    const w = sumW[j] as number;
    values[j] = w > 0 ? (sumV[j] as number) / w : NaN;
  }
  const gaps = fillGaps(values, grid, opts.fill, opts.maxGapHours, where, coverage);
  for (let j = 0; j < steps; j++) {
    const y = (values[j] as number) * k;
    if (!Number.isFinite(y)) {
      throw seriesError(where, `value ${values[j]} × scale ${k} is out of range at ${stepLocalTime(grid, j)}`);
    }
    values[j] = y === 0 ? 0 : y; // no -0 in outputs
  }
  const sourceStepMinutes = interval / 60_000;
  const report: AlignReport = {
    name: where.path,
    file: where.file,
    source: raw.source,
    unitFrom: conv.unitFrom,
    unitTo: conv.unitTo,
    samples: raw.times.length,
    samplesInHorizon: inHorizon,
    duplicates,
    missingCells,
    nonexistentLocalTimes: raw.nonexistentLocalTimes,
    sourceStepMinutes,
    gapSteps: gaps.gapSteps,
    gapRuns: gaps.gapRuns,
    longestGapSteps: gaps.longestGapSteps,
    fill: opts.fill,
    resample: energy ? 'sum' : sourceStepMinutes === grid.stepMinutes ? 'none' : sourceStepMinutes > grid.stepMinutes ? 'hold' : 'mean',
  };
  if (raw.shiftDropped) report.shiftDropped = raw.shiftDropped;
  if (gaps.heldAtStartSteps > 0) report.heldAtStartSteps = gaps.heldAtStartSteps;
  if (gaps.heldAtEndSteps > 0) report.heldAtEndSteps = gaps.heldAtEndSteps;
  if (report.file === undefined) delete report.file;
  const out: AlignedSeries = { values, unit: CANONICAL_UNIT[quantity], report };
  if (conv.currency !== undefined) out.currency = conv.currency;
  return out;
}
