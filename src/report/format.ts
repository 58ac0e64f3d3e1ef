/**
 * Number and text formatting shared by the CSV writers and the HTML report. The CSV
 * formatter avoids `toFixed` and template strings per cell because a fleet-year ledger has
 * tens of millions of cells; it uses lookup tables for the fractional digits instead.
 */

const fracTables = new Map<number, string[]>();

/** Fractional suffixes (".5", ".25", "") for 0 … 10^decimals − 1, trailing zeros stripped. */
function fracTable(decimals: number): string[] {
  let table = fracTables.get(decimals);
  if (table) return table;
  const n = 10 ** decimals;
  table = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    if (i === 0) {
      table[i] = '';
      continue;
    }
    let s = String(i).padStart(decimals, '0');
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    s = s.slice(0, end);
    table[i] = '.' + s;
  }
  fracTables.set(decimals, table);
  return table;
}

/** Formats a number for CSV: rounded half away from zero to `decimals`, no exponent, no trailing zeros, "" for NaN/±∞. */
export type CsvNumber = (x: number) => string;

/** Makes a fast fixed-decimals CSV number formatter (0–4 decimals). */
export function csvNumber(decimals: number): CsvNumber {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 4) throw new RangeError(`csvNumber: decimals must be 0–4, got ${decimals}`);
  const scale = 10 ** decimals;
  const table = fracTable(decimals);
  // beyond this the scaled value loses integer precision; fall back to the slow, exact path
  const limit = Number.MAX_SAFE_INTEGER / scale;
  return (x: number): string => {
    if (x === 0) return '0';
    if (!(x > -limit && x < limit)) {
      if (!Number.isFinite(x)) return '';
      return plainNumber(x, decimals);
    }
    // round half away from zero so that -x prints as "-" + x
    const n = x < 0 ? -Math.round(-x * scale) : Math.round(x * scale);
    if (n === 0) return '0';
    if (n < 0) {
      const m = -n;
      const i = Math.floor(m / scale);
      return '-' + i + table[m - i * scale]!;
    }
    const i = Math.floor(n / scale);
    return i + table[n - i * scale]!;
  };
}

/** A finite number of any size without exponent notation. */
function plainNumber(x: number, decimals: number): string {
  // toLocaleString never uses exponents; 'en-US' without grouping gives plain digits
  return x.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: decimals });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Formats a number for people: thousands separators, at most `decimals` fraction digits; "—" for null/NaN. */
export function formatNumber(x: number | null | undefined, decimals = 2, minDecimals = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const key = `${decimals}:${minDecimals}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: Math.min(minDecimals, decimals) });
    numberFormats.set(key, f);
  }
  const s = f.format(x);
  // "-0" reads as a sign error in a table
  return s === '-0' ? '0' : s;
}

/** Formats a number with `digits` significant figures (at least integer precision), for values of unknown size. */
export function formatSignificant(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, Math.min(12, digits - 1 - magnitude));
  return formatNumber(x, decimals);
}

/** Formats a fraction (0–1) as a percentage with `decimals` digits, e.g. 0.6123 → "61.2 %". */
export function formatPercent(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${formatNumber(x * 100, decimals, decimals)} %`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Quotes a CSV field when it contains a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A currency code safe inside a column name, e.g. "USD"; anything else becomes "CUR". */
export function currencyTag(currency: string): string {
  const t = currency.replace(/[^A-Za-z0-9]/g, '');
  return t.length > 0 ? t : 'CUR';
}

const COUNT_SCALES: Array<[number, string]> = [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];

/**
 * A word scale for large counts so tables stay narrow: the largest of thousand … trillion
 * that keeps `maxAbs` at or above 1 in that unit, e.g. 1.2e15 → { factor: 1e12, word: "trillion" }.
 */
export function countScale(maxAbs: number): { factor: number; word: string } {
  for (const [factor, word] of COUNT_SCALES) if (maxAbs >= factor * 10) return { factor, word };
  return { factor: 1, word: '' };
}
