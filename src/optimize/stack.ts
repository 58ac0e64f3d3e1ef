/**
 * Several independent models as one block-diagonal model: columns and rows of model k follow
 * those of model k − 1, no term links two blocks. Solving many tiny LPs one by one costs a fixed
 * overhead per solve (model load, presolve set-up, a worker round trip); stacked, they share it,
 * and the solution splits back exactly because the blocks do not interact. Bases stack and split
 * the same way.
 *
 * @module
 */
import { allocF64, allocI32, type CompiledModel } from './model-builder.ts';
import type { SimplexBasis, SolveResult } from './solver.ts';

/** A stacked model and where each block starts. */
export interface StackedModel {
  model: CompiledModel;
  /** First column and first row of each block; a final entry holds the totals. */
  columnOffsets: Int32Array;
  rowOffsets: Int32Array;
}

/** Stacks minimisation models (objective constants add up). */
export function stackModels(models: CompiledModel[]): StackedModel {
  if (models.length === 0) throw new RangeError('nothing to stack');
  if (models.some((m) => m.sense !== 'minimize')) throw new RangeError('only minimisation models can be stacked');
  const K = models.length;
  const columnOffsets = new Int32Array(K + 1);
  const rowOffsets = new Int32Array(K + 1);
  let nnz = 0;
  models.forEach((m, k) => {
    columnOffsets[k + 1] = columnOffsets[k]! + m.numColumns;
    rowOffsets[k + 1] = rowOffsets[k]! + m.numRows;
    nnz += m.numNonzeros;
  });
  const n = columnOffsets[K]!;
  const rows = rowOffsets[K]!;
  const colCost = allocF64(n, true);
  const colLower = allocF64(n, true);
  const colUpper = allocF64(n, true);
  const rowLower = allocF64(rows, true);
  const rowUpper = allocF64(rows, true);
  const cscStarts = allocI32(n + 1, true);
  const cscIndices = allocI32(nnz, true);
  const cscValues = allocF64(nnz, true);
  const csrStarts = allocI32(rows + 1, true);
  const csrIndices = allocI32(nnz, true);
  const csrValues = allocF64(nnz, true);
  let integrality: Uint8Array | undefined;
  if (models.some((m) => m.integrality)) integrality = new Uint8Array(new SharedArrayBuffer(n));
  let objectiveConstant = 0;
  let p = 0;
  models.forEach((m, k) => {
    const c0 = columnOffsets[k]!;
    const r0 = rowOffsets[k]!;
    const base = p;
    objectiveConstant += m.objectiveConstant;
    colCost.set(m.colCost.subarray(0, m.numColumns), c0);
    colLower.set(m.colLower.subarray(0, m.numColumns), c0);
    colUpper.set(m.colUpper.subarray(0, m.numColumns), c0);
    rowLower.set(m.rowLower.subarray(0, m.numRows), r0);
    rowUpper.set(m.rowUpper.subarray(0, m.numRows), r0);
    if (integrality && m.integrality) integrality.set(m.integrality.subarray(0, m.numColumns), c0);
    for (let j = 0; j < m.numColumns; j++) cscStarts[c0 + j] = base + m.csc.starts[j]!;
    for (let q = 0; q < m.numNonzeros; q++) {
      cscIndices[base + q] = m.csc.indices[q]! + r0;
      cscValues[base + q] = m.csc.values[q]!;
    }
    for (let i = 0; i < m.numRows; i++) csrStarts[r0 + i] = base + m.csr.starts[i]!;
    for (let q = 0; q < m.numNonzeros; q++) {
      csrIndices[base + q] = m.csr.indices[q]! + c0;
      csrValues[base + q] = m.csr.values[q]!;
    }
    p += m.numNonzeros;
  });
  cscStarts[n] = p;
  csrStarts[rows] = p;
  const find = (offsets: Int32Array, i: number) => {
    let lo = 0;
    let hi = K - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const model: CompiledModel = {
    numColumns: n,
    numRows: rows,
    numNonzeros: p,
    sense: 'minimize',
    objectiveConstant,
    colCost,
    colLower,
    colUpper,
    integrality,
    rowLower,
    rowUpper,
    csc: { starts: cscStarts, indices: cscIndices, values: cscValues },
    csr: { starts: csrStarts, indices: csrIndices, values: csrValues },
    columnName: (j) => {
      const k = find(columnOffsets, j);
      return `b${k}.${models[k]!.columnName(j - columnOffsets[k]!)}`;
    },
    rowName: (i) => {
      const k = find(rowOffsets, i);
      return `b${k}.${models[k]!.rowName(i - rowOffsets[k]!)}`;
    },
    timings: { buildMs: 0, compileMs: 0 },
  };
  return { model, columnOffsets, rowOffsets };
}

/**
 * The stacked basis of blocks' bases. A block without a basis of its size starts from the logical
 * basis (its rows basic, its columns nonbasic at a finite bound, free ones at zero), so one block
 * that has none (a new shape of model) does not cost the others their warm start. Undefined when
 * no block has one.
 */
export function stackBases(stack: StackedModel, bases: Array<SimplexBasis | undefined>): SimplexBasis | undefined {
  const K = stack.columnOffsets.length - 1;
  const fits = (k: number) => {
    const b = bases[k];
    return b !== undefined && b.colStatus.length === stack.columnOffsets[k + 1]! - stack.columnOffsets[k]! && b.rowStatus.length === stack.rowOffsets[k + 1]! - stack.rowOffsets[k]!;
  };
  let any = false;
  for (let k = 0; k < K && !any; k++) any = fits(k);
  if (!any) return undefined;
  const { colLower, colUpper } = stack.model;
  const colStatus = new Int32Array(stack.model.numColumns);
  const rowStatus = new Int32Array(stack.model.numRows);
  for (let k = 0; k < K; k++) {
    if (fits(k)) {
      colStatus.set(bases[k]!.colStatus, stack.columnOffsets[k]!);
      rowStatus.set(bases[k]!.rowStatus, stack.rowOffsets[k]!);
      continue;
    }
    for (let j = stack.columnOffsets[k]!; j < stack.columnOffsets[k + 1]!; j++) colStatus[j] = colLower[j] !== -Infinity ? LOWER : colUpper[j] !== Infinity ? UPPER : ZERO;
    rowStatus.fill(BASIC, stack.rowOffsets[k]!, stack.rowOffsets[k + 1]!);
  }
  return { colStatus, rowStatus };
}

/** HiGHS basis status codes. */
const LOWER = 0;
const BASIC = 1;
const UPPER = 2;
const ZERO = 3;

/**
 * Block k's part of a stacked solve: its values, its objective (its own costs and constant),
 * its duals and basis. Status and timing are the stacked solve's.
 */
export function splitResult(stack: StackedModel, models: CompiledModel[], r: SolveResult, k: number): SolveResult {
  const c0 = stack.columnOffsets[k]!;
  const c1 = stack.columnOffsets[k + 1]!;
  const r0 = stack.rowOffsets[k]!;
  const r1 = stack.rowOffsets[k + 1]!;
  const m = models[k]!;
  const out: SolveResult = { status: r.status, objective: Number.NaN, columnValues: new Float64Array(0), solveSeconds: r.solveSeconds / models.length };
  if (r.solver !== undefined) out.solver = r.solver;
  if (r.message !== undefined) out.message = r.message;
  if (r.iterations !== undefined) out.iterations = { simplex: r.iterations.simplex / models.length, ipm: r.iterations.ipm / models.length, crossover: r.iterations.crossover / models.length };
  if (r.columnValues.length === stack.model.numColumns) {
    out.columnValues = r.columnValues.slice(c0, c1);
    let obj = m.objectiveConstant;
    for (let j = 0; j < m.numColumns; j++) obj += m.colCost[j]! * out.columnValues[j]!;
    out.objective = obj;
  }
  if (r.rowDuals) out.rowDuals = r.rowDuals.slice(r0, r1);
  if (r.basis) out.basis = { colStatus: r.basis.colStatus.slice(c0, c1), rowStatus: r.basis.rowStatus.slice(r0, r1) };
  return out;
}
