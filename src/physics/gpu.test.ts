import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAccelerators } from './catalogue.ts';
import { gpuPowerAtUtilisation, gpuPowerForThroughput, hullCurve, itPowerPerGpuW, throughputAtPower, upperConcaveHull } from './gpu.ts';

const accs = resolveAccelerators();
const h100 = accs.get('H100')!;

describe('upperConcaveHull', () => {
  it('drops points under the chord of their neighbours and keeps the vertices in power order', () => {
    const pts = [
      { gpuPowerW: 300, throughput: 0.9 },
      { gpuPowerW: 100, throughput: 0.2 },
      { gpuPowerW: 200, throughput: 0.5 }, // under the chord 100→300 (0.55): dropped
      { gpuPowerW: 400, throughput: 1 },
    ];
    const { hull, dropped } = upperConcaveHull(pts);
    expect(hull.map((p) => p.gpuPowerW)).toEqual([100, 300, 400]);
    expect(dropped.map((p) => p.gpuPowerW)).toEqual([200]);
  });

  it('cuts the curve after its highest throughput', () => {
    const op = (w: number, t: number) => ({ capW: w, gpuPowerW: w, itPowerW: w, throughput: t });
    const { points, dropped } = hullCurve([op(100, 0.3), op(200, 0.8), op(300, 1), op(350, 0.99)]);
    expect(points.map((p) => p.gpuPowerW)).toEqual([100, 200, 300]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.reason).toMatch(/more power/);
  });
});

describe('throughputAtPower and gpuPowerForThroughput', () => {
  const curve = h100.curves.training!;
  const idle = h100.idleW;

  it('interpolates on the hull, falls linearly to idle below the lowest point and is flat above the top', () => {
    const [a, b] = [curve[0]!, curve[1]!];
    const mid = (a.gpuPowerW + b.gpuPowerW) / 2;
    expect(throughputAtPower(curve, mid, idle)).toBeCloseTo((a.throughput + b.throughput) / 2, 12);
    expect(throughputAtPower(curve, (idle + a.gpuPowerW) / 2, idle)).toBeCloseTo(a.throughput / 2, 12);
    expect(throughputAtPower(curve, idle, idle)).toBe(0);
    expect(throughputAtPower(curve, 10, idle)).toBe(0);
    expect(throughputAtPower(curve, 900, idle)).toBe(1);
  });

  it('are inverse on the hull (property)', () => {
    const curves = [...accs.values()].flatMap((acc) => Object.values(acc.curves).map((c) => ({ c, idle: acc.idleW })));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: curves.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (ci, u) => {
        const { c, idle } = curves[ci]!;
        const top = c[c.length - 1]!;
        // throughput → power → throughput
        const t = u * top.throughput;
        const p = gpuPowerForThroughput(c, t, idle);
        expect(throughputAtPower(c, p, idle)).toBeCloseTo(t, 9);
        // power → throughput → power, for powers from idle to the top of the curve
        const w = idle + u * (top.gpuPowerW - idle);
        expect(gpuPowerForThroughput(c, throughputAtPower(c, w, idle), idle)).toBeCloseTo(w, 6);
      }),
    );
  });

  it('rejects a throughput above the top of the curve', () => {
    expect(() => gpuPowerForThroughput(curve, 1.01, idle)).toThrow(RangeError);
  });
});

describe('power of a GPU slot', () => {
  // H100: idle 65 W, TDP 700 W, host share 230 W at idle and 575 W at TDP.
  it('itPowerPerGpuW adds the host share linearly in GPU power (hand values)', () => {
    expect(itPowerPerGpuW(h100, 700)).toBe(700 + 575); // 1275 W = 10.2 kW / 8
    expect(itPowerPerGpuW(h100, 65)).toBe(65 + 230); // 295 W
    expect(itPowerPerGpuW(h100, 382.5)).toBeCloseTo(382.5 + 230 + 345 * 0.5, 12); // 785 W
    expect(itPowerPerGpuW(h100, 0)).toBe(230); // host share clamped at its idle value
    expect(itPowerPerGpuW(h100, 800)).toBe(800 + 575); // and at its max
  });

  it('gpuPowerAtUtilisation follows idle + (min(cap, tdp) − idle)·log2(1 + u)', () => {
    expect(gpuPowerAtUtilisation(h100, 0)).toBe(65);
    expect(gpuPowerAtUtilisation(h100, 1)).toBe(700);
    expect(gpuPowerAtUtilisation(h100, 0.5)).toBeCloseTo(65 + 635 * Math.log2(1.5), 12); // 436.45 W
    expect(gpuPowerAtUtilisation(h100, 1, 400)).toBe(400);
    expect(gpuPowerAtUtilisation(h100, 2, 900)).toBe(700);
  });
});
