/**
 * The one place solvers are constructed. Everything that solves a model receives a
 * {@link SolverFactory} from its caller (the use case, and through it the CLI, the server or a
 * test), so a caller can choose, wrap, count or pool the backends.
 *
 * @module
 */
import { InputError } from '../errors/index.ts';
import { WasmWithNativeFallback } from './native-fallback.ts';
import { NATIVE_BINARIES, NativeSolver, SolverUnavailableError, type NativeBinary } from './native-solver.ts';
import type { Solver } from './solver.ts';

/**
 * Makes a solver by name: 'highs' (HiGHS in WebAssembly, built in), 'native' (the first of
 * highs, cbc, glpsol on PATH) or 'native-highs', 'native-cbc', 'native-glpsol'. The caller
 * closes what it gets. An unknown or missing solver is an {@link InputError} (OPTION_INVALID).
 */
export type SolverFactory = (name: string) => Solver;

/** Solver names the default factory understands. */
export const SOLVER_NAMES = ['highs', 'native', ...NATIVE_BINARIES.map((b) => `native-${b}` as const)] as const;

/**
 * The default factory: HiGHS WebAssembly for 'highs' (with a native binary on PATH, when there is
 * one, for a model above the WebAssembly budget), a native binary on PATH for 'native…'.
 */
export const defaultSolverFactory: SolverFactory = (name) => {
  if (name === 'highs') return new WasmWithNativeFallback();
  const binary = name === 'native' ? undefined : name.startsWith('native-') ? name.slice('native-'.length) : null;
  if (binary === null || (binary !== undefined && !(NATIVE_BINARIES as readonly string[]).includes(binary))) {
    throw new InputError('OPTION_INVALID', `unknown solver "${name}"; use highs (built in) or native, native-highs, native-cbc, native-glpsol (a binary on PATH)`, { path: '--solver' });
  }
  try {
    return new NativeSolver(binary ? { binary: binary as NativeBinary } : {});
  } catch (e) {
    if (e instanceof SolverUnavailableError) throw new InputError('OPTION_INVALID', e.message, { path: '--solver' });
    throw e;
  }
};
