import { afterAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { checkFeasibility } from './solution-check.ts';
import { splitResult, stackBases, stackModels } from './stack.ts';

const solver = new HighsWasmSolver();
afterAll(() => solver.close());

describe('stackModels (independent models solved as one block-diagonal model)', () => {
  const models = [1, 2, 3].map((seed) => buildBatteryFlexModel({ hours: 24 * seed, sites: seed === 2 ? 2 : 1, seed }).model.compile());

  it('splits into each model’s own optimum, values, duals and basis', async () => {
    const stack = stackModels(models);
    expect(stack.model.numColumns).toBe(models.reduce((a, m) => a + m.numColumns, 0));
    expect(stack.model.numNonzeros).toBe(models.reduce((a, m) => a + m.numNonzeros, 0));
    const r = await solver.solve(stack.model, { keepBasis: true });
    expect(r.status).toBe('optimal');
    const alone = await Promise.all(models.map((m) => solver.solve(m)));
    expect(r.objective).toBeCloseTo(alone.reduce((a, x) => a + x.objective, 0), 5);
    models.forEach((m, k) => {
      const part = splitResult(stack, models, r, k);
      expect(part.columnValues).toHaveLength(m.numColumns);
      expect(part.objective).toBeCloseTo(alone[k]!.objective, 6);
      expect(checkFeasibility(m, part.columnValues).maxRowViolation).toBeLessThan(1e-6);
      expect(part.basis!.colStatus).toHaveLength(m.numColumns);
      expect(part.rowDuals).toHaveLength(m.numRows);
    });
    // the row-wise copy agrees with the column-wise one
    const csr = stack.model.csr;
    let sum = 0;
    for (let q = 0; q < csr.starts[stack.model.numRows]!; q++) sum += csr.values[q]!;
    let sum2 = 0;
    for (const m of models) for (let q = 0; q < m.numNonzeros; q++) sum2 += m.csr.values[q]!;
    expect(sum).toBeCloseTo(sum2, 9);
    // the blocks' bases, stacked, restart the stacked model at its optimum
    const bases = models.map((_, k) => splitResult(stack, models, r, k).basis);
    const warm = await solver.solve(stack.model, { basis: stackBases(stack, bases)! });
    expect(warm.objective).toBeCloseTo(r.objective, 6);
    expect(warm.iterations?.simplex).toBe(0);
  });

  it('starts a block without a basis of its size from its logical basis, the others from theirs', async () => {
    const stack = stackModels(models);
    const cold = await solver.solve(stack.model, { keepBasis: true });
    const bases = models.map((_, k) => splitResult(stack, models, cold, k).basis);
    // the middle block has no basis (e.g. a model of a new shape): the others still start warm
    const mixed = stackBases(stack, [bases[0], undefined, bases[2]]);
    expect(mixed).toBeDefined();
    const warm = await solver.solve(stack.model, { basis: mixed! });
    expect(warm.status).toBe('optimal');
    expect(warm.objective).toBeCloseTo(cold.objective, 6);
    // only the middle block's iterations are left to do
    expect(warm.iterations!.simplex).toBeLessThan(cold.iterations!.simplex * 0.8);
    expect(stackBases(stack, [undefined, undefined, undefined])).toBeUndefined();
  });
});
