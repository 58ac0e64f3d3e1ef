/**
 * Collects rows read from a file (label, values, line) into typed arrays, then resolves the
 * labels to instants and drops rows whose local time does not exist. Shared by every reader so
 * DST handling and year shifting behave the same for all formats.
 */
import { resolveLabels } from './local-time.ts';
import type { RawSeries } from './types.ts';

/** Rows of one file with one or more value columns, before time resolution. */
export class RawBuilder {
  private naive: Float64Array;
  private offset: Float64Array;
  private lines: Int32Array;
  private readonly cols: Float64Array[];
  private n = 0;
  /** Rows dropped because a year shift moved Feb 29 into a non-leap year. */
  shiftDropped = 0;

  constructor(capacity: number, valueColumns = 1) {
    const cap = Math.max(1, capacity);
    this.naive = new Float64Array(cap);
    this.offset = new Float64Array(cap);
    this.lines = new Int32Array(cap);
    this.cols = Array.from({ length: valueColumns }, () => new Float64Array(cap));
  }

  /** Number of rows so far. */
  get length(): number {
    return this.n;
  }

  /** Appends a row; values are set with `set`. Returns the row index. */
  push(naiveMs: number, offsetMin: number, line: number): number {
    if (this.n === this.naive.length) this.grow();
    const i = this.n++;
    this.naive[i] = naiveMs;
    this.offset[i] = offsetMin;
    this.lines[i] = line;
    for (const c of this.cols) c[i] = NaN;
    return i;
  }

  /** Sets value column `col` of row `row`. */
  set(col: number, row: number, value: number): void {
    (this.cols[col] as Float64Array)[row] = value;
  }

  private grow(): void {
    const cap = this.naive.length * 2;
    const g = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.naive = g(this.naive, (k) => new Float64Array(k));
    this.offset = g(this.offset, (k) => new Float64Array(k));
    this.lines = g(this.lines, (k) => new Int32Array(k));
    for (let c = 0; c < this.cols.length; c++) this.cols[c] = g(this.cols[c] as Float64Array, (k) => new Float64Array(k));
  }

  /**
   * Resolves labels without an offset as wall clock in `zone` and returns one RawSeries per
   * value column (sharing times and lines), without the rows whose local time does not exist.
   */
  finish(zone: string, columns: { unit: string; source: string }[]): RawSeries[] {
    const n = this.n;
    const { times, nonexistent } = resolveLabels(this.naive, this.offset, zone, n);
    let keep = n - nonexistent;
    const t = nonexistent === 0 ? times : new Float64Array(keep);
    const lines = nonexistent === 0 ? this.lines.slice(0, n) : new Int32Array(keep);
    const values = this.cols.map((c) => (nonexistent === 0 ? c.slice(0, n) : new Float64Array(keep)));
    if (nonexistent > 0) {
      keep = 0;
      for (let i = 0; i < n; i++) {
        const ti = times[i] as number;
        if (Number.isNaN(ti)) continue;
        t[keep] = ti;
        lines[keep] = this.lines[i] as number;
        for (let c = 0; c < values.length; c++) (values[c] as Float64Array)[keep] = (this.cols[c] as Float64Array)[i] as number;
        keep++;
      }
    }
    return columns.map((col, c) => ({
      times: t,
      values: values[c] as Float64Array,
      unit: col.unit,
      lines,
      nonexistentLocalTimes: nonexistent,
      shiftDropped: this.shiftDropped,
      source: col.source,
    }));
  }
}
