/**
 * Messages between the main thread and the HiGHS worker. The model travels as plain typed arrays
 * (shared memory when the compiled model was allocated on `SharedArrayBuffer`s); name functions
 * stay on the main thread because HiGHS does not need names.
 *
 * @module
 */
import type { CompiledModel, ObjectiveSense } from './model-builder.ts';
import type { SolveResult } from './solver.ts';
import type { SolveProgress } from './solve-progress.ts';

/** The numeric part of a compiled model, as sent to the worker. */
export interface WireModel {
  numColumns: number;
  numRows: number;
  sense: ObjectiveSense;
  objectiveConstant: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  integrality: Uint8Array | null;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Solver options as sent to the worker. */
export interface WireOptions {
  timeLimitSeconds?: number;
  mipRelGap?: number;
  /** LP algorithm: HiGHS's 'simplex' (default), 'ipm' (interior point) or 'pdlp'. */
  method?: 'simplex' | 'ipm' | 'pdlp' | 'choose';
  /** Report progress while solving (log and iteration callbacks; a little slower). */
  progress?: boolean;
  /** Warm-start basis (see SolveOptions.basis). */
  basis?: { colStatus: Int32Array; rowStatus: Int32Array };
  /** Return the final basis. */
  keepBasis?: boolean;
  /** Simplex variant from the basis (see SolveOptions.simplex). */
  simplex?: 'dual' | 'primal';
  /** Keep the model in the worker under this name (see SolveOptions.keepAs). */
  keepAs?: string;
  /** The model is the one kept under this name at other costs (see SolveOptions.reprice). */
  reprice?: string;
  /** Test-only: make the worker fail as if the WebAssembly heap were exhausted. */
  fault?: 'wasm-abort';
}

/** Main thread → worker. */
export interface SolveRequest {
  type: 'solve';
  id: number;
  model: WireModel;
  options: WireOptions;
}

/** Main thread → worker: drop kept models. */
export interface ForgetRequest {
  type: 'forget';
  names: string[];
}

/** Worker → main thread. */
export type WorkerMessage =
  | { type: 'ready'; version: string }
  | { type: 'result'; id: number; result: SolveResult }
  | { type: 'progress'; id: number; progress: SolveProgress }
  | { type: 'crash'; id: number; message: string; outOfMemory: boolean }
  | { type: 'fatal'; message: string };

/** Strips a compiled model down to what the worker needs. */
export function toWireModel(model: CompiledModel): WireModel {
  return {
    numColumns: model.numColumns,
    numRows: model.numRows,
    sense: model.sense,
    objectiveConstant: model.objectiveConstant,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    integrality: model.integrality ?? null,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    starts: model.csc.starts,
    indices: model.csc.indices,
    values: model.csc.values,
  };
}

/** True when an error message means the WebAssembly runtime hit its memory ceiling or aborted. */
export function isOutOfMemory(message: string): boolean {
  return /Aborted\(|out of memory|Cannot enlarge memory|Array buffer allocation failed|memory access out of bounds|Maximum call stack/i.test(message);
}
