/**
 * Names for LP and MPS files. Model names are free text ("g[ulanqab 2023-07-14T19:00]"), file
 * formats are not: CPLEX LP names may not contain spaces or operators, may not start with a digit
 * or '.', and a name like `e12` reads as an exponent after a coefficient. Names that are already
 * safe are kept; any other name is cleaned and suffixed with `~<index>`. Kept names never contain
 * '~', so renamed names cannot collide with them, and the index makes renamed names unique.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CompiledModel } from './model-builder.ts';

/** 'model': the model's own names, sanitized; 'indexed': short `x<j>` / `r<i>` names (no memory). */
export type NameMode = 'model' | 'indexed';

/** The names used in an exported file, by model index. */
export interface ExportNames {
  /** File name of column j. */
  column(j: number): string;
  /** File name of row i. */
  row(i: number): string;
  /** How many column names had to be changed to be legal and unique. */
  readonly renamedColumns: number;
  /** How many row names had to be changed. */
  readonly renamedRows: number;
}

/** Name of the objective row in exported files (contains '~', so it cannot clash with a model name). */
export const OBJECTIVE_NAME = 'obj~';

/** Name of the fixed column that carries the objective constant, when exported that way. */
export const CONSTANT_COLUMN_NAME = 'objective~constant';

const MAX_NAME = 200;
const SAFE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const RESERVED = new Set([
  'st', 's.t.', 'subject', 'such', 'bound', 'bounds', 'free', 'inf', 'infinity', 'end', 'gen', 'general', 'generals',
  'bin', 'binary', 'binaries', 'int', 'min', 'max', 'minimize', 'maximize', 'minimum', 'maximum', 'semi', 'semis',
  'semi-continuous', 'sos', 'sos1', 'sos2', 'lazy', 'user', 'rhs', 'rng', 'bnd', 'marker',
]);

/** True when a name can be written as is in both LP and free MPS files. */
export function isSafeName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_NAME &&
    SAFE.test(name) &&
    !/^[eE][0-9]/.test(name) &&
    !RESERVED.has(name.toLowerCase())
  );
}

/** A legal, unique-by-index replacement for an unsafe name: cleaned text plus `~<index>`. */
export function renameUnsafe(name: string, index: number, prefix: string): string {
  let clean = name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, MAX_NAME);
  if (!/^[A-Za-z_]/.test(clean) || /^[eE][0-9]/.test(clean)) clean = `${prefix}_${clean}`;
  return `${clean}~${index}`;
}

/**
 * Builds the file names of a model. In 'model' mode the names are materialised once (an export
 * writes every name anyway) and checked for duplicates; in 'indexed' mode nothing is stored.
 */
export function buildExportNames(model: CompiledModel, mode: NameMode = 'model'): ExportNames {
  if (mode === 'indexed') {
    return { column: (j) => `x${j}`, row: (i) => `r${i}`, renamedColumns: 0, renamedRows: 0 };
  }
  const cols = legalNames(model.numColumns, (j) => model.columnName(j), 'c');
  const rows = legalNames(model.numRows, (i) => model.rowName(i), 'r');
  return {
    column: (j) => cols.names[j] as string,
    row: (i) => rows.names[i] as string,
    renamedColumns: cols.renamed,
    renamedRows: rows.renamed,
  };
}

function legalNames(n: number, nameOf: (i: number) => string, prefix: string): { names: string[]; renamed: number } {
  const names = new Array<string>(n);
  const seen = new Set<string>();
  let renamed = 0;
  for (let i = 0; i < n; i++) {
    const raw = nameOf(i);
    // a renamed name is unique by its index suffix; only kept names need the duplicate check
    const name = isSafeName(raw) && !seen.has(raw) ? raw : renameUnsafe(raw, i, prefix);
    if (name === raw) seen.add(name);
    else renamed++;
    names[i] = name;
  }
  return { names, renamed };
}

/** Formats a number exactly (shortest round-trip form) for LP/MPS files; never writes "-0". */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  return String(v);
}

/** Collects text lines and hands them out in chunks of roughly `limit` characters. */
export class ChunkBuffer {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly limit = 1 << 16) {}

  /** Appends a line (a newline is added). */
  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
  }

  /** True when a chunk is ready to be taken. */
  get full(): boolean {
    return this.size >= this.limit;
  }

  /** Takes everything collected so far as one string. */
  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return s;
  }
}

/** Writes text chunks to a file without holding the whole text in memory. */
export async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks), createWriteStream(path, { encoding: 'utf8' }));
}
