/**
 * Error helpers for the series readers. Every problem with a series file becomes an
 * InputError that names the file (as the scenario wrote it) and the scenario path, so the CLI
 * can print `prices.csv:12:3 (at sites[0].series.price): …` and exit with code 2.
 */
import { InputError, type InputErrorCode } from '../errors/index.ts';

/** Where a series comes from: the file as written in the scenario and the scenario path. */
export interface SeriesWhere {
  /** File name as written in the scenario (relative to the scenario), when there is a file. */
  file?: string;
  /** JSON path of the series reference, e.g. `sites[0].series.price`. */
  path: string;
}

/** Builds an InputError located in a series file (line and column are 1-based). */
export function seriesError(
  where: SeriesWhere,
  message: string,
  line?: number,
  column?: number,
  code: InputErrorCode = 'SERIES_INVALID',
  details: string[] = [],
): InputError {
  return new InputError(code, message, { file: where.file, line, column, path: where.path }, details);
}

/** Shows at most `max` items of a list, with a count of the rest. */
export function listSome(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).map((s) => `"${s}"`).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * Shortens user text quoted in a message so a binary file cannot flood the terminal or hide
 * text behind control and direction characters.
 */
export function quote(text: string, max = 40): string {
  const clean = text.slice(0, max + 1).replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return text.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Longest header cell a message lists; longer ones mean the file is not a table. */
const MAX_HEADER_CELL = 64;

/**
 * The columns of a header row for a message, or, when the first line does not look like a
 * header (over-long fields, control characters: a file the format does not recognise), only its
 * shape: never whole lines of such a file.
 */
export function describeHeader(header: readonly string[]): string {
  const looksLikeHeader = header.length <= 1000 && header.every((h) => h.length <= MAX_HEADER_CELL && !/[\p{Cc}\p{Cf}]/u.test(h));
  if (looksLikeHeader) return `columns ${listSome(header.map((h) => quote(h)))}`;
  return `a first line that is not a header row (${header.length} field${header.length === 1 ? '' : 's'}, with over-long fields or control characters): is this the right file and format?`;
}

/** A JSON.parse error without the excerpt of the text V8 puts in it. */
export function jsonSyntaxMessage(e: unknown): string {
  const m = /position (\d+)/.exec((e as Error)?.message ?? '');
  if (m) return `invalid JSON at character ${Number(m[1]) + 1}`;
  return /end of JSON input/.test((e as Error)?.message ?? '') ? 'the JSON ends too early' : 'invalid JSON';
}
