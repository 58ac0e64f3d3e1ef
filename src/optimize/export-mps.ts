/**
 * Free-format MPS export, read the same way by HiGHS, CBC and GLPK (`glpsol --freemps`):
 * - `NAME <name> FREE` makes CBC's reader switch to free format;
 * - ranged rows use the RANGES section (G row, rhs = lower, range = upper − lower);
 * - integer columns sit between INTORG/INTEND markers and always get explicit bounds, because some
 *   readers treat an unbounded integer column in a marker block as binary;
 * - the objective constant is a column fixed at 1 by default: the RHS of the objective row means
 *   −constant to CPLEX, HiGHS and CBC but +constant to GLPK;
 * - OBJSENSE MAX is written for maximisation unless `asMinimize` is set (CBC ignores the section
 *   and glpsol rejects it, so the native solver path writes a minimisation);
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
} from './export-names.ts';
import { objectiveView, type ExportOptions, type ModelExport } from './export-lp.ts';
import type { CompiledModel } from './model-builder.ts';

/** An MPS export, plus which model rows the file contains, in file order. */
export interface MpsExport extends ModelExport {
  /** Model row index of each row in the file (free rows are omitted). */
  readonly fileRows: Int32Array;
}

/** Starts a free-MPS export of a compiled model. */
export function exportMps(model: CompiledModel, options: ExportOptions = {}): MpsExport {
  const names = buildExportNames(model, options.names);
  let k = 0;
  const fileRows = new Int32Array(model.numRows);
  for (let i = 0; i < model.numRows; i++) if (!isFreeRow(model, i)) fileRows[k++] = i;
  return { names, fileRows: fileRows.slice(0, k), chunks: () => mpsChunks(model, names, options) };
}

/** The whole MPS text as one string (small models, tests). */
export function mpsToString(model: CompiledModel, options: ExportOptions = {}): string {
  return [...exportMps(model, options).chunks()].join('');
}

/** Writes a free-MPS file and returns the export (names and file row order). */
export async function writeMpsFile(model: CompiledModel, path: string, options: ExportOptions = {}): Promise<MpsExport> {
  const ex = exportMps(model, options);
  await writeChunks(path, ex.chunks());
  return ex;
}

function isFreeRow(model: CompiledModel, i: number): boolean {
  return model.rowLower[i] === -Infinity && model.rowUpper[i] === Infinity;
}

function* mpsChunks(model: CompiledModel, names: ExportNames, options: ExportOptions): Generator<string> {
  const out = new ChunkBuffer(options.chunkChars);
  const n = model.numColumns;
  const m = model.numRows;
  const obj = objectiveView(model, options.asMinimize);
  const constMode = options.objectiveConstant ?? 'column';
  const constColumn = (constMode === 'column' && obj.constant !== 0) || n === 0;

  out.line(`* wattshift MPS export (free format): ${n} columns, ${m} rows, ${model.numNonzeros} non-zeros`);
  if (constColumn) out.line(`* the objective constant ${fmt(obj.constant)} is carried by column ${CONSTANT_COLUMN_NAME}, fixed at 1`);
  if (obj.sign < 0) out.line('* the model maximises; this file minimises the negated objective');
  out.line('NAME wattshift FREE');
  if (obj.sense === 'maximize') {
    out.line('OBJSENSE');
    out.line('    MAX');
  }
  out.line('ROWS');
  out.line(` N ${OBJECTIVE_NAME}`);
  for (let i = 0; i < m; i++) {
    const lo = model.rowLower[i] as number;
    const up = model.rowUpper[i] as number;
    if (lo === -Infinity && up === Infinity) continue;
    const type = lo === up ? 'E' : lo === -Infinity ? 'L' : 'G';
    out.line(` ${type} ${names.row(i)}`);
    if (out.full) yield out.take();
  }

  out.line('COLUMNS');
  const { starts, indices, values } = model.csc;
  let inInt = false;
  for (let j = 0; j < n; j++) {
    const isInt = model.integrality?.[j] === 1;
    if (isInt !== inInt) {
      out.line(isInt ? " MARKER 'MARKER' 'INTORG'" : " MARKER 'MARKER' 'INTEND'");
      inInt = isInt;
    }
    const name = names.column(j);
    const c = obj.sign * (model.colCost[j] as number);
    let wrote = false;
    if (c !== 0) {
      out.line(` ${name} ${OBJECTIVE_NAME} ${fmt(c)}`);
      wrote = true;
    }
    const end = starts[j + 1] as number;
    for (let p = starts[j] as number; p < end; p++) {
      const i = indices[p] as number;
      if (isFreeRow(model, i)) continue;
      out.line(` ${name} ${names.row(i)} ${fmt(values[p] as number)}`);
      wrote = true;
    }
    // a column must appear in COLUMNS to exist at all
    if (!wrote) out.line(` ${name} ${OBJECTIVE_NAME} 0`);
    if (out.full) yield out.take();
  }
  if (inInt) out.line(" MARKER 'MARKER' 'INTEND'");
  if (constColumn) out.line(` ${CONSTANT_COLUMN_NAME} ${OBJECTIVE_NAME} ${fmt(obj.constant)}`);

  out.line('RHS');
  if (constMode === 'term' && obj.constant !== 0) out.line(` RHS ${OBJECTIVE_NAME} ${fmt(-obj.constant)}`);
  const ranged: number[] = [];
  for (let i = 0; i < m; i++) {
    const lo = model.rowLower[i] as number;
    const up = model.rowUpper[i] as number;
    if (lo === -Infinity && up === Infinity) continue;
    const rhs = lo === -Infinity ? up : lo;
    if (lo !== -Infinity && up !== Infinity && lo !== up) ranged.push(i);
    if (rhs !== 0) out.line(` RHS ${names.row(i)} ${fmt(rhs)}`);
    if (out.full) yield out.take();
  }
  if (ranged.length > 0) {
    out.line('RANGES');
    for (const i of ranged) out.line(` RNG ${names.row(i)} ${fmt((model.rowUpper[i] as number) - (model.rowLower[i] as number))}`);
  }

  // UP before LO/MI: some readers turn a negative UP on a column with lower bound 0 into a free
  // lower bound, and the explicit LO/MI that follows restores the intended one
  out.line('BOUNDS');
  for (let j = 0; j < n; j++) {
    const lo = model.colLower[j] as number;
    const up = model.colUpper[j] as number;
    const isInt = model.integrality?.[j] === 1;
    const name = names.column(j);
    if (lo === up) out.line(` FX BND ${name} ${fmt(lo)}`);
    else if (lo === -Infinity && up === Infinity) {
      if (isInt) {
        out.line(` PL BND ${name}`);
        out.line(` MI BND ${name}`);
      } else out.line(` FR BND ${name}`);
    } else {
      if (up !== Infinity) out.line(` UP BND ${name} ${fmt(up)}`);
      else if (isInt) out.line(` PL BND ${name}`);
      if (lo === -Infinity) out.line(` MI BND ${name}`);
      else if (lo !== 0 || isInt || up < 0) out.line(` LO BND ${name} ${fmt(lo)}`);
    }
    if (out.full) yield out.take();
  }
  if (constColumn) out.line(` FX BND ${CONSTANT_COLUMN_NAME} 1`);
  out.line('ENDATA');
  yield out.take();
}
