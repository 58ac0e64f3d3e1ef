import { describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsInThreadSolver } from './highs-in-thread-solver.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { runSolverCases } from './solver.case.ts';

runSolverCases(() => new HighsInThreadSolver(), 'HiGHS WebAssembly in the calling thread');

describe('HighsInThreadSolver', () => {
  it('gives the worker solver’s answer to the same model', async () => {
    const model = buildBatteryFlexModel({ hours: 168, sites: 2, seed: 5 }).model.compile({ shared: false });
    const here = new HighsInThreadSolver();
    const worker = new HighsWasmSolver();
    try {
      const [a, b] = [await here.solve(model), await worker.solve(model)];
      expect(a.status).toBe('optimal');
      expect(a.objective).toBeCloseTo(b.objective, 6);
      expect(Array.from(a.columnValues)).toEqual(Array.from(b.columnValues));
    } finally {
      await worker.close();
    }
  });

  it('refuses a model above its budget and loads a fresh runtime after an abort', async () => {
    const model = buildBatteryFlexModel({ hours: 48, sites: 1 }).model.compile();
    const small = await new HighsInThreadSolver({ maxColumns: 100 }).solve(model);
    expect(small.status).toBe('too-large');
    expect(small.message).toContain('240 columns');
    const s = new HighsInThreadSolver();
    s.simulateAbortOnNextSolve();
    const crashed = await s.solve(model);
    expect(crashed.status).toBe('too-large');
    expect(crashed.message).toMatch(/Aborted\(\)/);
    const next = await s.solve(model);
    expect(next.status).toBe('optimal');
    expect(s.loads).toBe(2);
  });
});
