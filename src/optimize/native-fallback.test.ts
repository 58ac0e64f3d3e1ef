import { afterAll, describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import { WasmWithNativeFallback, type FallbackEvent } from './native-fallback.ts';
import { findExecutable, NativeSolver } from './native-solver.ts';
import { checkFeasibility } from './solution-check.ts';

const reference = new HighsWasmSolver();
afterAll(() => reference.close());

describe('WasmWithNativeFallback (a native binary for models above the WebAssembly budget)', () => {
  const model = buildBatteryFlexModel({ hours: 48, sites: 2, seed: 3 }).model.compile();

  it.skipIf(!findExecutable('cbc'))('sends a model above the budget to cbc, says so, and returns the same optimum', async () => {
    const events: FallbackEvent[] = [];
    const solver = new WasmWithNativeFallback({
      wasm: new HighsWasmSolver({ maxColumns: 100 }), // below this model's 480 columns
      native: () => new NativeSolver({ binary: 'cbc' }),
      onFallback: (e) => events.push(e),
    });
    try {
      const [r, ref] = await Promise.all([solver.solve(model), reference.solve(model)]);
      expect(r.status).toBe('optimal');
      expect(r.solver).toBe('native-cbc');
      expect(r.message).toMatch(/480 columns .* too large for HiGHS in WebAssembly; solved with native-cbc/);
      expect(r.objective).toBeCloseTo(ref.objective, 4);
      expect(checkFeasibility(model, r.columnValues).maxRowViolation).toBeLessThan(1e-6);
      expect(events).toHaveLength(1);
      expect(events[0]!.backend).toBe('native-cbc');
      // a model within the budget stays in WebAssembly
      const small = buildBatteryFlexModel({ hours: 4, sites: 1, seed: 3 }).model.compile();
      expect((await solver.solve(small)).solver).toBe('highs-wasm');
      expect(solver.fallbacks).toBe(1);
    } finally {
      await solver.close();
    }
  });

  it('keeps the too-large result and its advice when no native binary is installed', async () => {
    const solver = new WasmWithNativeFallback({ wasm: new HighsWasmSolver({ maxColumns: 100 }), native: () => undefined });
    try {
      const r = await solver.solve(model);
      expect(r.status).toBe('too-large');
      expect(r.message).toMatch(/native solver \(highs, cbc or glpsol on PATH\)/);
    } finally {
      await solver.close();
    }
  });
});

describe('warm starts (a basis from an earlier solve)', () => {
  const model = buildBatteryFlexModel({ hours: 48, sites: 2, seed: 3 }).model.compile();

  it('re-solves a model with changed costs from the old basis in fewer iterations, to the same optimum', async () => {
    const first = await reference.solve(model, { keepBasis: true });
    expect(first.basis?.colStatus).toHaveLength(model.numColumns);
    const cost = Float64Array.from(model.colCost, (c, j) => c * (1 + 0.01 * (j % 7)));
    const changed = { ...model, colCost: cost };
    const cold = await reference.solve(changed);
    const warm = await reference.solve(changed, { basis: first.basis! });
    expect(warm.status).toBe('optimal');
    expect(warm.objective).toBeCloseTo(cold.objective, 6);
    expect(warm.iterations!.simplex).toBeLessThan(cold.iterations!.simplex);
  });
});
