/**
 * Fast timestamp labels. Series files hold tens of thousands of timestamps and the general
 * regex parser in `src/time/parse.ts` is the slow part of reading them, so the fixed shapes real
 * exports use (`YYYY-MM-DD HH:MM:SS+00:00`, `YYYY-MM-DDTHH:MM`, with optional seconds, fraction
 * and `Z`/`±HH:MM`/`±HHMM`/`±HH` offset) are parsed by hand; anything else falls back to the
 * general parser, so both accept the same texts.
 *
 * A label is parsed to "naive" milliseconds (the wall-clock fields read as if they were UTC)
 * plus the explicit offset when the text has one; turning naive wall-clock times into
 * instants is the job of `local-time.ts`.
 */
import { daysFromCivil, daysInMonth, isLeapYear } from '../time/civil.ts';
import { parseTimestampParts } from '../time/parse.ts';

/** Output slot of `parseLabel`, reused across calls to avoid allocating per row. */
export interface Label {
  /** Wall-clock fields as UTC epoch ms (after any year shift). */
  naiveMs: number;
  /** Explicit UTC offset in minutes, or NaN when the text has none. */
  offsetMin: number;
}

/** parseLabel result: the label was read into the output slot. */
export const LABEL_OK = 0;
/** parseLabel result: the text is not a timestamp (or names an impossible date). */
export const LABEL_INVALID = 1;
/** Feb 29 shifted into a year without one: the row is dropped. */
export const LABEL_DROPPED = 2;

export { daysFromCivil, daysInMonth, isLeapYear };

/**
 * Builds naive ms from fields, shifting by whole years first (month, day and time are kept).
 * Returns NaN for invalid fields and -Infinity when Feb 29 lands in a non-leap year.
 */
export function naiveFromFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  shiftYears: number,
): number {
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 24 || minute < 0 || minute > 59 || second < 0 || second >= 61) return NaN;
  if (hour === 24 && (minute !== 0 || second !== 0)) return NaN;
  if (day > daysInMonth(year, month)) return NaN;
  const y = year + shiftYears;
  if (shiftYears !== 0 && month === 2 && day === 29 && !isLeapYear(y)) return -Infinity;
  return daysFromCivil(y, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000; // poisons any sum it enters
}

function two(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * Parses a timestamp label into `out`. Returns LABEL_OK, LABEL_INVALID, or LABEL_DROPPED
 * (Feb 29 shifted into a non-leap year).
 */
export function parseLabel(s: string, shiftYears: number, out: Label): number {
  const n = s.length;
  let year: number, month: number, day: number, hour: number, minute: number, second = 0;
  let offset = NaN;
  fast: if (n >= 16 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58) {
    const sep = s.charCodeAt(10);
    if (sep !== 84 && sep !== 32) break fast; // 'T' or ' '
    year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    month = two(s, 5);
    day = two(s, 8);
    hour = two(s, 11);
    minute = two(s, 14);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) break fast;
    let i = 16;
    if (i < n && s.charCodeAt(i) === 58) {
      second = two(s, i + 1);
      if (second < 0) break fast;
      i += 3;
      if (i < n && s.charCodeAt(i) === 46) {
        // fraction of a second: skip digits
        i++;
        const from = i;
        while (i < n && digit(s, i) >= 0) i++;
        if (i === from) break fast;
      }
    }
    if (i < n) {
      const c = s.charCodeAt(i);
      if ((c === 90 || c === 122) && i + 1 === n) offset = 0; // Z
      else if (c === 43 || c === 45) {
        const sign = c === 45 ? -1 : 1;
        const rest = n - i - 1;
        let hh: number, mm: number;
        if (rest === 5 && s.charCodeAt(i + 3) === 58) { hh = two(s, i + 1); mm = two(s, i + 4); }
        else if (rest === 4) { hh = two(s, i + 1); mm = two(s, i + 3); }
        else if (rest === 2) { hh = two(s, i + 1); mm = 0; }
        else break fast;
        if (hh < 0 || mm < 0) break fast;
        offset = sign * (hh * 60 + mm);
      } else break fast;
    }
    const naive = naiveFromFields(year, month, day, hour, minute, second, shiftYears);
    return finish(naive, offset, out);
  }
  const p = parseTimestampParts(s);
  if (!p) return LABEL_INVALID;
  const naive = naiveFromFields(p.year, p.month, p.day, p.hour, p.minute, p.second, shiftYears);
  return finish(naive, p.offsetMinutes ?? NaN, out);
}

function finish(naive: number, offset: number, out: Label): number {
  if (naive === -Infinity) return LABEL_DROPPED;
  if (Number.isNaN(naive) || Math.abs(offset) > 18 * 60) return LABEL_INVALID;
  out.naiveMs = naive;
  out.offsetMin = offset;
  return LABEL_OK;
}

/** Example formats quoted in error messages about timestamps. */
export const TIMESTAMP_EXAMPLES = '2023-07-14T19:00, 2023-07-14 19:00:00 or 2023-07-14T19:00:00+02:00';
