/**
 * Which LP algorithm to run on a model: HiGHS's dual simplex or its interior-point method (IPX
 * with crossover). Chosen from measured features of the model (size, sparsity, structure and the
 * spread of its costs), by a rule fitted on the planner's own models and recorded with its
 * figures in docs/benchmarks.md (`npm run bench -- lp-method`).
 */
import type { CompiledModel } from './model-builder.ts';

/** What the rule looks at, all read from the compiled model in one pass over its arrays. */
export interface LpFeatures {
  columns: number;
  rows: number;
  nonzeros: number;
  /** nonzeros / (rows × columns). */
  density: number;
  /** Mean non-zeros per column. */
  nonzerosPerColumn: number;
  /** Non-zeros of the longest row and the longest column: coupling across many steps (job work rows, monthly peaks). */
  maxRowNonzeros: number;
  /** maxRowNonzeros / columns: how much of the model one row ties together. */
  denseRowShare: number;
  maxColumnNonzeros: number;
  /** Rows with more than {@link LONG_ROW} non-zeros (a job's total work, a green-share target, a month's peak). */
  longRows: number;
  /** Share of rows that are equalities (balances, state of charge). */
  equalityRowShare: number;
  /** Share of columns with a non-zero cost. */
  costedColumnShare: number;
  /** log10 of the ratio of the largest to the smallest non-zero |cost|: how spread the prices are. */
  costSpreadLog10: number;
  /** Share of costed columns whose cost is negative (revenues, negative prices). */
  negativeCostShare: number;
  /**
   * Distinct non-zero costs per costed column: near 1 when every step has its own price (spot
   * markets), near 0 when a few tariff levels repeat (time-of-use), which makes an LP highly
   * degenerate, many equal-cost vertices for the simplex method to walk through.
   */
  distinctCostShare: number;
}

/** A row longer than this couples many steps. */
export const LONG_ROW = 1000;

/** Reads the features of a compiled model. */
export function lpFeatures(m: CompiledModel): LpFeatures {
  const rowNnz = new Int32Array(m.numRows);
  for (let k = 0; k < m.numNonzeros; k++) rowNnz[m.csc.indices[k]!]!++;
  let maxRow = 0;
  let longRows = 0;
  for (let i = 0; i < m.numRows; i++) {
    const n = rowNnz[i]!;
    if (n > maxRow) maxRow = n;
    if (n > LONG_ROW) longRows++;
  }
  let maxCol = 0;
  for (let j = 0; j < m.numColumns; j++) maxCol = Math.max(maxCol, m.csc.starts[j + 1]! - m.csc.starts[j]!);
  let eq = 0;
  for (let i = 0; i < m.numRows; i++) if (m.rowLower[i] === m.rowUpper[i]) eq++;
  let costed = 0;
  let negative = 0;
  const distinct = new Set<number>();
  let minAbs = Infinity;
  let maxAbs = 0;
  for (let j = 0; j < m.numColumns; j++) {
    const c = m.colCost[j]!;
    if (c === 0) continue;
    costed++;
    if (c < 0) negative++;
    distinct.add(c);
    const a = Math.abs(c);
    if (a < minAbs) minAbs = a;
    if (a > maxAbs) maxAbs = a;
  }
  return {
    columns: m.numColumns,
    rows: m.numRows,
    nonzeros: m.numNonzeros,
    density: m.numRows > 0 && m.numColumns > 0 ? m.numNonzeros / (m.numRows * m.numColumns) : 0,
    nonzerosPerColumn: m.numColumns > 0 ? m.numNonzeros / m.numColumns : 0,
    maxRowNonzeros: maxRow,
    denseRowShare: m.numColumns > 0 ? maxRow / m.numColumns : 0,
    maxColumnNonzeros: maxCol,
    longRows,
    equalityRowShare: m.numRows > 0 ? eq / m.numRows : 0,
    costedColumnShare: m.numColumns > 0 ? costed / m.numColumns : 0,
    costSpreadLog10: costed > 0 && minAbs > 0 ? Math.log10(maxAbs / minAbs) : 0,
    negativeCostShare: costed > 0 ? negative / costed : 0,
    distinctCostShare: costed > 0 ? distinct.size / costed : 0,
  };
}

/** An LP algorithm of HiGHS. */
export type LpMethod = 'simplex' | 'ipm';

/**
 * The thresholds of the rule, fitted on the planner's own models (docs/benchmarks.md, "The
 * automatic LP method", full run of 2026-12-02): interior point won on every measured model
 * above `largeColumns`, with its costs on a few repeated levels, with costs spread over more
 * than `wideCostSpreadLog10` decades (a badly scaled objective: the generated six-market fleet,
 * 5–8× faster by interior point), or with one row spanning most of the model; dual simplex won
 * everywhere else, by 1.4–6× on the single-site years with spot prices.
 */
export const LP_METHOD_RULE = {
  /** Below this, both methods finish in well under a second: simplex (no crossover to pay for). */
  smallColumns: 20_000,
  /** Above this, interior point (433k columns: 388 s against over 600 s by simplex). */
  largeColumns: 250_000,
  /** Fewer distinct costs per costed column than this: time-of-use levels, a degenerate LP (3.6× and 1.7× faster by interior point). */
  degenerateCostShare: 0.05,
  /**
   * Costs spread over more decades than this (largest / smallest non-zero |cost|): interior
   * point (generated six-market fleet, 10^7.1–10^9.0: 45 s against 8.4 s, 303 s against 37 s,
   * 373 s against 60 s). The Texas site-years (10^4.0–10^6.5) stay with simplex.
   */
  wideCostSpreadLog10: 7,
  /** One row over more than this share of the columns (a job's total work or a green-share target over a year with little else): 4× faster by interior point. */
  denseRowShare: 0.6,
} as const;

/** The rule: which algorithm to run on a model with these features (a decision list, first match wins). */
export function chooseLpMethod(f: LpFeatures): LpMethod {
  const r = LP_METHOD_RULE;
  if (f.columns < r.smallColumns) return 'simplex';
  if (f.columns > r.largeColumns) return 'ipm';
  if (f.distinctCostShare < r.degenerateCostShare) return 'ipm';
  if (f.costSpreadLog10 > r.wideCostSpreadLog10) return 'ipm';
  if (f.denseRowShare > r.denseRowShare) return 'ipm';
  return 'simplex';
}

/** The method for a model: the caller's choice, or the rule's when it is 'auto'. */
export function lpMethodFor(model: CompiledModel, choice: 'auto' | LpMethod): LpMethod {
  return choice === 'auto' ? chooseLpMethod(lpFeatures(model)) : choice;
}
