/**
 * Parsers for the solution files of native solvers: HiGHS (raw solution style 0), CBC
 * (`-printingOptions all -solution`) and GLPK (`glpsol -w`). Values come back in file order; the
 * caller maps file rows to model rows.
 *
 * @module
 */
import type { SolveStatus } from './solver.ts';

/** A parsed solution file. */
export interface NativeSolution {
  status: SolveStatus | 'infeasible-or-unbounded';
  /** Primal values by file column, when the file holds a usable point. */
  columnValues?: Float64Array;
  /** Row duals by file row, when reported. */
  rowDuals?: Float64Array;
  /** The solver's own status wording. */
  rawStatus: string;
}

function lastNumber(line: string): number {
  const parts = line.trim().split(/\s+/);
  return Number(parts[parts.length - 1]);
}

/** Parses a HiGHS raw solution file (`write_solution_style = 0`). */
export function parseHighsSolution(text: string, numColumns: number, numRows: number): NativeSolution {
  const lines = text.split(/\r?\n/);
  let at = 0;
  const find = (header: string, from: number): number => {
    for (let k = from; k < lines.length; k++) if ((lines[k] as string).trim() === header) return k;
    return -1;
  };
  const statusAt = find('Model status', 0);
  if (statusAt < 0) throw new Error('not a HiGHS solution file: no "Model status" line');
  const rawStatus = (lines[statusAt + 1] ?? '').trim();
  const result: NativeSolution = { status: highsStatus(rawStatus), rawStatus };
  at = find('# Primal solution values', statusAt);
  if (at >= 0 && (lines[at + 1] ?? '').trim() === 'Feasible') {
    const cols = find(`# Columns ${numColumns}`, at);
    if (cols < 0) throw new Error(`HiGHS solution file does not list ${numColumns} columns`);
    const x = new Float64Array(numColumns);
    for (let j = 0; j < numColumns; j++) x[j] = lastNumber(lines[cols + 1 + j] ?? '');
    result.columnValues = x;
    at = cols + numColumns;
  }
  const dualAt = find('# Dual solution values', Math.max(at, statusAt));
  if (dualAt >= 0 && (lines[dualAt + 1] ?? '').trim() === 'Feasible') {
    const rows = find(`# Rows ${numRows}`, dualAt);
    if (rows >= 0) {
      const y = new Float64Array(numRows);
      for (let i = 0; i < numRows; i++) y[i] = lastNumber(lines[rows + 1 + i] ?? '');
      result.rowDuals = y;
    }
  }
  return result;
}

function highsStatus(s: string): NativeSolution['status'] {
  const t = s.toLowerCase();
  if (t === 'optimal' || t === 'empty') return 'optimal';
  if (t.includes('infeasible or unbounded')) return 'infeasible-or-unbounded';
  if (t.includes('infeasible')) return 'infeasible';
  if (t.includes('unbounded')) return 'unbounded';
  if (t.includes('time limit')) return 'time-limit';
  return 'error';
}

/**
 * Parses a CBC solution file written after `-printingOptions all`: a status line, then one line per
 * row (`index name activity dual`), then one per column (`index name value reducedCost`). Lines of
 * violated rows or fractional integers start with `**`.
 */
export function parseCbcSolution(text: string, numColumns: number, numRows: number, isMip: boolean): NativeSolution {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rawStatus = (lines[0] ?? '').trim();
  const t = rawStatus.toLowerCase();
  let status: NativeSolution['status'];
  let hasPoint = true;
  if (t.startsWith('optimal')) status = 'optimal';
  else if (t.includes('unbounded')) status = 'unbounded';
  else if (t.includes('infeasible')) status = 'infeasible';
  else if (t.startsWith('stopped on time')) {
    status = 'time-limit';
    hasPoint = !t.includes('no integer solution');
  } else status = 'error';
  if (status === 'infeasible' || status === 'unbounded') hasPoint = false;
  const result: NativeSolution = { status, rawStatus };
  if (lines.length < 1 + numRows + numColumns) {
    if (status === 'optimal') throw new Error(`CBC solution file has ${lines.length - 1} value lines, expected ${numRows + numColumns}`);
    return result;
  }
  const fields = (k: number): string[] => (lines[k] as string).replace(/^\s*\*\*/, '').trim().split(/\s+/);
  if (hasPoint) {
    const x = new Float64Array(numColumns);
    for (let j = 0; j < numColumns; j++) x[j] = Number(fields(1 + numRows + j)[2]);
    result.columnValues = x;
  }
  if (status === 'optimal' && !isMip) {
    const y = new Float64Array(numRows);
    for (let i = 0; i < numRows; i++) y[i] = Number(fields(1 + i)[3]);
    result.rowDuals = y;
  }
  return result;
}

/**
 * Parses a GLPK plain-text solution (`glpsol -w`): `s bas|mip|ipt ...` then `i`/`j` lines.
 * `output` is glpsol's terminal output, which alone tells a time limit from other stops.
 */
export function parseGlpkSolution(text: string, numColumns: number, numRows: number, output = ''): NativeSolution {
  const lines = text.split(/\r?\n/);
  const sLine = lines.find((l) => l.startsWith('s '));
  if (!sLine) throw new Error('not a GLPK solution file: no "s" line');
  const s = sLine.trim().split(/\s+/);
  const kind = s[1];
  const timeLimit = /TIME LIMIT EXCEEDED/i.test(output);
  // with its (default) presolver glpsol writes status 'u' (undefined) for an infeasible or
  // unbounded LP; only its terminal output says which
  const saysInfeasible = /HAS NO PRIMAL FEASIBLE SOLUTION|HAS NO (INTEGER )?FEASIBLE SOLUTION|HAS NO INTEGER FEASIBLE/i.test(output);
  const saysUnbounded = /HAS UNBOUNDED (PRIMAL )?SOLUTION/i.test(output);
  const saysDualInfeasible = /HAS NO DUAL FEASIBLE SOLUTION/i.test(output);
  let status: NativeSolution['status'];
  let hasPoint = false;
  if (kind === 'mip') {
    const st = s[4];
    if (st === 'o') status = 'optimal';
    else if (st === 'f') status = timeLimit ? 'time-limit' : /GAP TOLERANCE REACHED/i.test(output) ? 'optimal' : 'time-limit';
    else if (st === 'n') status = 'infeasible';
    else status = saysInfeasible ? 'infeasible' : saysUnbounded ? 'unbounded' : saysDualInfeasible ? 'infeasible-or-unbounded' : timeLimit ? 'time-limit' : 'error';
    hasPoint = st === 'o' || st === 'f';
  } else {
    const pst = s[4];
    const dst = s[5];
    if (pst === 'f' && dst === 'f') status = 'optimal';
    else if (pst === 'n') status = 'infeasible';
    else if (dst === 'n') status = pst === 'f' ? 'unbounded' : 'infeasible-or-unbounded';
    else status = saysInfeasible ? 'infeasible' : saysUnbounded ? 'unbounded' : saysDualInfeasible ? 'infeasible-or-unbounded' : timeLimit ? 'time-limit' : 'error';
    hasPoint = status === 'optimal' || (status === 'time-limit' && pst === 'f');
  }
  const result: NativeSolution = { status, rawStatus: sLine.trim() };
  if (!hasPoint) return result;
  const x = new Float64Array(numColumns);
  const y = new Float64Array(numRows);
  for (const l of lines) {
    if (l.startsWith('j ')) {
      const f = l.trim().split(/\s+/);
      const j = Number(f[1]) - 1;
      // bas: j col status prim dual; ipt: j col prim dual; mip: j col val
      x[j] = Number(kind === 'bas' ? f[3] : f[2]);
    } else if (l.startsWith('i ') && kind !== 'mip') {
      const f = l.trim().split(/\s+/);
      y[Number(f[1]) - 1] = Number(kind === 'bas' ? f[4] : f[3]);
    }
  }
  result.columnValues = x;
  if (kind !== 'mip' && status === 'optimal') result.rowDuals = y;
  return result;
}
