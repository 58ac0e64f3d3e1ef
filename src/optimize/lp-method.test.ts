import { describe, expect, it } from 'vitest';
import { chooseLpMethod, LONG_ROW, lpFeatures, lpMethodFor, LP_METHOD_RULE, type LpFeatures } from './lp-method.ts';
import { LinearModel } from './model-builder.ts';

/** 1,200 columns: a balance row per pair, one row over all (a job's total work), three price levels. */
function model() {
  const m = new LinearModel();
  const n = 1200;
  m.addVariables(n, { lower: 0, upper: 10 });
  for (let j = 0; j < n; j++) m.setCost(j, [10, 20, 20, -5][j % 4]!);
  for (let j = 0; j < n; j += 2) m.addRow(1, 1, [j, j + 1], [1, -1]);
  m.addRow(100, Infinity, Array.from({ length: n }, (_, j) => j), new Array<number>(n).fill(1));
  return m.compile({ shared: false });
}

describe('lpFeatures', () => {
  it('reads size, sparsity, structure and costs (worked by hand)', () => {
    const f = lpFeatures(model());
    expect(f.columns).toBe(1200);
    expect(f.rows).toBe(601);
    expect(f.nonzeros).toBe(2400);
    expect(f.density).toBeCloseTo(2400 / (601 * 1200), 12);
    expect(f.nonzerosPerColumn).toBe(2);
    expect(f.maxRowNonzeros).toBe(1200);
    expect(f.denseRowShare).toBe(1);
    expect(f.maxColumnNonzeros).toBe(2);
    expect(f.longRows).toBe(1200 > LONG_ROW ? 1 : 0);
    expect(f.equalityRowShare).toBeCloseTo(600 / 601, 12);
    expect(f.costedColumnShare).toBe(1);
    expect(f.negativeCostShare).toBe(0.25);
    // three distinct costs (10, 20, -5) over 1,200 costed columns
    expect(f.distinctCostShare).toBe(3 / 1200);
    expect(f.costSpreadLog10).toBeCloseTo(Math.log10(20 / 5), 12);
  });
});

/** Features of models the benchmark measured (npm run bench -- lp-method), rounded. */
const measured: Array<[string, Partial<LpFeatures>, 'simplex' | 'ipm']> = [
  ['Texas site-year, ERCOT 2023 spot (simplex 21 s, ipm 100 s)', { columns: 143_603, distinctCostShare: 0.48, denseRowShare: 0.23 }, 'simplex'],
  ['Texas site-year, DK1 2021 prices (12 s, 36 s)', { columns: 143_603, distinctCostShare: 0.39, denseRowShare: 0.23 }, 'simplex'],
  ['China three sites, time-of-use (88 s, 25 s)', { columns: 213_842, distinctCostShare: 0.0004, denseRowShare: 0.26 }, 'ipm'],
  ['China Ulanqab, time-of-use and a green target (56 s, 32 s)', { columns: 64_190, distinctCostShare: 0.0005, denseRowShare: 0.73 }, 'ipm'],
  ['global fleet, one site and one long job (80 s, 20 s)', { columns: 41_318, distinctCostShare: 1, denseRowShare: 0.79 }, 'ipm'],
  ['global fleet, four coupled sites (> 600 s, 278 s)', { columns: 432_727, distinctCostShare: 0.48, denseRowShare: 0.13 }, 'ipm'],
  ['generated six-market fleet, costs over nine decades (373 s, 60 s)', { columns: 130_442, distinctCostShare: 0.47, denseRowShare: 0.26, costSpreadLog10: 9 }, 'ipm'],
  ['generated six-market fleet, costs over seven decades (45 s, 8.4 s)', { columns: 105_134, distinctCostShare: 0.66, denseRowShare: 0.33, costSpreadLog10: 7.1 }, 'ipm'],
  ['Texas site-year, ERCOT 2021 spot, costs over six and a half decades (8.0 s, 48 s)', { columns: 143_603, distinctCostShare: 0.3, denseRowShare: 0.23, costSpreadLog10: 6.51 }, 'simplex'],
  ['a 48-hour rolling window (both under 0.1 s)', { columns: 722, distinctCostShare: 0.3, denseRowShare: 0.27 }, 'simplex'],
];

describe('chooseLpMethod', () => {
  for (const [name, f, want] of measured) {
    it(`picks the faster method for ${name}`, () => {
      expect(chooseLpMethod({ ...lpFeatures(model()), ...f })).toBe(want);
    });
  }

  it('keeps simplex below the small-model size whatever the structure', () => {
    expect(chooseLpMethod({ ...lpFeatures(model()), columns: LP_METHOD_RULE.smallColumns - 1, distinctCostShare: 0 })).toBe('simplex');
  });

  it('is what the planner runs under auto; an explicit choice wins', () => {
    const m = model();
    expect(lpMethodFor(m, 'auto')).toBe(chooseLpMethod(lpFeatures(m)));
    expect(lpMethodFor(m, 'ipm')).toBe('ipm');
    expect(lpMethodFor(m, 'simplex')).toBe('simplex');
  });
});
