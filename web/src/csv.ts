/**
 * CSV tables of the API (DR statement lines and intervals, the flexibility envelope) as
 * records keyed by their header row, read with Papa Parse (as the CLI reads quoted series).
 */
import Papa from 'papaparse';

/** Reads CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into records keyed by the header row; values stay text. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, dynamicTyping: false });
  return parsed.data;
}
