/**
 * Turns parsed labels into UTC instants. Labels with an explicit offset are exact. Labels
 * without one are wall-clock times in a zone, which around daylight-saving changes are not
 * one-to-one:
 * - autumn: one hour of labels occurs twice. A file of local times then lists the repeated
 *   hour twice (a 25-hour day). We read an ambiguous label as the earlier instant, unless the
 *   previous row already reached that instant, in which case it is the repeat and we take the
 *   later one. So a complete 25-row day maps to 25 distinct instants.
 * - spring: one hour of labels never occurs. A row with such a label cannot be placed; it is
 *   dropped and counted (`nonexistentLocalTimes`).
 * Files listed newest first get the mirrored rule.
 */
import { ZoneOffsets } from '../time/zone.ts';

const HOUR = 3_600_000;
const YEAR_MS = 365.2425 * 86_400_000;

/** True when a zone name means plain UTC, so no zone lookups are needed. */
export function isUtcZone(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT' || zone === 'Etc/GMT' || zone === 'Z';
}

/**
 * Offsets of a zone, built lazily one calendar year at a time, so that a file spanning a few
 * days costs a few lookups and one with a stray far-off year costs one extra year.
 */
class ZoneCache {
  private readonly years = new Map<number, ZoneOffsets>();
  constructor(private readonly zone: string) {}

  at(utcMs: number): number {
    const y = Math.floor(utcMs / YEAR_MS);
    let z = this.years.get(y);
    if (!z) {
      // two days of margin on each side keep lookups near the year boundary inside the range;
      // the range starts on a whole hour because ZoneOffsets bisects transitions in whole
      // minutes from its start (an unaligned start would place them at odd seconds)
      const from = Math.floor((y * YEAR_MS - 2 * 86_400_000) / HOUR) * HOUR;
      z = new ZoneOffsets(this.zone, from, (y + 1) * YEAR_MS + 2 * 86_400_000);
      this.years.set(y, z);
    }
    return z.at(utcMs);
  }
}

/**
 * One cache per zone for the whole process: zone rules do not change while we run, and the
 * same files are re-read for every run of a sweep.
 */
const zoneCaches = new Map<string, ZoneCache>();

function zoneCache(zone: string): ZoneCache {
  let c = zoneCaches.get(zone);
  if (!c) {
    if (zoneCaches.size > 64) zoneCaches.clear(); // bound memory when fed many zones
    c = new ZoneCache(zone);
    zoneCaches.set(zone, c);
  }
  return c;
}

/** Result of resolving labels: instants, and which rows were kept. */
export interface ResolvedTimes {
  /** UTC ms per row; NaN for rows dropped as nonexistent local times. */
  times: Float64Array;
  /** Rows dropped because their local time does not exist. */
  nonexistent: number;
}

/**
 * Resolves labels (`naive` wall-clock ms and `offsetMin`, NaN when absent) to UTC instants in
 * file order. Rows with a nonexistent local time get NaN.
 */
export function resolveLabels(naive: Float64Array, offsetMin: Float64Array, zone: string, count = naive.length): ResolvedTimes {
  const times = new Float64Array(count);
  let nonexistent = 0;
  const utc = isUtcZone(zone);
  let cache: ZoneCache | undefined;
  // direction of the file, from its first and last wall-clock labels
  const descending = count > 1 && (naive[count - 1] as number) < (naive[0] as number);
  let prev = NaN;
  for (let i = 0; i < count; i++) {
    const w = naive[i] as number;
    const off = offsetMin[i] as number;
    let t: number;
    if (!Number.isNaN(off)) t = w - off * 60_000;
    else if (utc) t = w;
    else {
      cache ??= zoneCache(zone);
      const o1 = cache.at(w - 14 * HOUR);
      const o2 = cache.at(w + 14 * HOUR);
      const c1 = w - o1 * 60_000;
      const ok1 = cache.at(c1) === o1;
      if (o1 === o2) t = ok1 ? c1 : NaN;
      else {
        const c2 = w - o2 * 60_000;
        const ok2 = cache.at(c2) === o2;
        if (ok1 && ok2) {
          const early = Math.min(c1, c2);
          const late = Math.max(c1, c2);
          if (!descending) t = !Number.isNaN(prev) && prev >= early ? late : early;
          else t = !Number.isNaN(prev) && prev <= late ? early : late;
        } else if (ok1) t = c1;
        else if (ok2) t = c2;
        else t = NaN;
      }
      if (Number.isNaN(t)) nonexistent++;
    }
    times[i] = t;
    if (!Number.isNaN(t)) prev = t;
  }
  return { times, nonexistent };
}
