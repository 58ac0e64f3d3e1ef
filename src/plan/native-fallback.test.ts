import { describe, expect, it } from 'vitest';
import { coupledFleet } from '../../test/helpers/coupled-fleet.ts';
import { HighsWasmSolver, NativeSolver, WasmWithNativeFallback, findExecutable } from '../optimize/index.ts';
import { planFleet } from './planner.ts';

describe('a model above the WebAssembly budget goes to a native solver on PATH, automatically', () => {
  it.skipIf(!findExecutable('cbc'))('plans with cbc where the (lowered) budget refuses the model, says so, and reaches the same optimum', async () => {
    const model = coupledFleet({ sites: 1, hours: 24 });
    const reference = await planFleet(model, { mode: 'optimal' });
    const progress: string[] = [];
    const d = await planFleet(model, {
      mode: 'optimal',
      // the one-site day has 337 columns: a budget of 200 refuses it as too large
      solverFactory: () => new WasmWithNativeFallback({ wasm: new HighsWasmSolver({ maxColumns: 200 }), native: () => new NativeSolver({ binary: 'cbc' }) }),
      progress: (_f, label) => label && progress.push(label),
    });
    expect(reference.solver!.largestColumns).toBeGreaterThan(200);
    expect(d.solver!.solver).toBe('highs-wasm + native-cbc');
    expect(d.notes.join('\n')).toMatch(/too large for HiGHS in WebAssembly; solved with native-cbc from PATH instead/);
    expect(progress.some((p) => /native-cbc/.test(p))).toBe(true);
    expect(d.solver!.objective).toBeCloseTo(reference.solver!.objective, 3);
  });
});
