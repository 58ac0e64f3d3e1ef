/**
 * The aggregator's merit order is exact for separable convex costs: its split of a target
 * across sites costs no more than the best split found by nested ternary search over the
 * sites' piecewise-linear convex cost curves. Plus the bid built from envelope values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bidFromEnvelope, bySite, meritOrder } from './aggregator.ts';
import type { Segment } from './levers.ts';

/** A site's convex cost curve as segments of rising cost. */
const siteCurve = fc.array(fc.tuple(fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 1, maxLength: 4 });

function segments(site: number, curve: Array<[number, number]>): Segment[] {
  const sorted = [...curve].sort((a, b) => a[1] - b[1]);
  return sorted.map(([kw, cost], order) => ({ kind: 'job', site, alloc: 0, kw, lossRate: 0, deferrable: false, costPerKWh: cost, valuePerKWh: cost, tier: 1, order }));
}

/** Cost of taking x kW from a convex curve. */
function cost(curve: Array<[number, number]>, x: number): number {
  let left = x;
  let c = 0;
  for (const [kw, p] of [...curve].sort((a, b) => a[1] - b[1])) {
    const u = Math.min(kw, left);
    c += u * p;
    left -= u;
  }
  return left > 1e-9 ? Infinity : c;
}

const cap = (curve: Array<[number, number]>) => curve.reduce((a, [kw]) => a + kw, 0);

/** Minimum of a convex function on [lo, hi] by ternary search. */
function ternary(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 60; i++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (f(a) <= f(b)) hi = b;
    else lo = a;
  }
  return f((lo + hi) / 2);
}

describe('merit order', () => {
  it('is the least-cost split across three sites (property)', () => {
    fc.assert(
      fc.property(siteCurve, siteCurve, siteCurve, fc.double({ min: 0, max: 1, noNaN: true }), (c1, c2, c3, share) => {
        const total = cap(c1) + cap(c2) + cap(c3);
        const target = share * total;
        const fill = meritOrder([...segments(0, c1), ...segments(1, c2), ...segments(2, c3)], target);
        expect(fill.totalKW).toBeCloseTo(target, 6);
        const best = ternary((x) => {
          const rest = target - x;
          return cost(c1, x) + ternary((y) => cost(c2, y) + cost(c3, rest - y), Math.max(0, rest - cap(c3)), Math.min(cap(c2), rest));
        }, Math.max(0, target - cap(c2) - cap(c3)), Math.min(cap(c1), target));
        expect(fill.costPerHour).toBeLessThanOrEqual(best + 1e-6 * (1 + best));
        const per = bySite(fill);
        const sum = [...per.values()].reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(fill.totalKW, 6);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
  it('uses storage (tier 0) before anything else, then the cheapest', () => {
    const segs: Segment[] = [
      { kind: 'job', site: 0, alloc: 0, kw: 10, lossRate: 1, deferrable: false, costPerKWh: 0.5, valuePerKWh: 0.5, tier: 1, order: 1 },
      { kind: 'storage', site: 1, alloc: -1, kw: 5, lossRate: 0, deferrable: false, costPerKWh: 2, valuePerKWh: 2, tier: 0, order: 0 },
      { kind: 'inference', site: 1, alloc: 0, kw: 3, lossRate: 0, deferrable: false, costPerKWh: 0, valuePerKWh: 0, tier: 1, order: 0 },
    ];
    const fill = meritOrder(segs, 9);
    expect(fill.segments.map((s) => s.kind)).toEqual(['storage', 'inference', 'job']);
    expect([...fill.used]).toEqual([5, 3, 1]);
    expect(fill.lostRate).toBeCloseTo(0.1, 9);
    expect(meritOrder(segs, 100).totalKW).toBe(18);
  });
});

describe('bid from the envelope', () => {
  // windows of 1000, 600 and 800 kW: the tightest is 600; less 10 % = 540, split 2 : 1
  it('offers the tightest window less the margin, split by the sites\' share of it', () => {
    const bid = bidFromEnvelope([
      { fleetKW: 1000, bySite: new Map([[0, 500], [1, 500]]) },
      { fleetKW: 600, bySite: new Map([[0, 400], [1, 200]]) },
      { fleetKW: 800, bySite: new Map([[0, 400], [1, 400]]) },
    ], 0.1);
    expect(bid.capacityKW).toBeCloseTo(540, 9);
    expect(bid.bySite.get(0)).toBeCloseTo(360, 9);
    expect(bid.bySite.get(1)).toBeCloseTo(180, 9);
    expect(bid.envelopeMinKW).toBe(600);
    expect(bidFromEnvelope([], 0.1).capacityKW).toBe(0);
  });
});
