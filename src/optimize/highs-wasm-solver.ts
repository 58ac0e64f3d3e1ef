/**
 * HiGHS (WebAssembly) behind the {@link Solver} interface, running in a `worker_thread` so a long
 * solve never blocks the main thread (progress bars, HTTP requests keep ticking).
 *
 * One worker is reused across solves; solves queue, and up to {@link PIPELINE_DEPTH} of them wait
 * inside the worker, so it goes from one model to the next without waiting for the main thread to
 * read the last result (on a busy machine each such hand-over costs a scheduler wake-up, which
 * dwarfed the solves of small LPs when many were asked for at once); the bound keeps the results
 * coming back a few at a time, so the main thread's other work (HTTP, timers) is never starved
 * behind a burst of them. Models above a size budget are refused with
 * 'too-large' before they reach the 2 GiB WebAssembly heap, and if HiGHS aborts anyway (the heap is
 * exhausted) the worker is thrown away, a fresh one is started on the next solve, and the result
 * is 'too-large' with advice.
 *
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { spawnTsWorker } from '../workers/spawn-ts-worker.ts';
import { compiledHighs, type HighsCode } from './highs-code.ts';
import { isOutOfMemory, toWireModel, type ForgetRequest, type SolveRequest, type WireOptions, type WorkerMessage } from './highs-protocol.ts';
import type { CompiledModel } from './model-builder.ts';
import { resultWithoutPoint, tooLargeMessage, type SizeBudget, type SolveOptions, type SolveResult, type Solver } from './solver.ts';

/**
 * Default budget for the WebAssembly build: 8760 h × 30 sites (1.31 M columns, 2.6 M non-zeros)
 * solved in 1.9 GB; 8760 × 40 (1.75 M, 3.5 M) aborted.
 */
export const DEFAULT_WASM_BUDGET: SizeBudget = { maxColumns: 1_400_000, maxNonzeros: 3_000_000 };

/** Options of {@link HighsWasmSolver}: the size budget (defaults {@link DEFAULT_WASM_BUDGET}). */
export type HighsWasmSolverOptions = Partial<SizeBudget>;

interface Pending {
  id: number;
  model: CompiledModel;
  /** The request (posted again to a fresh worker if the one it waited in is replaced). */
  req: SolveRequest;
  /** Posted to the current worker. */
  posted: boolean;
  finish: (r: SolveResult) => void;
  onProgress?: SolveOptions['onProgress'];
}

const NAME = 'highs-wasm';

/** Most solves posted to the worker at once (the first runs, the others wait there). */
export const PIPELINE_DEPTH = 4;

/** HiGHS in a reusable worker thread. Call {@link close} when done (idle workers do not keep the process alive). */
export class HighsWasmSolver implements Solver {
  readonly name = NAME;
  readonly budget: SizeBudget;
  private fault: 'wasm-abort' | undefined;
  private worker: Worker | undefined;
  private ready: Promise<string> | undefined;
  private started = 0;
  private nextId = 1;
  /** Solves asked for and not answered, in the order they run (the first is running). */
  private readonly pending = new Map<number, Pending>();
  private inWorker = 0;

  constructor(options: HighsWasmSolverOptions = {}) {
    this.budget = {
      maxColumns: options.maxColumns ?? DEFAULT_WASM_BUDGET.maxColumns,
      maxNonzeros: options.maxNonzeros ?? DEFAULT_WASM_BUDGET.maxNonzeros,
    };
  }

  /**
   * Test hook: the next solve fails inside the worker exactly as HiGHS does when its heap is
   * exhausted (a WebAssembly `Aborted()`), so the recovery path can be tested without a 2 GiB model.
   */
  simulateAbortOnNextSolve(): void {
    this.fault = 'wasm-abort';
  }

  /** How many workers this solver has started (1 unless a worker crashed or a solve was aborted). */
  get workersStarted(): number {
    return this.started;
  }

  /** Starts the worker and loads HiGHS ahead of the first solve; resolves to the HiGHS version. */
  warmUp(): Promise<string> {
    const w = this.ensureWorker();
    w.ref();
    const ready = this.ready as Promise<string>;
    return ready.finally(() => {
      if (this.worker === w && this.pending.size === 0) w.unref();
    });
  }

  /** Solves a model in the worker; solves run one at a time, in the order asked. */
  solve(model: CompiledModel, options: SolveOptions = {}): Promise<SolveResult> {
    if (model.numColumns > this.budget.maxColumns || model.numNonzeros > this.budget.maxNonzeros) {
      return Promise.resolve(resultWithoutPoint('too-large', tooLargeMessage(model, this.budget, 'HiGHS WebAssembly'), 0, NAME));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.resolve(resultWithoutPoint('error', 'aborted', 0, NAME));
    const id = this.nextId++;
    const wireOptions: WireOptions = {};
    if (options.timeLimitSeconds !== undefined) wireOptions.timeLimitSeconds = options.timeLimitSeconds;
    if (options.method !== undefined) wireOptions.method = options.method;
    if (options.mipRelGap !== undefined) wireOptions.mipRelGap = options.mipRelGap;
    if (options.basis !== undefined) wireOptions.basis = options.basis;
    if (options.keepBasis) wireOptions.keepBasis = true;
    if (options.simplex !== undefined) wireOptions.simplex = options.simplex;
    if (options.keepAs !== undefined) wireOptions.keepAs = options.keepAs;
    if (options.reprice !== undefined) wireOptions.reprice = options.reprice;
    if (options.onProgress) wireOptions.progress = true;
    if (this.fault) wireOptions.fault = this.fault;
    this.fault = undefined;
    // shared-memory arrays (the default from compile()) are shared, not copied; nothing is
    // transferred because that would detach the caller's model
    const req: SolveRequest = { type: 'solve', id, model: toWireModel(model), options: wireOptions };
    return new Promise<SolveResult>((resolve) => {
      const onAbort = (): void => {
        // HiGHS blocks its thread, so the only way to stop a running solve is to end the thread
        // (the solves queued behind it go to a fresh one); a queued one's result is ignored
        if (this.running === p) this.replaceWorker();
        finish(resultWithoutPoint('error', 'aborted', 0, NAME));
      };
      const finish = (r: SolveResult): void => {
        signal?.removeEventListener('abort', onAbort);
        if (!this.pending.delete(id)) return;
        if (p.posted) this.inWorker--;
        if (this.pending.size === 0) this.worker?.unref();
        else this.pump();
        resolve(r);
      };
      const p: Pending = { id, model, req, posted: false, finish, onProgress: options.onProgress };
      this.pending.set(id, p);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  /** Drops models the worker keeps (a fresh worker keeps none). */
  forget(names: string[]): void {
    if (names.length > 0) this.worker?.postMessage({ type: 'forget', names } satisfies ForgetRequest);
  }

  /** Terminates the worker; a later solve starts a new one. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
  }

  /** The solve the worker is running (the oldest posted). */
  private get running(): Pending | undefined {
    return this.pending.values().next().value;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = spawnHighsWorker();
    this.started++;
    this.worker = w;
    w.unref();
    let resolveReady: (v: string) => void = () => undefined;
    let rejectReady: (e: Error) => void = () => undefined;
    this.ready = new Promise<string>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    // nobody may be waiting for warm-up; a failure is also reported through the solve
    this.ready.catch(() => undefined);

    w.on('message', (msg: WorkerMessage) => {
      if (this.worker !== w) return;
      switch (msg.type) {
        case 'ready':
          resolveReady(msg.version);
          return;
        case 'fatal': {
          rejectReady(new Error(msg.message));
          const cur = this.running;
          this.replaceWorker();
          cur?.finish(resultWithoutPoint('error', msg.message, 0, NAME));
          this.pump();
          return;
        }
        case 'result':
          this.pending.get(msg.id)?.finish({ ...msg.result, solver: NAME });
          return;
        case 'progress':
          this.pending.get(msg.id)?.onProgress?.(msg.progress);
          return;
        case 'crash': {
          const cur = this.pending.get(msg.id);
          // after a WebAssembly abort the runtime is unusable and its heap stays grown: replace it
          this.replaceWorker();
          cur?.finish(crashResult(cur.model, msg.message, msg.outOfMemory, this.budget));
          this.pump();
          return;
        }
      }
    });
    w.on('error', (e: Error) => {
      if (this.worker !== w) return;
      const message = `${e.name}: ${e.message}`;
      rejectReady(e);
      const cur = this.running;
      this.replaceWorker();
      cur?.finish(crashResult(cur.model, message, isOutOfMemory(message), this.budget));
      this.pump();
    });
    w.on('exit', (code: number) => {
      if (this.worker !== w) return;
      rejectReady(new Error(`HiGHS worker exited with code ${code}`));
      const cur = this.running;
      this.replaceWorker();
      cur?.finish(resultWithoutPoint('error', `HiGHS worker exited unexpectedly with code ${code}`, 0, NAME));
      this.pump();
    });
    return w;
  }

  /**
   * Throws the worker away; the solves that waited in it count as not posted, so the next
   * {@link pump} (after the caller has answered the one that failed) posts them to a fresh one.
   */
  private replaceWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) void w.terminate();
    for (const p of this.pending.values()) p.posted = false;
    this.inWorker = 0;
  }

  /** Posts waiting solves, in order, until {@link PIPELINE_DEPTH} are in the worker. */
  private pump(): void {
    if (this.inWorker >= PIPELINE_DEPTH) return;
    for (const p of this.pending.values()) {
      if (p.posted) continue;
      const w = this.ensureWorker();
      w.ref();
      w.postMessage(p.req);
      p.posted = true;
      if (++this.inWorker >= PIPELINE_DEPTH) return;
    }
  }

}

function crashResult(model: CompiledModel, message: string, outOfMemory: boolean, budget: SizeBudget): SolveResult {
  if (outOfMemory) return resultWithoutPoint('too-large', tooLargeMessage(model, budget, 'HiGHS WebAssembly', message), 0, NAME);
  return resultWithoutPoint('error', `HiGHS failed: ${message}`, 0, NAME);
}

/** Starts the HiGHS worker (from TypeScript source or compiled JavaScript alike), handing it the compiled HiGHS code. */
function spawnHighsWorker(): Worker {
  let code: HighsCode | undefined;
  try {
    code = compiledHighs();
  } catch {
    // the worker compiles (or fails to load) the binary itself, and says so like any load failure
  }
  return spawnTsWorker(new URL('./highs-worker.ts', import.meta.url), code ? { code } : undefined);
}
