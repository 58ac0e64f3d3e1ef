/**
 * When the intervals of an OpenADR 3.1 event (or report) are in force, as the User Guide reads
 * the schema: an interval's own `intervalPeriod` overrides the event's; an interval without a
 * start follows the previous interval (the first one starts at the event's start); a missing
 * duration is the event's; a start in year 0001 ("0001-01-01", the spec's "now") means the
 * moment the event is received (here: a given instant, e.g. its creation); a duration of P9999Y
 * means "until further notice" (no end); `randomizeStart` lets a client move the start later by up
 * to that much, so the latest end is start + randomizeStart + duration. Years and months are
 * calendar steps in UTC.
 */

/** An interval period as in the spec (all optional). */
export interface IntervalPeriodLike {
  start?: string;
  duration?: string;
  randomizeStart?: string;
}

/** What timing needs of an event. */
export interface TimedObject {
  intervalPeriod?: IntervalPeriodLike | null;
  intervals?: { id?: number; intervalPeriod?: IntervalPeriodLike | null }[] | null;
}

/** One interval resolved to instants (UTC ms). */
export interface ResolvedInterval {
  /** Index in `intervals`. */
  index: number;
  /** Start before randomisation, or null when no start is known. */
  startMs: number | null;
  /** End (start + duration) before randomisation; null when open-ended or unknown. */
  endMs: number | null;
  /** Largest delay a client may add to the start, ms (0 without randomizeStart). */
  randomizeMs: number;
  /** True when the start was the spec's "now" (0001-01-01). */
  startsNow: boolean;
}

const DURATION = /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** True for the spec's "now" start (any instant in year 0001). */
export function isNowStart(start: string): boolean {
  return /^0001-01-01/.test(start);
}

/** P9999Y: "infinity" in the User Guide. */
export function isInfiniteDuration(d: string): boolean {
  return /^P9999Y$/.test(d);
}

/**
 * `startMs` moved by an ISO 8601 duration (calendar years and months in UTC). Infinity for
 * P9999Y; NaN when the text is not a duration.
 */
export function addDuration(startMs: number, duration: string): number {
  if (isInfiniteDuration(duration)) return Infinity;
  const m = DURATION.exec(duration);
  if (!m) return NaN;
  const sign = m[1] ? -1 : 1;
  const d = new Date(startMs);
  if (m[2] !== undefined || m[3] !== undefined) {
    const months = sign * ((m[2] ? +m[2] * 12 : 0) + (m[3] ? +m[3] : 0));
    d.setUTCMonth(d.getUTCMonth() + months);
  }
  let ms = 0;
  if (m[4] !== undefined) ms += +m[4] * (m[5] === 'W' ? 7 : 1) * 86_400_000;
  if (m[6] !== undefined) ms += +m[6] * 3_600_000;
  if (m[7] !== undefined) ms += +m[7] * 60_000;
  if (m[8] !== undefined) ms += parseFloat(m[8]) * 1000;
  return d.getTime() + sign * ms;
}

/** Length of a duration from `atMs`, ms (Infinity for P9999Y, NaN for bad text). */
export function durationMs(duration: string, atMs = 0): number {
  const end = addDuration(atMs, duration);
  return end - atMs;
}

/**
 * Each interval of `obj` as instants. `nowMs` stands in for "now" starts (the instant the event
 * was received or created).
 */
export function resolveIntervals(obj: TimedObject, nowMs: number): ResolvedInterval[] {
  const def = obj.intervalPeriod ?? {};
  const intervals = obj.intervals && obj.intervals.length > 0 ? obj.intervals : [{ intervalPeriod: null }];
  const out: ResolvedInterval[] = [];
  let prevEnd: number | null = null;
  intervals.forEach((iv, index) => {
    const own = iv.intervalPeriod ?? {};
    const startText = own.start ?? (index === 0 ? def.start : undefined);
    const startsNow = startText !== undefined && isNowStart(startText);
    let startMs: number | null;
    if (startText !== undefined) startMs = startsNow ? nowMs : Date.parse(startText);
    else startMs = prevEnd ?? (def.start !== undefined ? (isNowStart(def.start) ? nowMs : Date.parse(def.start)) : null);
    if (startMs !== null && !Number.isFinite(startMs)) startMs = null;
    const dur = own.duration ?? def.duration;
    const rnd = own.randomizeStart ?? def.randomizeStart;
    const randomizeMs = rnd ? Math.max(0, durationMs(rnd)) : 0;
    let endMs: number | null = null;
    if (startMs !== null && dur !== undefined) {
      const e = addDuration(startMs, dur);
      endMs = Number.isFinite(e) ? e : null;
    }
    out.push({ index, startMs, endMs, randomizeMs: Number.isFinite(randomizeMs) ? randomizeMs : 0, startsNow });
    prevEnd = endMs;
  });
  return out;
}

/**
 * The latest instant any interval of `obj` can still be in force (randomisation included), or
 * null when that is open-ended or unknown (no start, no duration, P9999Y).
 */
export function latestEndMs(obj: TimedObject, nowMs: number): number | null {
  let latest = -Infinity;
  for (const iv of resolveIntervals(obj, nowMs)) {
    if (iv.endMs === null) return null;
    latest = Math.max(latest, iv.endMs + iv.randomizeMs);
  }
  return Number.isFinite(latest) ? latest : null;
}
