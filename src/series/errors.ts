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

/** Shortens user text quoted in a message so a binary file cannot flood the terminal. */
export function quote(text: string, max = 40): string {
  const clean = text.replace(/\p{Cc}/gu, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
