import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededGaussian, seededRandom } from './seeded.ts';

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between seeds, and stay in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        const c = seededRandom(seed + 1);
        const xs = Array.from({ length: 50 }, () => a());
        expect(xs).toEqual(Array.from({ length: 50 }, () => b()));
        expect(xs).not.toEqual(Array.from({ length: 50 }, () => c()));
        expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('have the moments of their distributions', () => {
    const u = seededRandom(7);
    const g = seededGaussian(7);
    const n = 100_000;
    let su = 0, sg = 0, sg2 = 0;
    for (let i = 0; i < n; i++) {
      su += u();
      const x = g();
      sg += x;
      sg2 += x * x;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sg / n).toBeCloseTo(0, 1);
    expect(sg2 / n).toBeCloseTo(1, 1);
    expect(Number.isFinite(sg2)).toBe(true);
  });
});
