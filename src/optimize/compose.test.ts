import { afterAll, describe, expect, it } from 'vitest';
import { appendCompiled } from './compose.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { LinearModel } from './model-builder.ts';

const solver = new HighsWasmSolver();
afterAll(() => solver.close());

/** min 3x + 2y s.t. x + y ≥ 4, x ≤ 3, y ≤ 3, with a constant 1: optimum x = 1, y = 3, objective 10. */
function small(): LinearModel {
  const m = new LinearModel();
  const x = m.addVariable({ name: 'x', upper: 3, cost: 3 });
  const y = m.addVariable({ name: 'y', upper: 3, cost: 2 });
  m.addRow(4, Infinity, [x, y], [1, 1], 2, 'need');
  m.objectiveConstant = 1;
  return m;
}

describe('appendCompiled', () => {
  it('two copies weighted 0.25 and 0.75 have the optimum of one copy; names, bounds and offsets carry over', async () => {
    const src = small().compile({ shared: false });
    const target = new LinearModel();
    target.addVariable({ name: 'first', upper: 0 });
    const a = appendCompiled(target, src, { costScale: 0.25, nameSuffix: '{s1}' });
    const b = appendCompiled(target, src, { costScale: 0.75, nameSuffix: '{s2}' });
    expect(a).toEqual({ columnOffset: 1, rowOffset: 0, columns: 2, rows: 1 });
    expect(b).toEqual({ columnOffset: 3, rowOffset: 1, columns: 2, rows: 1 });
    expect(target.columnName(3)).toBe('x{s2}');
    expect(target.rowName(1)).toBe('need{s2}');
    expect(target.objectiveConstant).toBeCloseTo(1, 12);
    const r = await solver.solve(target.compile());
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(10, 9);
    expect(Array.from(r.columnValues.subarray(3, 5))).toEqual([1, 3]);
  });

  it('adds extra terms and replaces row bounds of the copied rows', async () => {
    const src = small().compile({ shared: false });
    const target = new LinearModel();
    const z = target.addVariable({ name: 'z', lower: 2, upper: 2 });
    // the need row becomes x + y − z ≥ 3 with z = 2, i.e. x + y ≥ 5
    appendCompiled(target, src, { extraTerms: (i) => (i === 0 ? [[z, -1]] : undefined), rowBounds: new Map([[0, [3, Infinity] as const]]) });
    const r = await solver.solve(target.compile());
    expect(r.status).toBe('optimal');
    // x + y ≥ 5: x = 2, y = 3 → 3·2 + 2·3 + 1
    expect(r.objective).toBeCloseTo(13, 9);
  });
});
