/**
 * HiGHS (WebAssembly) run in the calling thread: for a thread that exists to solve, such as a
 * worker hosting a slice of the demo's virtual VENs, where handing each small LP to yet another
 * thread (a copy of the model, a scheduler wake-up, a copy of the result back) costs more than
 * the solve. A solve blocks the calling thread, so the main thread of a process keeps
 * {@link HighsWasmSolver}.
 *
 * The runtime is loaded on the first solve (or {@link warmUp}); after a WebAssembly abort it is
 * thrown away and the next solve loads a fresh one, as the worker solver replaces its worker.
 *
 * @module
 */
import type { Highs } from 'highs';
import { isOutOfMemory, toWireModel, type WireOptions } from './highs-protocol.ts';
import { runHighs } from './highs-run.ts';
import { DEFAULT_WASM_BUDGET } from './highs-wasm-solver.ts';
import { loadHighsRuntime } from './load-highs.ts';
import type { CompiledModel } from './model-builder.ts';
import { resultWithoutPoint, tooLargeMessage, type SizeBudget, type SolveOptions, type SolveResult, type Solver } from './solver.ts';

const NAME = 'highs-wasm';

/** HiGHS in this thread; solves run one at a time, in the order asked. */
export class HighsInThreadSolver implements Solver {
  readonly name = NAME;
  readonly budget: SizeBudget;
  private runtime: Promise<Highs> | undefined;
  private fault: 'wasm-abort' | undefined;
  /** Runtimes loaded so far (1 unless a solve aborted one). */
  loads = 0;

  constructor(options: Partial<SizeBudget> = {}) {
    this.budget = { maxColumns: options.maxColumns ?? DEFAULT_WASM_BUDGET.maxColumns, maxNonzeros: options.maxNonzeros ?? DEFAULT_WASM_BUDGET.maxNonzeros };
  }

  /** Loads HiGHS ahead of the first solve; resolves to its version. */
  async warmUp(): Promise<string> {
    return (await this.load()).version.string;
  }

  /** Test hook: the next solve fails as HiGHS does when its heap is exhausted. */
  simulateAbortOnNextSolve(): void {
    this.fault = 'wasm-abort';
  }

  private load(): Promise<Highs> {
    if (!this.runtime) this.loads++;
    this.runtime ??= loadHighsRuntime();
    return this.runtime;
  }

  async solve(model: CompiledModel, options: SolveOptions = {}): Promise<SolveResult> {
    if (model.numColumns > this.budget.maxColumns || model.numNonzeros > this.budget.maxNonzeros) {
      return resultWithoutPoint('too-large', tooLargeMessage(model, this.budget, 'HiGHS WebAssembly'), 0, NAME);
    }
    if (options.signal?.aborted) return resultWithoutPoint('error', 'aborted', 0, NAME);
    let highs: Highs;
    try {
      highs = await this.load();
    } catch (e) {
      this.runtime = undefined;
      return resultWithoutPoint('error', `could not load HiGHS: ${String(e)}`, 0, NAME);
    }
    const wire: WireOptions = {};
    if (options.timeLimitSeconds !== undefined) wire.timeLimitSeconds = options.timeLimitSeconds;
    if (options.method !== undefined) wire.method = options.method;
    if (options.mipRelGap !== undefined) wire.mipRelGap = options.mipRelGap;
    if (options.basis !== undefined) wire.basis = options.basis;
    if (options.keepBasis) wire.keepBasis = true;
    if (this.fault) wire.fault = this.fault;
    this.fault = undefined;
    try {
      return { ...runHighs(highs, toWireModel(model), wire, options.onProgress), solver: NAME };
    } catch (e) {
      // after a WebAssembly abort the runtime is unusable: the next solve loads a fresh one
      this.runtime = undefined;
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (isOutOfMemory(message)) return resultWithoutPoint('too-large', tooLargeMessage(model, this.budget, 'HiGHS WebAssembly', message), 0, NAME);
      return resultWithoutPoint('error', `HiGHS failed: ${message}`, 0, NAME);
    }
  }

  close(): Promise<void> {
    this.runtime = undefined;
    return Promise.resolve();
  }
}
