/**
 * A small CSV tokenizer for series files: header row, `,` `;` or tab separators (detected from
 * the header), quoted fields with doubled quotes, BOM and CRLF tolerated, blank lines skipped.
 * Files without any quote character take a fast path (plain `split`), which is what real
 * exports almost always are.
 */
import { describeHeader, seriesError, type SeriesWhere } from './errors.ts';

/** A parsed CSV file: header cells, data rows and the 1-based line each row starts on. */
export interface CsvTable {
  header: string[];
  /** 1-based line of the header. */
  headerLine: number;
  rows: string[][];
  /** 1-based line where each row starts. */
  lines: Int32Array;
  delimiter: string;
}

const CANDIDATES = [',', ';', '\t'] as const;

/** Picks the separator that occurs most often (outside quotes) in the header line; `,` on ties. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of CANDIDATES) {
    let count = 0;
    let inQuotes = false;
    for (let i = 0; i < headerLine.length; i++) {
      const c = headerLine[i];
      if (c === '"') inQuotes = !inQuotes;
      else if (!inQuotes && c === d) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Tokenizes CSV text. Throws an InputError for an empty file, a file with only a header, or an unclosed quote. */
export function parseCsv(text: string, where: SeriesWhere, delimiter?: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const table = text.includes('"') ? parseQuoted(text, where, delimiter) : parsePlain(text, delimiter);
  if (!table) throw seriesError(where, 'the file is empty; expected a header row and data rows');
  if (table.rows.length === 0) {
    throw seriesError(where, `the file has a header but no data rows (it has ${describeHeader(table.header)})`, table.headerLine);
  }
  return table;
}

function parsePlain(text: string, delimiter: string | undefined): CsvTable | undefined {
  const all = text.split('\n');
  let i = 0;
  while (i < all.length && isBlank(all[i] as string)) i++;
  if (i >= all.length) return undefined;
  const headerText = stripCr(all[i] as string);
  const delim = delimiter ?? detectDelimiter(headerText);
  const header = headerText.split(delim).map((h) => h.trim());
  const headerLine = i + 1;
  const rows: string[][] = [];
  const lines = new Int32Array(all.length);
  let n = 0;
  for (i++; i < all.length; i++) {
    const line = all[i] as string;
    if (isBlank(line)) continue;
    rows.push(stripCr(line).split(delim));
    lines[n++] = i + 1;
  }
  return { header, headerLine, rows, lines: lines.slice(0, n), delimiter: delim };
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Character-level state machine for files that contain quotes (fields may span lines). */
function parseQuoted(text: string, where: SeriesWhere, delimiter: string | undefined): CsvTable | undefined {
  let delim = delimiter;
  if (delim === undefined) {
    // the first non-blank line is enough to detect the separator
    const lines = text.split('\n');
    const first = lines.find((l) => !isBlank(l));
    if (first === undefined) return undefined;
    delim = detectDelimiter(first);
  }
  const rows: string[][] = [];
  const starts: number[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowStart = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let fieldTouched = false;
  const n = text.length;
  const endRow = (): void => {
    row.push(field);
    // a row with one empty field is a blank line
    if (!(row.length === 1 && isBlank(row[0] as string))) {
      rows.push(row);
      starts.push(rowStart);
    }
    row = [];
    field = '';
    fieldTouched = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldTouched) {
      inQuotes = true;
      quoteLine = line;
      fieldTouched = true;
    } else if (c === delim) {
      row.push(field);
      field = '';
      fieldTouched = false;
    } else if (c === '\n') {
      endRow();
      line++;
      rowStart = line;
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the row
    } else {
      field += c;
      if (c !== ' ' && c !== '\t') fieldTouched = true;
    }
  }
  if (inQuotes) throw seriesError(where, 'a quoted field is never closed (missing ")', quoteLine);
  if (field !== '' || row.length > 0) endRow();
  if (rows.length === 0) return undefined;
  const header = (rows[0] as string[]).map((h) => h.trim());
  return { header, headerLine: starts[0] as number, rows: rows.slice(1), lines: Int32Array.from(starts.slice(1)), delimiter: delim };
}

/** Index of a header cell: exact match first, then case- and space-insensitive; -1 when absent. */
export function findColumn(header: readonly string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const want = looseKey(name);
  return header.findIndex((h) => looseKey(h) === want);
}

/** Normalises a header for loose matching: lower case, CO₂ → co2, no spaces or quotes. */
export function looseKey(s: string): string {
  return s.toLowerCase().replace(/₂/g, '2').replace(/[\s"']+/g, '');
}
