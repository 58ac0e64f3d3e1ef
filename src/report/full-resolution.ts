/**
 * Packing of series at full resolution for the report page (decoded in the page by
 * client/decode.ts): integer steps of 0.01 raw units (10 W for kW flows, 0.01 per MWh for
 * prices) or finer for small series, differences between steps, bytes shuffled so gzip finds
 * the runs of zero high bytes. A year of hourly flows takes about one byte per value.
 */
import { gzipSync } from 'node:zlib';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import type { PackedSeries, WallClockAxis } from './client/page-data.ts';

/** Coarsest quantum, raw units (kW, currency/MWh). */
export const PACK_QUANTUM = 0.01;

/** Packs steps [from, to) of each series; `blockId` names the text block the base64 goes in. */
export function packSeries(series: Array<ArrayLike<number>>, from: number, to: number, blockId: string): { meta: PackedSeries; base64: string } {
  const steps = Math.max(0, to - from);
  const words = series.length * steps;
  const ints = new Int32Array(words);
  const quanta: number[] = [];
  series.forEach((values, s) => {
    let max = 0;
    for (let t = from; t < to; t++) {
      const v = Math.abs(values[t]!);
      if (Number.isFinite(v) && v > max) max = v;
    }
    // 2^30 levels at most, so sums of differences stay inside int32
    const q = Math.max(PACK_QUANTUM, max / 2 ** 30);
    quanta.push(q);
    let prev = 0;
    for (let t = 0; t < steps; t++) {
      const v = values[from + t]!;
      const k = Number.isFinite(v) ? Math.round(v / q) : prev;
      ints[s * steps + t] = (k - prev) | 0;
      prev = k;
    }
  });
  const bytes = new Uint8Array(ints.buffer);
  const shuffled = new Uint8Array(bytes.length);
  // Int32Array is little-endian on every platform Node runs on
  for (let i = 0; i < words; i++) for (let b = 0; b < 4; b++) shuffled[b * words + i] = bytes[i * 4 + b]!;
  const base64 = gzipSync(shuffled, { level: 6 }).toString('base64');
  return { meta: { encoding: 'delta-int32-shuffle-gzip-base64', steps, quanta, blockId }, base64 };
}

/** The wall-clock axis of steps [from, to) in a time zone: start, step and offset changes. */
export function wallClockAxis(grid: TimeGrid, timeZone: string, from = 0, to = grid.steps): WallClockAxis {
  const off = calendarOf(grid, timeZone).offsetMinutes;
  const offsets: Array<[number, number]> = [];
  for (let t = from; t < to; t++) if (offsets.length === 0 || offsets[offsets.length - 1]![1] !== off[t]) offsets.push([t - from, off[t]!]);
  return { startMs: grid.startMs + from * grid.stepMinutes * 60_000, stepMinutes: grid.stepMinutes, offsets };
}
