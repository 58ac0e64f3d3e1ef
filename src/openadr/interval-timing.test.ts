/** Interval timing of OpenADR events, worked by hand. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDuration, latestEndMs, resolveIntervals } from './interval-timing.ts';

const T = Date.parse('2026-07-01T16:00:00Z');
const H = 3600_000;
const iv = (id: number, period?: Record<string, string>) => ({ id, ...(period ? { intervalPeriod: period } : {}) });

describe('interval timing', () => {
  it('intervals without their own period follow each other from the event\'s start, with its duration', () => {
    const r = resolveIntervals({ intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'PT1H' }, intervals: [iv(0), iv(1), iv(2)] }, 0);
    expect(r.map((x) => [(x.startMs! - T) / H, (x.endMs! - T) / H])).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
  it('an interval\'s own period overrides the event\'s (start, duration or both)', () => {
    const r = resolveIntervals({ intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'PT1H' }, intervals: [iv(0), iv(1, { duration: 'PT30M' }), iv(2, { start: '2026-07-01T20:00:00Z' }), iv(3)] }, 0);
    expect(r.map((x) => [(x.startMs! - T) / H, (x.endMs! - T) / H])).toEqual([[0, 1], [1, 1.5], [4, 5], [5, 6]]);
    expect(latestEndMs({ intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'PT1H' }, intervals: [iv(0), iv(1, { duration: 'PT30M' })] }, 0)).toBe(T + 1.5 * H);
  });
  it('"now" starts at the given instant; P9999Y never ends; randomizeStart delays the latest end', () => {
    const now = T + 123_000;
    const r = resolveIntervals({ intervalPeriod: { start: '0001-01-01T00:00:00Z', duration: 'PT2H', randomizeStart: 'PT15M' }, intervals: [iv(0)] }, now);
    expect(r[0]).toEqual({ index: 0, startMs: now, endMs: now + 2 * H, randomizeMs: 15 * 60_000, startsNow: true });
    expect(latestEndMs({ intervalPeriod: { start: '0001-01-01T00:00:00Z', duration: 'PT2H', randomizeStart: 'PT15M' } }, now)).toBe(now + 2.25 * H);
    expect(latestEndMs({ intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'P9999Y' } }, 0)).toBeNull();
    expect(latestEndMs({ intervals: [iv(0)] }, 0)).toBeNull();
  });
  it('years and months are calendar steps in UTC; weeks and fractional seconds are exact', () => {
    expect(new Date(addDuration(Date.parse('2024-01-31T00:00:00Z'), 'P1M')).toISOString()).toBe('2024-03-02T00:00:00.000Z');
    expect(new Date(addDuration(Date.parse('2024-02-29T12:00:00Z'), 'P1Y')).toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(addDuration(0, 'P2W')).toBe(14 * 24 * H);
    expect(addDuration(0, 'PT0.5S')).toBe(500);
    expect(addDuration(0, '-PT1H')).toBe(-H);
    expect(addDuration(0, 'one hour')).toBeNaN();
  });
  it('consecutive intervals tile the event: the latest end is start + n × duration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 240 }), (n, minutes) => {
        const obj = { intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: `PT${minutes}M` }, intervals: Array.from({ length: n }, (_, i) => iv(i)) };
        const r = resolveIntervals(obj, 0);
        for (let i = 1; i < n; i++) if (r[i]!.startMs !== r[i - 1]!.endMs) return false;
        return latestEndMs(obj, 0) === T + n * minutes * 60_000;
      }),
      { numRuns: 100 },
    );
  });
});
