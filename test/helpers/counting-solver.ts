/**
 * A solver factory that wraps the real one and counts what it is asked for: which solvers were
 * made, how many solves they ran and how many were closed. Used to check that a use case plans
 * with the factory it is given (and nothing else).
 */
import { defaultSolverFactory, type SolverFactory } from '../../src/optimize/solver-factory.ts';

/** The wrapping factory and its counters. */
export interface CountingFactory {
  factory: SolverFactory;
  /** Names asked for, in order. */
  made: string[];
  solves: number;
  closed: number;
}

/** Wraps `inner` (default: the real default factory) in counters. */
export function countingFactory(inner: SolverFactory = defaultSolverFactory): CountingFactory {
  const c: CountingFactory = { factory: () => undefined as never, made: [], solves: 0, closed: 0 };
  c.factory = (name) => {
    const solver = inner(name);
    c.made.push(name);
    return {
      name: solver.name,
      solve: (model, options) => {
        c.solves++;
        return solver.solve(model, options);
      },
      close: async () => {
        c.closed++;
        await solver.close?.();
      },
    };
  };
  return c;
}
