/**
 * Composition of models: copies a compiled model into a larger builder as a block (its columns
 * and rows shifted, its costs scaled). A stochastic program is built this way from one copy of
 * a deterministic model per scenario, each weighted by the scenario's probability, so the
 * deterministic builder's constraint logic is reused exactly rather than written twice.
 *
 * @module
 */
import type { CompiledModel, LinearModel } from './model-builder.ts';

/** Where a copied block landed in the target model. */
export interface BlockPlacement {
  /** Index in the target of the block's column 0. */
  columnOffset: number;
  /** Index in the target of the block's row 0. */
  rowOffset: number;
  columns: number;
  rows: number;
}

/** How to copy a block. */
export interface AppendOptions {
  /** Multiplier on every cost and on the objective constant (a scenario's probability). Default 1. */
  costScale?: number;
  /** Appended to every column and row name, e.g. `{s3}`. */
  nameSuffix?: string;
  /**
   * Extra terms for a source row, as target column indices and coefficients (e.g. a reserve's
   * worst-case work loss added to a job's progress row). Called once per source row.
   */
  extraTerms?: (row: number) => ReadonlyArray<readonly [number, number]> | undefined;
  /** Replacement bounds for a source row. */
  rowBounds?: ReadonlyMap<number, readonly [number, number]>;
}

/** Copies `src` into `target` (after its current columns and rows) and returns where it went. */
export function appendCompiled(target: LinearModel, src: CompiledModel, opts: AppendOptions = {}): BlockPlacement {
  const scale = opts.costScale ?? 1;
  const suffix = opts.nameSuffix ?? '';
  const columnOffset = target.numColumns;
  const rowOffset = target.numRows;
  const n = src.numColumns;
  const m = src.numRows;
  target.reserve(columnOffset + n, rowOffset + m, target.numNonzeros + src.numNonzeros);
  target.addVariables(n, {
    lower: src.colLower,
    upper: src.colUpper,
    cost: scale === 1 ? src.colCost : (k) => src.colCost[k]! * scale,
    nameFn: (k) => `${src.columnName(k)}${suffix}`,
  });
  if (src.integrality) for (let j = 0; j < n; j++) if (src.integrality[j] === 1) target.setInteger(columnOffset + j, true);
  const { starts, indices, values } = src.csr;
  for (let i = 0; i < m; i++) {
    const b = opts.rowBounds?.get(i);
    target.beginRow(b ? b[0] : src.rowLower[i]!, b ? b[1] : src.rowUpper[i]!);
    for (let p = starts[i]!; p < starts[i + 1]!; p++) target.addTerm(columnOffset + indices[p]!, values[p]!);
    const extra = opts.extraTerms?.(i);
    if (extra) for (const [j, v] of extra) target.addTerm(j, v);
    target.endRow();
  }
  target.nameRows(rowOffset, m, (k) => `${src.rowName(k)}${suffix}`);
  target.objectiveConstant += src.objectiveConstant * scale;
  return { columnOffset, rowOffset, columns: n, rows: m };
}
