/**
 * A solver factory for tests that plan many small models: every request for 'highs' gets the
 * same HiGHS worker (started and loaded once), and closing it is left to the test file's
 * `afterAll(shared.close)`. The solves are the same; only the worker start-up is shared.
 */
import { HighsWasmSolver } from '../../src/optimize/highs-wasm-solver.ts';
import { defaultSolverFactory, type SolverFactory } from '../../src/optimize/solver-factory.ts';

/** A factory that hands out one shared HiGHS worker, and the function that ends it. */
export function sharedHighs(): { factory: SolverFactory; close: () => Promise<void> } {
  const solver = new HighsWasmSolver();
  const factory: SolverFactory = (name) => {
    if (name !== 'highs') return defaultSolverFactory(name);
    return { name: solver.name, solve: (model, options) => solver.solve(model, options), close: async () => undefined };
  };
  return { factory, close: () => solver.close() };
}
