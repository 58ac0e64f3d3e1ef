import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { decodeSeries, wallClockSteps } from './client/decode.ts';
import { PACK_QUANTUM, packSeries, wallClockAxis } from './full-resolution.ts';
import { wallClockMs } from './time-buckets.ts';

describe('full-resolution series in the page', () => {
  it('round-trip to within half a quantum: 0.005 kW (5 W) or 0.005 per MWh', async () => {
    const n = 24 * 30;
    const power = Float64Array.from({ length: n }, (_, t) => 30_000 + 12_000 * Math.sin(t / 7) + (t % 5) * 0.123);
    const price = Float64Array.from({ length: n }, (_, t) => (t % 97 === 0 ? -35.27 : 42.1 + Math.cos(t) * 20));
    const zero = new Float64Array(n);
    const { meta, base64 } = packSeries([power, price, zero], 0, n, 'blk');
    expect(meta.steps).toBe(n);
    expect(meta.quanta).toEqual([PACK_QUANTUM, PACK_QUANTUM, PACK_QUANTUM]);
    const [p, q, z] = await decodeSeries(meta, base64);
    for (let t = 0; t < n; t++) {
      expect(Math.abs(p![t]! - power[t]!)).toBeLessThanOrEqual(PACK_QUANTUM / 2 + 1e-9);
      expect(Math.abs(q![t]! - price[t]!)).toBeLessThanOrEqual(PACK_QUANTUM / 2 + 1e-9);
      expect(z![t]).toBe(0);
    }
    // a month of smooth hourly flows packs to well under 2 bytes per value (before base64)
    expect((base64.length * 3) / 4 / (3 * n)).toBeLessThan(2);
  });

  it('round-trip any finite series, huge values with a coarser quantum (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        async (series) => {
          const { meta, base64 } = packSeries(series, 1, 4, 'x');
          const back = await decodeSeries(meta, base64);
          series.forEach((s, i) => {
            for (let t = 0; t < 3; t++) expect(Math.abs(back[i]![t]! - s[t + 1]!)).toBeLessThanOrEqual(meta.quanta[i]! / 2 + Math.abs(s[t + 1]!) * 1e-12);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a block whose length does not match its description', async () => {
    const { meta, base64 } = packSeries([[1, 2, 3]], 0, 3, 'x');
    await expect(decodeSeries({ ...meta, steps: 4 }, base64)).rejects.toThrow(/expected 16 bytes, got 12/);
  });

  it('rebuild the wall-clock time of every step across a DST change (Berlin, March 2023)', () => {
    const grid: TimeGrid = { startMs: Date.parse('2023-03-25T00:00:00Z'), stepMinutes: 60, steps: 72, timeZone: 'Europe/Berlin' };
    const axis = wallClockAxis(grid, 'Europe/Berlin');
    expect(axis.offsets).toEqual([[0, 60], [25, 120]]);
    expect(Array.from(wallClockSteps(axis, grid.steps))).toEqual(Array.from(wallClockMs(grid, 'Europe/Berlin')));
    const part = wallClockAxis(grid, 'Europe/Berlin', 30, 40);
    expect(part).toEqual({ startMs: Date.parse('2023-03-26T06:00:00Z'), stepMinutes: 60, offsets: [[0, 120]] });
  });
});
