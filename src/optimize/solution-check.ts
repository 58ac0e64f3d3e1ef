/**
 * Independent checks of a solver's point against the compiled model: row activities, bound and
 * row violations, integrality and the objective. Used by tests, and by callers who want to verify
 * a result from a backend they do not fully trust.
 *
 * @module
 */
import type { CompiledModel } from './model-builder.ts';

/** How far a point is from satisfying the model. */
export interface FeasibilityReport {
  /** Largest amount by which a row activity lies outside its bounds. */
  maxRowViolation: number;
  worstRow: number;
  /** Largest amount by which a value lies outside its column bounds. */
  maxBoundViolation: number;
  worstColumn: number;
  /** Largest distance of an integer column from the nearest integer. */
  maxIntegralityViolation: number;
}

/** Row activities A·x. */
export function rowActivities(model: CompiledModel, x: ArrayLike<number>): Float64Array {
  const { starts, indices, values } = model.csr;
  const out = new Float64Array(model.numRows);
  for (let i = 0; i < model.numRows; i++) {
    let s = 0;
    const end = starts[i + 1] as number;
    for (let p = starts[i] as number; p < end; p++) s += (values[p] as number) * (x[indices[p] as number] as number);
    out[i] = s;
  }
  return out;
}

/** Objective c·x + constant. */
export function objectiveValue(model: CompiledModel, x: ArrayLike<number>): number {
  let s = model.objectiveConstant;
  for (let j = 0; j < model.numColumns; j++) s += (model.colCost[j] as number) * (x[j] as number);
  return s;
}

/** Measures row, bound and integrality violations of x. */
export function checkFeasibility(model: CompiledModel, x: ArrayLike<number>): FeasibilityReport {
  if (x.length !== model.numColumns) throw new RangeError(`point has ${x.length} values, model has ${model.numColumns} columns`);
  const act = rowActivities(model, x);
  const r: FeasibilityReport = { maxRowViolation: 0, worstRow: -1, maxBoundViolation: 0, worstColumn: -1, maxIntegralityViolation: 0 };
  for (let i = 0; i < model.numRows; i++) {
    const a = act[i] as number;
    const v = Math.max((model.rowLower[i] as number) - a, a - (model.rowUpper[i] as number), 0);
    if (v > r.maxRowViolation) {
      r.maxRowViolation = v;
      r.worstRow = i;
    }
  }
  for (let j = 0; j < model.numColumns; j++) {
    const v0 = x[j] as number;
    const v = Math.max((model.colLower[j] as number) - v0, v0 - (model.colUpper[j] as number), 0);
    if (v > r.maxBoundViolation) {
      r.maxBoundViolation = v;
      r.worstColumn = j;
    }
    if (model.integrality?.[j]) r.maxIntegralityViolation = Math.max(r.maxIntegralityViolation, Math.abs(v0 - Math.round(v0)));
  }
  return r;
}
