/**
 * CPLEX LP export, written so that independent readers (HiGHS, GLPK's glpsol, CBC) read the same
 * model:
 * - the objective constant is carried by a column fixed at 1 (GLPK's LP reader rejects a bare
 *   constant in the objective), unless `objectiveConstant: 'term'` asks for the CPLEX form;
 * - ranged rows become two rows `<name>~lo` and `<name>~hi` (`lo <= expr <= hi` is not portable:
 *   GLPK rejects it and HiGHS 1.15 misreads it);
 * - every integer column gets explicit bounds (a `Generals` column without bounds is [0, +inf));
 * - free rows (no finite bound) constrain nothing and are left out.
 *
 * @module
 */
import {
  buildExportNames,
  ChunkBuffer,
  CONSTANT_COLUMN_NAME,
  formatNumber as fmt,
  OBJECTIVE_NAME,
  writeChunks,
  type ExportNames,
  type NameMode,
} from './export-names.ts';
import type { CompiledModel } from './model-builder.ts';

/** Options of the LP and MPS writers. */
export interface ExportOptions {
  /** 'model' (default): the model's names, sanitized; 'indexed': `x<j>`/`r<i>`. */
  names?: NameMode;
  /**
   * How the objective constant is written: 'column' (default; a column fixed at 1, read the same
   * way by every solver), 'term' (LP: a constant in the objective; MPS: the CPLEX convention,
   * minus the constant as the objective row's RHS, which GLPK reads with the opposite sign) or 'omit'.
   */
  objectiveConstant?: 'column' | 'term' | 'omit';
  /** Write a maximisation as minimisation of −objective (for readers without OBJSENSE support). */
  asMinimize?: boolean;
  /** Approximate size of each text chunk. */
  chunkChars?: number;
}

/** An export in progress: the names used, and the text as a lazily produced sequence of chunks. */
export interface ModelExport {
  readonly names: ExportNames;
  /** Produces the file text chunk by chunk; may be iterated more than once. */
  chunks(): Generator<string>;
}

const TERMS_PER_LINE = 8;

/** The objective as written: costs, sense and constant after an optional max→min rewrite. */
export interface ObjectiveView {
  sense: 'minimize' | 'maximize';
  sign: number;
  constant: number;
}

/** Resolves how the objective is written. */
export function objectiveView(model: CompiledModel, asMinimize: boolean | undefined): ObjectiveView {
  const flip = asMinimize === true && model.sense === 'maximize';
  return { sense: flip ? 'minimize' : model.sense, sign: flip ? -1 : 1, constant: (flip ? -1 : 1) * model.objectiveConstant };
}

/** Starts an LP export of a compiled model. */
export function exportLp(model: CompiledModel, options: ExportOptions = {}): ModelExport {
  const names = buildExportNames(model, options.names);
  return { names, chunks: () => lpChunks(model, names, options) };
}

/** The whole LP text as one string (small models, tests). */
export function lpToString(model: CompiledModel, options: ExportOptions = {}): string {
  return [...exportLp(model, options).chunks()].join('');
}

/** Writes an LP file and returns the names used in it. */
export async function writeLpFile(model: CompiledModel, path: string, options: ExportOptions = {}): Promise<ExportNames> {
  const ex = exportLp(model, options);
  await writeChunks(path, ex.chunks());
  return ex.names;
}

function* lpChunks(model: CompiledModel, names: ExportNames, options: ExportOptions): Generator<string> {
  const out = new ChunkBuffer(options.chunkChars);
  const n = model.numColumns;
  const obj = objectiveView(model, options.asMinimize);
  const constMode = options.objectiveConstant ?? 'column';
  // with no columns at all a file still needs one variable to be valid
  const constColumn = (constMode === 'column' && obj.constant !== 0) || n === 0;
  const anyCol = n > 0 ? names.column(0) : CONSTANT_COLUMN_NAME;

  out.line(`\\ wattshift LP export: ${n} columns, ${model.numRows} rows, ${model.numNonzeros} non-zeros`);
  if (constColumn) out.line(`\\ the objective constant ${fmt(obj.constant)} is carried by column ${CONSTANT_COLUMN_NAME}, fixed at 1`);
  if (obj.sign < 0) out.line('\\ the model maximises; this file minimises the negated objective');
  out.line('\\ ranged rows are written as <name>~lo and <name>~hi; rows without finite bounds are omitted');
  out.line(obj.sense === 'maximize' ? 'Maximize' : 'Minimize');

  // objective
  let line = ` ${OBJECTIVE_NAME}:`;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const c = obj.sign * (model.colCost[j] as number);
    if (c === 0) continue;
    line += term(c, names.column(j));
    if (++k % TERMS_PER_LINE === 0) {
      out.line(line);
      line = '   ';
      if (out.full) yield out.take();
    }
  }
  if (constColumn) {
    line += term(obj.constant === 0 ? 0 : obj.constant, CONSTANT_COLUMN_NAME);
    k++;
  }
  if (constMode === 'term' && obj.constant !== 0) line += obj.constant > 0 ? ` + ${fmt(obj.constant)}` : ` - ${fmt(-obj.constant)}`;
  if (k === 0) line += ` 0 ${anyCol}`;
  out.line(line);

  // rows
  out.line('Subject To');
  const { starts, indices, values } = model.csr;
  for (let i = 0; i < model.numRows; i++) {
    const lo = model.rowLower[i] as number;
    const up = model.rowUpper[i] as number;
    if (lo === -Infinity && up === Infinity) continue;
    const end = starts[i + 1] as number;
    let expr = '';
    let t = 0;
    for (let p = starts[i] as number; p < end; p++) {
      expr += term(values[p] as number, names.column(indices[p] as number));
      if (++t % TERMS_PER_LINE === 0 && p + 1 < end) expr += '\n   ';
    }
    if (t === 0) expr = ` 0 ${anyCol}`;
    const name = names.row(i);
    if (lo === up) out.line(` ${name}:${expr} = ${fmt(lo)}`);
    else if (up === Infinity) out.line(` ${name}:${expr} >= ${fmt(lo)}`);
    else if (lo === -Infinity) out.line(` ${name}:${expr} <= ${fmt(up)}`);
    else {
      out.line(` ${name}~lo:${expr} >= ${fmt(lo)}`);
      out.line(` ${name}~hi:${expr} <= ${fmt(up)}`);
    }
    if (out.full) yield out.take();
  }

  // bounds: only what differs from the default [0, +inf), plus explicit bounds on every integer
  // column and a declaration of columns that appear nowhere else (so no reader drops them)
  out.line('Bounds');
  const cs = model.csc.starts;
  for (let j = 0; j < n; j++) {
    const lo = model.colLower[j] as number;
    const up = model.colUpper[j] as number;
    const isInt = model.integrality?.[j] === 1;
    // Binaries already means [0, 1]; repeating it in Bounds only makes GLPK warn
    if (isInt && lo === 0 && up === 1) continue;
    const name = names.column(j);
    if (lo === up) out.line(` ${name} = ${fmt(lo)}`);
    else if (lo === -Infinity && up === Infinity) out.line(` ${name} free`);
    else if (lo === -Infinity) out.line(` -inf <= ${name} <= ${fmt(up)}`);
    else if (up !== Infinity) out.line(` ${fmt(lo)} <= ${name} <= ${fmt(up)}`);
    else if (isInt) out.line(` ${fmt(lo)} <= ${name} <= +inf`);
    else if (lo !== 0) out.line(` ${name} >= ${fmt(lo)}`);
    else if (model.colCost[j] === 0 && cs[j] === cs[j + 1]) out.line(` ${name} >= 0`);
    if (out.full) yield out.take();
  }
  if (constColumn) out.line(` ${CONSTANT_COLUMN_NAME} = 1`);

  if (model.integrality) {
    yield* nameList(out, 'Generals', model, names, (j) => !(model.colLower[j] === 0 && model.colUpper[j] === 1));
    yield* nameList(out, 'Binaries', model, names, (j) => model.colLower[j] === 0 && model.colUpper[j] === 1);
  }
  out.line('End');
  yield out.take();
}

function* nameList(out: ChunkBuffer, header: string, model: CompiledModel, names: ExportNames, pick: (j: number) => boolean): Generator<string> {
  const integrality = model.integrality;
  if (!integrality) return;
  let line = '';
  let k = 0;
  let any = false;
  for (let j = 0; j < model.numColumns; j++) {
    if (integrality[j] !== 1 || !pick(j)) continue;
    if (!any) {
      out.line(header);
      any = true;
    }
    line += ` ${names.column(j)}`;
    if (++k % 10 === 0) {
      out.line(line);
      line = '';
      if (out.full) yield out.take();
    }
  }
  if (line) out.line(line);
}

function term(c: number, name: string): string {
  return c < 0 ? ` - ${fmt(-c)} ${name}` : ` + ${fmt(c)} ${name}`;
}
