/**
 * Reads a series file synchronously (series are needed before anything else can run, and the
 * files are small), decompressing gzip. Paths are relative to the scenario's folder.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { seriesError, type SeriesWhere } from './errors.ts';

/** Reads `file` (relative to `baseDir`) as UTF-8 text, gunzipping `.gz` or gzip-magic files. */
export function readSeriesText(baseDir: string, file: string, where: SeriesWhere): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(baseDir, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
    throw seriesError(where, `series file "${file}" ${why}; paths are relative to the scenario file`, undefined, undefined, 'FILE_NOT_FOUND');
  }
  // Also sniff the gzip magic bytes: a renamed or re-saved download is often still compressed.
  const gzipped = file.toLowerCase().endsWith('.gz') || (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b);
  if (gzipped) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw seriesError(where, `"${file}" is not a valid gzip file (${(e as Error).message}); decompress it or remove the .gz ending`);
    }
  }
  return bytes.toString('utf8');
}
