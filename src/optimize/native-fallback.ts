/**
 * The embedded default with a way out: HiGHS in WebAssembly for every model that fits its 2 GiB
 * heap, and a native solver binary from PATH (highs, else cbc, else glpsol) for a model that does
 * not, chosen automatically and said so. Without a native binary, the WebAssembly solver's
 * 'too-large' result (which names the size, the limit and the remedies) stands.
 *
 * @module
 */
import { HighsWasmSolver } from './highs-wasm-solver.ts';
import type { CompiledModel } from './model-builder.ts';
import { availableNativeBinaries, NativeSolver } from './native-solver.ts';
import type { SolveOptions, SolveResult, Solver } from './solver.ts';

/** What happened when a model went to the native solver. */
export interface FallbackEvent {
  columns: number;
  rows: number;
  nonzeros: number;
  /** The native backend used, e.g. 'native-cbc'. */
  backend: string;
  /** One sentence for notes and progress. */
  message: string;
}

/** Options of {@link WasmWithNativeFallback}. */
export interface NativeFallbackOptions {
  /** The WebAssembly solver (default: a {@link HighsWasmSolver} with the default budget). */
  wasm?: Solver;
  /** Makes the native solver, or undefined when none is installed (default: the first of highs, cbc, glpsol on PATH). */
  native?: () => Solver | undefined;
  /** Called each time a model goes to the native solver. */
  onFallback?: (e: FallbackEvent) => void;
}

function firstNativeOnPath(): Solver | undefined {
  const binary = availableNativeBinaries()[0];
  return binary ? new NativeSolver({ binary }) : undefined;
}

/** HiGHS WebAssembly, with a native binary for models above its budget. */
export class WasmWithNativeFallback implements Solver {
  readonly name: string;
  private readonly wasm: Solver;
  private native: Solver | null | undefined;
  private readonly makeNative: () => Solver | undefined;
  private readonly onFallback: ((e: FallbackEvent) => void) | undefined;
  /** Models solved natively so far. */
  fallbacks = 0;

  constructor(options: NativeFallbackOptions = {}) {
    this.wasm = options.wasm ?? new HighsWasmSolver();
    this.name = this.wasm.name;
    this.makeNative = options.native ?? firstNativeOnPath;
    this.onFallback = options.onFallback;
  }

  async solve(model: CompiledModel, options: SolveOptions = {}): Promise<SolveResult> {
    const r = await this.wasm.solve(model, options);
    if (r.status !== 'too-large') return r;
    if (this.native === undefined) this.native = this.makeNative() ?? null;
    if (!this.native) return r;
    const f = (n: number) => n.toLocaleString('en-US');
    const message = `a model of ${f(model.numColumns)} columns and ${f(model.numNonzeros)} non-zeros is too large for HiGHS in WebAssembly; solved with ${this.native.name} from PATH instead`;
    this.fallbacks++;
    this.onFallback?.({ columns: model.numColumns, rows: model.numRows, nonzeros: model.numNonzeros, backend: this.native.name, message });
    // a warm-start basis and IPM choice are WebAssembly-HiGHS matters; the binary picks its own method
    const { basis: _b, keepBasis: _k, method: _m, keepAs: _a, reprice: _r, ...rest } = options;
    const n = await this.native.solve(model, rest);
    return { ...n, solver: this.native.name, message: n.message ? `${message}; ${n.message}` : message };
  }

  forget(names: string[]): void {
    this.wasm.forget?.(names);
  }

  async close(): Promise<void> {
    await Promise.all([this.wasm.close?.(), this.native?.close?.()]);
  }
}
