/**
 * Reading one value cell. Real exports mark missing data in many ways (empty, NA, N/A, null,
 * NaN, -); those become NaN and are counted, while anything else that is not a number is an
 * error, because silently reading "1,234" or "abc" as missing hides a broken file.
 */

const MISSING = new Set(['', 'na', 'n/a', '#n/a', 'null', 'nan', '-', 'none', 'nil']);

/** True when a cell's text means "no value". */
export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/**
 * Parses a numeric cell. Returns the number, NaN for a missing marker, or undefined when the
 * cell is neither (the caller reports it with its line and column). A decimal comma is
 * accepted when the file is not comma-separated (`12,5` in a `;` file).
 */
export function parseNumberCell(cell: string, delimiter: string): number | undefined {
  // Number() is the fast path; it accepts surrounding spaces but also "" and "0x1f",
  // which are handled below.
  const v = Number(cell);
  if (Number.isFinite(v)) {
    if (v === 0 && isMissingCell(cell)) return NaN;
    if (isHexLike(cell)) return undefined;
    return v;
  }
  if (isMissingCell(cell)) return NaN;
  if (delimiter !== ',' && /^\s*[-+]?\d+,\d+\s*$/.test(cell)) return Number(cell.replace(',', '.'));
  return undefined;
}

function isHexLike(cell: string): boolean {
  // Number() reads 0x.., 0o.., 0b..; a series file never means those.
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i) | 0x20;
    if (c === 0x78 /* x */ || c === 0x6f /* o */ || c === 0x62 /* b */) return true;
  }
  return false;
}
