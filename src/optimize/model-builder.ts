/**
 * A typed, allocation-light builder for linear and mixed-integer programs.
 *
 * Real planning models have 10^5–10^6 columns, so everything is stored in growing typed arrays:
 * column bounds and costs, row bounds, and the matrix row-wise (row starts, column indices,
 * values). There are no per-term objects, and names are produced on demand from prefixes or
 * name functions registered per block, so a million-column model holds no million strings.
 * `compile()` freezes a snapshot as a {@link CompiledModel} with both CSC (for HiGHS) and CSR (for
 * exports and checks) arrays.
 *
 * @module
 */

/** Whether the objective is minimised or maximised. */
export type ObjectiveSense = 'minimize' | 'maximize';

/** A value given once for a whole block, per element as an array, or per element as a function. */
export type PerIndex = number | ArrayLike<number> | ((k: number) => number);

/** One column (decision variable). Bounds default to [0, +∞), cost to 0. */
export interface VariableSpec {
  name?: string;
  lower?: number;
  upper?: number;
  cost?: number;
  integer?: boolean;
}

/** A block of columns created together; `k` is the position inside the block (0-based). */
export interface VariableBlockSpec {
  /** Names become `${namePrefix}${k}`; ignored when `nameFn` is given. */
  namePrefix?: string;
  /** Produces the name of block element k on demand. */
  nameFn?: (k: number) => string;
  lower?: PerIndex;
  upper?: PerIndex;
  cost?: PerIndex;
  integer?: boolean;
}

/** The non-zero terms of one row: parallel column indices and coefficients. */
export interface LinearTerms {
  indices: ArrayLike<number>;
  coefficients: ArrayLike<number>;
}

/** One row `lower ≤ Σ coefficients·x[indices] ≤ upper`. Bounds default to (−∞, +∞). */
export interface ConstraintSpec {
  name?: string;
  lower?: number;
  upper?: number;
  terms: LinearTerms;
}

/** A frozen model: CSC and CSR matrix, bounds, costs, lazy names and sizes. */
export interface CompiledModel {
  readonly numColumns: number;
  readonly numRows: number;
  /** Stored non-zeros after merging duplicate terms and dropping exact zeros. */
  readonly numNonzeros: number;
  readonly sense: ObjectiveSense;
  readonly objectiveConstant: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 for integer columns; undefined for a pure LP. */
  readonly integrality: Uint8Array | undefined;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** Column-wise matrix: column j holds `indices/values[starts[j] .. starts[j+1])`, row indices ascending. */
  readonly csc: SparseMatrix;
  /** Row-wise matrix: row i holds `indices/values[starts[i] .. starts[i+1])`. */
  readonly csr: SparseMatrix;
  /** Name of column i, produced on demand. */
  columnName(i: number): string;
  /** Name of row i, produced on demand. */
  rowName(i: number): string;
  readonly timings: ModelTimings;
}

/** A compressed sparse matrix (major axis given by the owner: CSC or CSR). */
export interface SparseMatrix {
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** How long building and compiling took, in milliseconds. */
export interface ModelTimings {
  /** From the builder's construction to the start of `compile()` (the caller's build loop). */
  buildMs: number;
  /** The `compile()` call itself (CSC/CSR conversion and copies). */
  compileMs: number;
}

/** Counts of a model, for progress messages and solver budgets. */
export interface ModelSize {
  columns: number;
  rows: number;
  nonzeros: number;
  integerColumns: number;
}

/** A programming error while building a model (bad index, NaN, unbalanced row calls). */
export class ModelBuildError extends Error {
  override readonly name = 'ModelBuildError';
}

/** Options for {@link LinearModel.compile}. */
export interface CompileOptions {
  /**
   * Allocate the output arrays on `SharedArrayBuffer`s (default true), so that handing the model
   * to a solver worker shares the memory instead of copying it, and the caller's model stays usable.
   */
  shared?: boolean;
}

/** A name source for a contiguous block of columns or rows. */
interface NameBlock {
  first: number;
  count: number;
  prefix: string | undefined;
  fn: ((k: number) => string) | undefined;
}

/** Lazily resolved names: single names in a sparse map, blocks as prefix or function. */
class NameTable {
  private readonly singles = new Map<number, string>();
  private blocks: NameBlock[] = [];
  private sorted = true;

  constructor(private readonly fallback: string) {}

  /** Records the name of one index. */
  setOne(i: number, name: string): void {
    this.singles.set(i, name);
  }

  /** Forgets the name of one index. */
  deleteOne(i: number): void {
    this.singles.delete(i);
  }

  /** Records a block name source. */
  setBlock(first: number, count: number, prefix: string | undefined, fn: ((k: number) => string) | undefined): void {
    if (count <= 0) return;
    const last = this.blocks[this.blocks.length - 1];
    if (last && first < last.first) this.sorted = false;
    this.blocks.push({ first, count, prefix, fn });
  }

  /** Name of index i. */
  get(i: number): string {
    const single = this.singles.get(i);
    if (single !== undefined) return single;
    const b = this.findBlock(i);
    if (b) {
      const k = i - b.first;
      if (b.fn) return b.fn(k);
      if (b.prefix !== undefined) return `${b.prefix}${k}`;
    }
    return `${this.fallback}${i}`;
  }

  /** A frozen copy for a compiled model, so later builder edits do not leak into it. */
  snapshot(): (i: number) => string {
    const copy = new NameTable(this.fallback);
    for (const [k, v] of this.singles) copy.singles.set(k, v);
    copy.blocks = this.blocks.slice();
    copy.sorted = this.sorted;
    return (i: number) => copy.get(i);
  }

  private findBlock(i: number): NameBlock | undefined {
    if (!this.sorted) {
      this.blocks.sort((a, b) => a.first - b.first);
      this.sorted = true;
    }
    // the last block starting at or before i; blocks registered later for an overlapping range
    // are rare (renaming) and resolved by the sort's stability, so a plain binary search suffices
    let lo = 0;
    let hi = this.blocks.length - 1;
    let found: NameBlock | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.blocks[mid] as NameBlock;
      if (b.first <= i) {
        found = b;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && i < found.first + found.count ? found : undefined;
  }
}

function growF64(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

function growI32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

function growU8(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

function valueAt(v: PerIndex | undefined, k: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'function') return v(k);
  const x = v[k];
  if (x === undefined) throw new ModelBuildError(`per-element value missing at position ${k} (array has ${v.length})`);
  return x;
}

/** Allocates a Float64Array, on shared memory when asked. */
export function allocF64(n: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

/** Allocates an Int32Array, on shared memory when asked. */
export function allocI32(n: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
}

function copyF64(src: Float64Array, n: number, shared: boolean): Float64Array {
  const out = allocF64(n, shared);
  out.set(src.subarray(0, n));
  return out;
}

/**
 * Builds a linear or mixed-integer model column by column and row by row.
 *
 * @example
 * const m = new LinearModel('maximize');
 * const x = m.addVariable({ name: 'x', upper: 4, cost: 3 });
 * const y = m.addVariable({ name: 'y', cost: 5 });
 * m.addConstraint({ name: 'cap', upper: 18, terms: { indices: [x, y], coefficients: [3, 2] } });
 * const compiled = m.compile();
 */
export class LinearModel {
  /** Objective direction; may be changed any time before `compile()`. */
  sense: ObjectiveSense;
  /** Constant added to the objective. */
  objectiveConstant = 0;

  private nCols = 0;
  private nRows = 0;
  private nnz = 0;
  private nInteger = 0;
  private colLower: Float64Array = new Float64Array(0);
  private colUpper: Float64Array = new Float64Array(0);
  private colCost: Float64Array = new Float64Array(0);
  private colInt: Uint8Array = new Uint8Array(0);
  private rowLower: Float64Array = new Float64Array(0);
  private rowUpper: Float64Array = new Float64Array(0);
  private rowStarts: Int32Array = new Int32Array(16);
  private termCols: Int32Array = new Int32Array(0);
  private termVals: Float64Array = new Float64Array(0);
  private openRow = false;
  private readonly colNames = new NameTable('x');
  private readonly rowNames = new NameTable('r');
  private readonly createdAt = performance.now();

  constructor(sense: ObjectiveSense = 'minimize') {
    this.sense = sense;
  }

  /** Number of columns so far. */
  get numColumns(): number {
    return this.nCols;
  }

  /** Number of rows so far. */
  get numRows(): number {
    return this.nRows;
  }

  /** Number of stored terms so far (before duplicate merging). */
  get numNonzeros(): number {
    return this.nnz;
  }

  /** Sizes of the model so far. */
  size(): ModelSize {
    return { columns: this.nCols, rows: this.nRows, nonzeros: this.nnz, integerColumns: this.nInteger };
  }

  /** Pre-allocates room for this many columns, rows and terms in total, sparing growth copies. */
  reserve(columns: number, rows: number, nonzeros: number): void {
    this.reserveColumns(columns);
    if (this.rowLower.length < rows) {
      this.rowLower = growF64(this.rowLower, rows);
      this.rowUpper = growF64(this.rowUpper, rows);
    }
    if (this.rowStarts.length < rows + 1) this.rowStarts = growI32(this.rowStarts, rows + 1);
    this.reserveTerms(nonzeros);
  }

  /** Adds one column and returns its index. */
  addVariable(spec: VariableSpec = {}): number {
    const j = this.nCols;
    this.reserveColumns(j + 1);
    this.writeColumn(j, spec.lower ?? 0, spec.upper ?? Infinity, spec.cost ?? 0, spec.integer ?? false);
    this.nCols = j + 1;
    if (spec.name !== undefined) this.colNames.setOne(j, spec.name);
    return j;
  }

  /**
   * Adds `count` columns at once and returns the index of the first; element k is column first + k.
   * Bounds and costs may be scalars, arrays or functions of k.
   */
  addVariables(count: number, spec: VariableBlockSpec = {}): number {
    if (!Number.isInteger(count) || count < 0) throw new ModelBuildError(`variable count must be a non-negative integer, got ${count}`);
    const first = this.nCols;
    this.reserveColumns(first + count);
    const integer = spec.integer ?? false;
    const { lower, upper, cost } = spec;
    // scalar fast path: a block of identical columns is the common case (e.g. all SoC columns)
    if ((lower === undefined || typeof lower === 'number') && (upper === undefined || typeof upper === 'number') && (cost === undefined || typeof cost === 'number')) {
      const lo = lower ?? 0;
      const up = upper ?? Infinity;
      const c = cost ?? 0;
      this.checkColumn(first, lo, up, c);
      this.colLower.fill(lo, first, first + count);
      this.colUpper.fill(up, first, first + count);
      this.colCost.fill(c, first, first + count);
      this.colInt.fill(integer ? 1 : 0, first, first + count);
      if (integer) this.nInteger += count;
    } else {
      for (let k = 0; k < count; k++) {
        this.writeColumn(first + k, valueAt(lower, k, 0), valueAt(upper, k, Infinity), valueAt(cost, k, 0), integer);
      }
    }
    this.nCols = first + count;
    this.colNames.setBlock(first, count, spec.namePrefix, spec.nameFn);
    return first;
  }

  /** Adds a row `lower ≤ terms·x ≤ upper` and returns its index. */
  addConstraint(spec: ConstraintSpec): number {
    const { indices, coefficients } = spec.terms;
    return this.addRow(spec.lower ?? -Infinity, spec.upper ?? Infinity, indices, coefficients, indices.length, spec.name);
  }

  /** Positional form of {@link addConstraint} without a spec object; `count` limits the terms used. */
  addRow(lower: number, upper: number, indices: ArrayLike<number>, coefficients: ArrayLike<number>, count = indices.length, name?: string): number {
    if (coefficients.length < count || indices.length < count) {
      throw new ModelBuildError(`row ${name ?? this.nRows}: ${indices.length} indices and ${coefficients.length} coefficients for ${count} terms`);
    }
    const i = this.beginRow(lower, upper, name);
    if (this.nnz + count > this.termCols.length) this.reserveTerms(this.nnz + count);
    const nCols = this.nCols;
    const cols = this.termCols;
    const vals = this.termVals;
    let p = this.nnz;
    for (let k = 0; k < count; k++) {
      const j = indices[k] as number;
      const v = coefficients[k] as number;
      if (!(j >= 0 && j < nCols && (j | 0) === j)) this.failRow(i, name, `column index ${j} out of range 0..${nCols - 1}`);
      if (!Number.isFinite(v)) this.failRow(i, name, `coefficient ${v} of column ${this.colNames.get(j)} is not finite`);
      cols[p] = j;
      vals[p] = v;
      p++;
    }
    this.nnz = p;
    this.endRow();
    return i;
  }

  /** Abandons the open row so no half-written row is left behind, then throws. */
  private failRow(i: number, name: string | undefined, message: string): never {
    this.openRow = false;
    this.rowNames.deleteOne(i);
    throw new ModelBuildError(`row ${name ?? i}: ${message}`);
  }

  /**
   * Opens a row whose terms are then appended one by one with {@link addTerm}, avoiding any
   * per-row arrays; close it with {@link endRow}. Returns the row index.
   */
  beginRow(lower: number, upper: number, name?: string): number {
    if (this.openRow) throw new ModelBuildError(`row ${this.nRows} is still open: call endRow() first`);
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
      throw new ModelBuildError(`row ${name ?? this.nRows}: invalid bounds [${lower}, ${upper}]`);
    }
    const i = this.nRows;
    if (this.rowLower.length <= i) {
      this.rowLower = growF64(this.rowLower, i + 1);
      this.rowUpper = growF64(this.rowUpper, i + 1);
    }
    if (this.rowStarts.length < i + 2) this.rowStarts = growI32(this.rowStarts, i + 2);
    this.rowLower[i] = lower;
    this.rowUpper[i] = upper;
    this.rowStarts[i] = this.nnz;
    if (name !== undefined) this.rowNames.setOne(i, name);
    this.openRow = true;
    return i;
  }

  /** Appends one term to the open row. */
  addTerm(column: number, coefficient: number): void {
    if (!this.openRow) throw new ModelBuildError('addTerm() without beginRow()');
    if (!(column >= 0 && column < this.nCols && (column | 0) === column)) {
      throw new ModelBuildError(`row ${this.rowNames.get(this.nRows)}: column index ${column} out of range 0..${this.nCols - 1}`);
    }
    if (!Number.isFinite(coefficient)) {
      throw new ModelBuildError(`row ${this.rowNames.get(this.nRows)}: coefficient ${coefficient} is not finite`);
    }
    const p = this.nnz;
    if (p >= this.termCols.length) this.reserveTerms(p + 1);
    this.termCols[p] = column;
    this.termVals[p] = coefficient;
    this.nnz = p + 1;
  }

  /** Closes the row opened by {@link beginRow}. */
  endRow(): void {
    if (!this.openRow) throw new ModelBuildError('endRow() without beginRow()');
    this.nRows++;
    this.rowStarts[this.nRows] = this.nnz;
    this.openRow = false;
  }

  /** Names rows first .. first+count-1 lazily: `${prefix}${k}` or `name(k)`. */
  nameRows(first: number, count: number, name: string | ((k: number) => string)): void {
    this.rowNames.setBlock(first, count, typeof name === 'string' ? name : undefined, typeof name === 'function' ? name : undefined);
  }

  /** Names columns first .. first+count-1 lazily: `${prefix}${k}` or `name(k)`. */
  nameColumns(first: number, count: number, name: string | ((k: number) => string)): void {
    this.colNames.setBlock(first, count, typeof name === 'string' ? name : undefined, typeof name === 'function' ? name : undefined);
  }

  /** Name of column j (produced on demand). */
  columnName(j: number): string {
    return this.colNames.get(j);
  }

  /** Name of row i (produced on demand). */
  rowName(i: number): string {
    return this.rowNames.get(i);
  }

  /** Sets the objective coefficient of column j. */
  setCost(j: number, cost: number): void {
    this.checkIndex(j);
    if (!Number.isFinite(cost)) throw new ModelBuildError(`cost ${cost} of column ${this.colNames.get(j)} is not finite`);
    this.colCost[j] = cost;
  }

  /** Adds to the objective coefficient of column j. */
  addCost(j: number, delta: number): void {
    this.setCost(j, (this.colCost[j] as number) + delta);
  }

  /** Objective coefficient of column j. */
  cost(j: number): number {
    this.checkIndex(j);
    return this.colCost[j] as number;
  }

  /** Replaces the bounds of column j. */
  setBounds(j: number, lower: number, upper: number): void {
    this.checkIndex(j);
    this.checkColumn(j, lower, upper, 0);
    this.colLower[j] = lower;
    this.colUpper[j] = upper;
  }

  /** Replaces the bounds of row i. */
  setRowBounds(i: number, lower: number, upper: number): void {
    if (!(i >= 0 && i < this.nRows)) throw new ModelBuildError(`row index ${i} out of range 0..${this.nRows - 1}`);
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
      throw new ModelBuildError(`row ${this.rowNames.get(i)}: invalid bounds [${lower}, ${upper}]`);
    }
    this.rowLower[i] = lower;
    this.rowUpper[i] = upper;
  }

  /** Marks column j integer or continuous. */
  setInteger(j: number, integer: boolean): void {
    this.checkIndex(j);
    const was = this.colInt[j] === 1;
    if (was !== integer) this.nInteger += integer ? 1 : -1;
    this.colInt[j] = integer ? 1 : 0;
  }

  /**
   * Freezes the model: converts the row-wise terms to CSC by a counting sort over columns
   * (O(nonzeros)), merges duplicate terms of a row, drops exact zeros, and copies bounds and costs.
   * The builder stays usable; later edits do not affect the compiled model.
   */
  compile(options: CompileOptions = {}): CompiledModel {
    if (this.openRow) throw new ModelBuildError(`row ${this.nRows} is still open: call endRow() first`);
    const t0 = performance.now();
    const shared = options.shared ?? true;
    const n = this.nCols;
    const m = this.nRows;
    const nnz = this.nnz;
    const rs = this.rowStarts;
    const tc = this.termCols;
    const tv = this.termVals;

    // 1. count entries per column (exact zeros are dropped: they carry no information)
    const colStarts = allocI32(n + 1, shared);
    let zeros = 0;
    for (let p = 0; p < nnz; p++) {
      if (tv[p] === 0) zeros++;
      else (colStarts[(tc[p] as number) + 1] as number)++;
    }
    for (let j = 0; j < n; j++) colStarts[j + 1] = (colStarts[j + 1] as number) + (colStarts[j] as number);

    // 2. scatter rows in order, so row indices ascend within each column; a duplicate term of the
    //    same row is then adjacent and merged in place
    const total = nnz - zeros;
    let cIdx = allocI32(total, shared);
    let cVal = allocF64(total, shared);
    const next = new Int32Array(n);
    next.set(colStarts.subarray(0, n));
    let duplicates = 0;
    for (let i = 0; i < m; i++) {
      const end = rs[i + 1] as number;
      for (let p = rs[i] as number; p < end; p++) {
        const v = tv[p] as number;
        if (v === 0) continue;
        const j = tc[p] as number;
        const q = next[j] as number;
        if (q > (colStarts[j] as number) && cIdx[q - 1] === i) {
          cVal[q - 1] = (cVal[q - 1] as number) + v;
          duplicates++;
        } else {
          cIdx[q] = i;
          cVal[q] = v;
          next[j] = q + 1;
        }
      }
    }

    let starts = colStarts;
    let csr: SparseMatrix;
    if (duplicates > 0) {
      // 3. compact: merged terms left holes at the end of their columns, and a merge may cancel to 0
      const s2 = allocI32(n + 1, shared);
      let w = 0;
      for (let j = 0; j < n; j++) {
        s2[j] = w;
        const end = next[j] as number;
        for (let q = colStarts[j] as number; q < end; q++) {
          if (cVal[q] === 0) continue;
          cIdx[w] = cIdx[q] as number;
          cVal[w] = cVal[q] as number;
          w++;
        }
      }
      s2[n] = w;
      starts = s2;
      const idx2 = allocI32(w, shared);
      idx2.set(cIdx.subarray(0, w));
      cIdx = idx2;
      cVal = copyF64(cVal, w, shared);
      csr = transpose(n, m, starts, cIdx, cVal, shared);
    } else if (zeros > 0) {
      csr = transpose(n, m, starts, cIdx, cVal, shared);
    } else {
      const rStarts = allocI32(m + 1, shared);
      rStarts.set(rs.subarray(0, m + 1));
      const rIdx = allocI32(nnz, shared);
      rIdx.set(tc.subarray(0, nnz));
      csr = { starts: rStarts, indices: rIdx, values: copyF64(tv, nnz, shared) };
    }

    let integrality: Uint8Array | undefined;
    if (this.nInteger > 0) {
      integrality = shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
      integrality.set(this.colInt.subarray(0, n));
    }
    const rowLower = copyF64(this.rowLower, m, shared);
    const rowUpper = copyF64(this.rowUpper, m, shared);
    const t1 = performance.now();
    return {
      numColumns: n,
      numRows: m,
      numNonzeros: starts[n] as number,
      sense: this.sense,
      objectiveConstant: this.objectiveConstant,
      colCost: copyF64(this.colCost, n, shared),
      colLower: copyF64(this.colLower, n, shared),
      colUpper: copyF64(this.colUpper, n, shared),
      integrality,
      rowLower,
      rowUpper,
      csc: { starts, indices: cIdx, values: cVal },
      csr,
      columnName: this.colNames.snapshot(),
      rowName: this.rowNames.snapshot(),
      timings: { buildMs: t0 - this.createdAt, compileMs: t1 - t0 },
    };
  }

  private reserveColumns(need: number): void {
    if (need <= this.colLower.length) return;
    this.colLower = growF64(this.colLower, need);
    this.colUpper = growF64(this.colUpper, need);
    this.colCost = growF64(this.colCost, need);
    this.colInt = growU8(this.colInt, need);
  }

  private reserveTerms(need: number): void {
    if (need <= this.termCols.length) return;
    this.termCols = growI32(this.termCols, need);
    this.termVals = growF64(this.termVals, need);
  }

  private writeColumn(j: number, lower: number, upper: number, cost: number, integer: boolean): void {
    this.checkColumn(j, lower, upper, cost);
    this.colLower[j] = lower;
    this.colUpper[j] = upper;
    this.colCost[j] = cost;
    this.colInt[j] = integer ? 1 : 0;
    if (integer) this.nInteger++;
  }

  private checkColumn(j: number, lower: number, upper: number, cost: number): void {
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
      throw new ModelBuildError(`column ${this.colNames.get(j)}: invalid bounds [${lower}, ${upper}]`);
    }
    if (!Number.isFinite(cost)) throw new ModelBuildError(`column ${this.colNames.get(j)}: cost ${cost} is not finite`);
  }

  private checkIndex(j: number): void {
    if (!(j >= 0 && j < this.nCols && (j | 0) === j)) throw new ModelBuildError(`column index ${j} out of range 0..${this.nCols - 1}`);
  }
}

/**
 * Transposes a compressed matrix by a counting sort: CSC with `nMajor` columns over `nMinor` rows
 * becomes CSR, or the other way round. Minor indices come out ascending within each major item.
 */
export function transpose(
  nMajor: number,
  nMinor: number,
  starts: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  shared = false,
): SparseMatrix {
  const nnz = starts[nMajor] as number;
  const outStarts = allocI32(nMinor + 1, shared);
  for (let p = 0; p < nnz; p++) (outStarts[(indices[p] as number) + 1] as number)++;
  for (let i = 0; i < nMinor; i++) outStarts[i + 1] = (outStarts[i + 1] as number) + (outStarts[i] as number);
  const next = outStarts.slice(0, nMinor);
  const outIdx = allocI32(nnz, shared);
  const outVal = allocF64(nnz, shared);
  for (let j = 0; j < nMajor; j++) {
    const end = starts[j + 1] as number;
    for (let p = starts[j] as number; p < end; p++) {
      const i = indices[p] as number;
      const q = next[i] as number;
      outIdx[q] = j;
      outVal[q] = values[p] as number;
      next[i] = q + 1;
    }
  }
  return { starts: outStarts, indices: outIdx, values: outVal };
}

/** Sizes of a compiled model. */
export function modelSize(model: CompiledModel): ModelSize {
  let integerColumns = 0;
  if (model.integrality) for (let j = 0; j < model.numColumns; j++) integerColumns += model.integrality[j] as number;
  return { columns: model.numColumns, rows: model.numRows, nonzeros: model.numNonzeros, integerColumns };
}
