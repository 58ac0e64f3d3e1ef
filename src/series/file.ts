/**
 * Reads a series file synchronously (series are needed before anything else can run),
 * decompressing gzip. Paths are relative to the scenario's folder. Only regular files are read,
 * within the input size cap (src/files/input-file.ts) and, when one is given, a path policy.
 */
import { InputFileError, readInputText, type PathPolicy } from '../files/input-file.ts';
import { seriesError, type SeriesWhere } from './errors.ts';

/** Reads `file` (relative to `baseDir`) as UTF-8 text, gunzipping `.gz` or gzip-magic files. */
export function readSeriesText(baseDir: string, file: string, where: SeriesWhere, policy?: PathPolicy): string {
  try {
    return readInputText(file, { baseDir, policy });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    const hint = e.notFound ? '; paths are relative to the scenario file' : '';
    throw seriesError(where, `series file "${file}" ${e.message}${hint}`, undefined, undefined, e.notFound ? 'FILE_NOT_FOUND' : 'SERIES_INVALID');
  }
}
