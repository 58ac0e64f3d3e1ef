/**
 * Timestamp parsing for the formats found in real exports: ISO 8601 with `T` or a space,
 * with or without seconds, with `Z`, `+hh:mm`, `+hhmm` or no offset. A timestamp without an
 * offset is a wall-clock time in the zone the caller names.
 */
import { daysInMonth, utcFromFields } from './civil.ts';
import { wallClockToUtc, type Disambiguation } from './zone.ts';

/** Longest text read as a timestamp; longer text is not one (and would make the pattern slow). */
export const MAX_TIMESTAMP_LENGTH = 64;

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|z|UTC|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/;

/** Parsed pieces of a timestamp before time-zone resolution. */
export interface ParsedTimestamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Explicit offset in minutes, or undefined when the text had none. */
  offsetMinutes: number | undefined;
}

/** Splits a timestamp into fields; returns undefined when the text is not a timestamp. */
export function parseTimestampParts(text: string): ParsedTimestamp | undefined {
  if (typeof text !== 'string' || text.length > MAX_TIMESTAMP_LENGTH) return undefined;
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!;
  const hour = m[4] !== undefined ? +m[4] : 0;
  const minute = m[5] !== undefined ? +m[5] : 0;
  const second = m[6] !== undefined ? +m[6] : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined;
  if (hour === 24 && (minute !== 0 || second !== 0)) return undefined;
  // reject dates that roll over (2023-02-30)
  if (day > daysInMonth(year, month)) return undefined;
  let offsetMinutes: number | undefined;
  const z = m[7];
  if (z !== undefined) {
    if (z === 'Z' || z === 'z' || z === 'UTC') offsetMinutes = 0;
    else {
      const sign = z[0] === '-' ? -1 : 1;
      const digits = z.slice(1).replace(':', '');
      const hh = +digits.slice(0, 2);
      const mm = digits.length > 2 ? +digits.slice(2, 4) : 0;
      offsetMinutes = sign * (hh * 60 + mm);
    }
  }
  return { year, month, day, hour, minute, second, offsetMinutes };
}

/**
 * Parses a timestamp to UTC milliseconds. Text without an offset is read as wall-clock time in
 * `timeZone`. Returns NaN when the text is not a timestamp (or names a skipped local time and
 * `how` is 'reject').
 */
export function parseTimestamp(text: string, timeZone: string, how: Disambiguation = 'earlier'): number {
  const p = parseTimestampParts(text);
  if (!p) return NaN;
  if (p.offsetMinutes !== undefined) {
    return utcFromFields(p.year, p.month, p.day, p.hour, p.minute, p.second) - p.offsetMinutes * 60_000;
  }
  return wallClockToUtc(p, timeZone, how);
}

/** ISO 8601 in UTC without milliseconds, e.g. `2023-07-14T19:00:00Z`. */
export function formatUtcIso(utcMs: number): string {
  return new Date(utcMs).toISOString().replace('.000Z', 'Z');
}
