/**
 * Downsampling for charts: averages of consecutive steps (or of local days) so a year of
 * hourly flows draws as a few hundred points. Means of power keep energy right (a bucket's
 * mean × its hours = its energy) and keep stacked flows consistent with each other, which
 * point-picking samplers such as LTTB do not.
 */
import { calendarOf, stepStartMs, type TimeGrid } from '../time/grid.ts';

/** Steps [from, to) grouped into buckets, with each bucket's x position. */
export interface TimeBuckets {
  /** Bucket start as local wall-clock time written as if it were UTC (for `useUTC` axes), ms. */
  x: number[];
  /** Bucket of each step in [from, to), indexed from `from`. */
  bucketOf: Int32Array;
  /** Steps in each bucket. */
  count: Int32Array;
  from: number;
  to: number;
  /** What one point is, for captions: "hourly values", "3-hour means", "daily means". */
  resolution: string;
  /** Minutes one point stands for (1440 for local days). */
  pointMinutes: number;
}

/** Horizons longer than this many days are always drawn as daily means. */
export const DAILY_AFTER_DAYS = 60;

/** Bucket lengths tried, in minutes, before falling back to local days. */
const BUCKET_MINUTES = [60, 120, 180, 360, 720];

/** Local wall-clock time of every step as "fake UTC" ms, so charts label the site's local time. */
export function wallClockMs(grid: TimeGrid, timeZone: string): Float64Array {
  const off = calendarOf(grid, timeZone).offsetMinutes;
  const out = new Float64Array(grid.steps);
  for (let t = 0; t < grid.steps; t++) out[t] = stepStartMs(grid, t) + off[t]! * 60_000;
  return out;
}

/** Chooses buckets for steps [from, to) so there are at most about `maxPoints` of them. */
export function timeBuckets(grid: TimeGrid, timeZone: string, from = 0, to = grid.steps, maxPoints = 400): TimeBuckets {
  const n = Math.max(0, to - from);
  const wall = wallClockMs(grid, timeZone);
  const bucketOf = new Int32Array(n);
  const x: number[] = [];
  const days = (n * grid.stepMinutes) / 1440;
  const pick = days > DAILY_AFTER_DAYS ? undefined : n <= maxPoints ? grid.stepMinutes : BUCKET_MINUTES.find((m) => m >= grid.stepMinutes && m % grid.stepMinutes === 0 && Math.ceil((n * grid.stepMinutes) / m) <= maxPoints);
  let resolution: string;
  let pointMinutes: number;
  if (pick === undefined) {
    const cal = calendarOf(grid, timeZone);
    let last = -1;
    for (let i = 0; i < n; i++) {
      const d = cal.dayIndex[from + i]!;
      if (d !== last) {
        const [y, m, day] = cal.dayKeys[d]!.split('-').map(Number) as [number, number, number];
        x.push(Date.UTC(y, m - 1, day));
        last = d;
      }
      bucketOf[i] = x.length - 1;
    }
    resolution = 'daily means';
    pointMinutes = 1440;
  } else {
    const k = pick / grid.stepMinutes;
    for (let i = 0; i < n; i++) {
      const b = Math.floor(i / k);
      if (b === x.length) x.push(wall[from + i]!);
      bucketOf[i] = b;
    }
    pointMinutes = pick;
    resolution = k === 1 ? (grid.stepMinutes === 60 ? 'hourly values' : `${grid.stepMinutes}-minute values`) : pick === 60 ? 'hourly means' : `${pick / 60}-hour means`;
  }
  const count = new Int32Array(x.length);
  for (let i = 0; i < n; i++) count[bucketOf[i]!]! += 1;
  return { x, bucketOf, count, from, to, resolution, pointMinutes };
}

/** Mean of `values` in each bucket, times `scale` (e.g. 0.001 for kW → MW). */
export function bucketMeans(values: ArrayLike<number>, b: TimeBuckets, scale = 1): Float64Array {
  const out = new Float64Array(b.x.length);
  for (let i = 0; i < b.bucketOf.length; i++) {
    const v = values[b.from + i]!;
    if (Number.isFinite(v)) out[b.bucketOf[i]!]! += v;
  }
  for (let j = 0; j < out.length; j++) out[j] = b.count[j]! > 0 ? (out[j]! / b.count[j]!) * scale : 0;
  return out;
}
