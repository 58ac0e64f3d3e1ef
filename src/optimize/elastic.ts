/**
 * Infeasibility explanation support. An infeasible plan is never answered with a bare
 * "infeasible": the caller names groups of rows that may be violated ("soft" rows, e.g. every
 * grid-import-limit row, every job-energy row), each with a human label per row and a unit. An
 * elastic copy of the model gets non-negative slack columns on those rows with a large penalty;
 * solving it shows which limits must give way and by how much. Amounts are summed per
 * (group, label), so hourly rows of one job add up to "job llm-pretrain: 1.2 GWh short".
 *
 * @module
 */
import { allocF64, allocI32, transpose, type CompiledModel } from './model-builder.ts';
import type { SolveOptions, SolveResult, SolveStatus, Solver } from './solver.ts';

/** A group of rows that may be violated, with how to describe them. */
export interface SoftRowGroup {
  /** Group key, e.g. 'grid import limit'. */
  group: string;
  /** Model rows of the group. */
  rows: ArrayLike<number>;
  /**
   * Label of a row; rows with the same label are summed (e.g. every hourly row of one job returns
   * 'job llm-pretrain', or every row of one site-hour returns 'ulanqab 2023-07-14 19:00').
   */
  label: (row: number) => string;
  /** Unit of the summed amount, e.g. 'MWh'. */
  unit: string;
  /** Factor from row units to `unit` (e.g. 0.001 for kWh rows reported in MWh). Default 1. */
  scale?: number;
  /** Penalty per row unit of violation; default {@link ElasticOptions.defaultPenalty}. */
  penalty?: number;
}

/** One violated limit, summed over the rows sharing a label. */
export interface ElasticViolation {
  group: string;
  label: string;
  /** Total violation in `unit` (always positive). */
  amount: number;
  unit: string;
  /**
   * 'below-lower': the rows' activity had to stay below their lower bounds (e.g. a job gets less
   * energy than it needs); 'above-upper': the activity had to exceed the upper bounds (e.g. more
   * grid import than the limit).
   */
  direction: 'below-lower' | 'above-upper';
  /** How many rows contributed. */
  rows: number;
}

/** Options of {@link explainInfeasibility}. */
export interface ElasticOptions extends SolveOptions {
  /** Penalty per unit of slack for groups without their own; default 1000 × max(1, max |cost|). */
  defaultPenalty?: number;
  /** Keep the model's objective (default true): the cheapest way to give way, not just the smallest. */
  keepObjective?: boolean;
  /** Slack below this (in row units) counts as zero. Default 1e-6. */
  tolerance?: number;
}

/** The outcome of an elastic solve. */
export interface ElasticReport {
  /**
   * 'optimal': the violations below make the model feasible (empty if it was feasible already);
   * 'infeasible': even with every soft row relaxed the model is infeasible, so the conflict lies in
   * hard rows or column bounds.
   */
  status: SolveStatus;
  /** Violations, largest amount first. */
  violations: ElasticViolation[];
  /** The elastic solve itself (its columns include the slacks). */
  result: SolveResult;
}

/** Which slack column relaxes which row. */
export interface ElasticSlack {
  column: number;
  row: number;
  groupIndex: number;
  direction: ElasticViolation['direction'];
}

/** An elastic copy of a model and its slack columns. */
export interface ElasticModel {
  model: CompiledModel;
  slacks: ElasticSlack[];
}

/**
 * Builds the elastic copy: every soft row with a finite lower bound gets a slack s ≥ 0 with
 * coefficient +1 (the activity may fall short of the lower bound by s), every soft row with a
 * finite upper bound one with −1 (it may exceed the upper bound by s). Columns are appended to the
 * CSC arrays, so the copy costs O(nonzeros).
 */
export function buildElasticModel(model: CompiledModel, groups: SoftRowGroup[], options: ElasticOptions = {}): ElasticModel {
  const n = model.numColumns;
  const m = model.numRows;
  let maxCost = 1;
  for (let j = 0; j < n; j++) maxCost = Math.max(maxCost, Math.abs(model.colCost[j] as number));
  const defaultPenalty = options.defaultPenalty ?? 1000 * maxCost;
  const keepObjective = options.keepObjective ?? true;
  const sign = model.sense === 'maximize' ? -1 : 1;

  const slacks: ElasticSlack[] = [];
  const penalties: number[] = [];
  const seen = new Set<string>();
  groups.forEach((g, gi) => {
    const penalty = g.penalty ?? defaultPenalty;
    if (!(penalty > 0)) throw new RangeError(`soft row group ${g.group}: penalty must be positive`);
    for (let k = 0; k < g.rows.length; k++) {
      const i = g.rows[k] as number;
      if (!(i >= 0 && i < m)) throw new RangeError(`soft row group ${g.group}: row ${i} out of range 0..${m - 1}`);
      if (model.rowLower[i] !== -Infinity && !seen.has(`${i}L`)) {
        seen.add(`${i}L`);
        slacks.push({ column: n + slacks.length, row: i, groupIndex: gi, direction: 'below-lower' });
        penalties.push(penalty);
      }
      if (model.rowUpper[i] !== Infinity && !seen.has(`${i}U`)) {
        seen.add(`${i}U`);
        slacks.push({ column: n + slacks.length, row: i, groupIndex: gi, direction: 'above-upper' });
        penalties.push(penalty);
      }
    }
  });

  const ns = slacks.length;
  const n2 = n + ns;
  const nnz = model.numNonzeros;
  const colCost = allocF64(n2, true);
  const colLower = allocF64(n2, true);
  const colUpper = allocF64(n2, true);
  if (keepObjective) colCost.set(model.colCost);
  colLower.set(model.colLower);
  colUpper.set(model.colUpper);
  const starts = allocI32(n2 + 1, true);
  const indices = allocI32(nnz + ns, true);
  const values = allocF64(nnz + ns, true);
  starts.set(model.csc.starts);
  indices.set(model.csc.indices);
  values.set(model.csc.values);
  for (let k = 0; k < ns; k++) {
    const s = slacks[k] as ElasticSlack;
    const j = n + k;
    colCost[j] = sign * (penalties[k] as number);
    colUpper[j] = Infinity;
    indices[nnz + k] = s.row;
    values[nnz + k] = s.direction === 'below-lower' ? 1 : -1;
    starts[j + 1] = nnz + k + 1;
  }
  let integrality: Uint8Array | undefined;
  if (model.integrality) {
    integrality = new Uint8Array(new SharedArrayBuffer(n2));
    integrality.set(model.integrality);
  }
  const elastic: CompiledModel = {
    numColumns: n2,
    numRows: m,
    numNonzeros: nnz + ns,
    sense: model.sense,
    objectiveConstant: keepObjective ? model.objectiveConstant : 0,
    colCost,
    colLower,
    colUpper,
    integrality,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    csc: { starts, indices, values },
    csr: transpose(n2, m, starts, indices, values, true),
    columnName: (j) => {
      if (j < n) return model.columnName(j);
      const s = slacks[j - n] as ElasticSlack;
      return `slack_${s.direction === 'below-lower' ? 'below' : 'above'}[${model.rowName(s.row)}]`;
    },
    rowName: (i) => model.rowName(i),
    timings: { buildMs: 0, compileMs: 0 },
  };
  return { model: elastic, slacks };
}

/** Sums the slacks of an elastic solution per (group, label), largest first. */
export function summarizeSlacks(elastic: ElasticModel, groups: SoftRowGroup[], columnValues: Float64Array, tolerance = 1e-6): ElasticViolation[] {
  const byKey = new Map<string, ElasticViolation>();
  for (const s of elastic.slacks) {
    const v = columnValues[s.column] as number;
    if (!(v > tolerance)) continue;
    const g = groups[s.groupIndex] as SoftRowGroup;
    const label = g.label(s.row);
    const key = `${s.groupIndex}\u0000${label}\u0000${s.direction}`;
    let acc = byKey.get(key);
    if (!acc) {
      acc = { group: g.group, label, amount: 0, unit: g.unit, direction: s.direction, rows: 0 };
      byKey.set(key, acc);
    }
    acc.amount += v * (g.scale ?? 1);
    acc.rows++;
  }
  return [...byKey.values()].sort((a, b) => b.amount - a.amount);
}

/**
 * Solves the elastic copy of a model and reports which soft limits must give way, and by how much.
 * The caller words the message ("job llm-pretrain needs 1.2 GWh more than the grid can deliver").
 */
export async function explainInfeasibility(model: CompiledModel, groups: SoftRowGroup[], solver: Solver, options: ElasticOptions = {}): Promise<ElasticReport> {
  const elastic = buildElasticModel(model, groups, options);
  const { defaultPenalty: _p, keepObjective: _k, tolerance, ...solveOptions } = options;
  const result = await solver.solve(elastic.model, solveOptions);
  if (result.status !== 'optimal' && !(result.status === 'time-limit' && result.columnValues.length > 0)) {
    return { status: result.status, violations: [], result };
  }
  return { status: result.status, violations: summarizeSlacks(elastic, groups, result.columnValues, tolerance), result };
}
