import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarOf, type TimeGrid } from './grid.ts';
import { parseTimestamp } from './parse.ts';
import { ZoneOffsets, offsetMinutesAt, wallClockToUtc, isValidTimeZone } from './zone.ts';

describe('time zones', () => {
  it('knows Berlin is UTC+1 in winter and UTC+2 in summer', () => {
    expect(offsetMinutesAt('Europe/Berlin', Date.UTC(2023, 0, 15, 12))).toBe(60);
    expect(offsetMinutesAt('Europe/Berlin', Date.UTC(2023, 6, 15, 12))).toBe(120);
    expect(offsetMinutesAt('Asia/Shanghai', Date.UTC(2014, 6, 1))).toBe(480);
    expect(offsetMinutesAt('America/Phoenix', Date.UTC(2025, 4, 3, 20))).toBe(-420);
  });

  it('resolves the repeated autumn hour to the earlier or later instant', () => {
    // 2023-10-29 02:30 happens twice in Berlin: at 00:30Z (CEST) and 01:30Z (CET)
    const w = { year: 2023, month: 10, day: 29, hour: 2, minute: 30 };
    expect(wallClockToUtc(w, 'Europe/Berlin', 'earlier')).toBe(Date.UTC(2023, 9, 29, 0, 30));
    expect(wallClockToUtc(w, 'Europe/Berlin', 'later')).toBe(Date.UTC(2023, 9, 29, 1, 30));
  });

  it('rejects or shifts the skipped spring hour', () => {
    const w = { year: 2023, month: 3, day: 26, hour: 2, minute: 30 };
    expect(wallClockToUtc(w, 'Europe/Berlin', 'reject')).toBeNaN();
    // read with the pre-jump offset (+1): 01:30Z, which is 03:30 CEST
    expect(wallClockToUtc(w, 'Europe/Berlin', 'earlier')).toBe(Date.UTC(2023, 2, 26, 1, 30));
  });

  it('parses timestamps with and without offsets', () => {
    expect(parseTimestamp('2023-01-01 00:00:00+00:00', 'UTC')).toBe(Date.UTC(2023, 0, 1));
    expect(parseTimestamp('2022-12-31 18:00:00-06:00', 'UTC')).toBe(Date.UTC(2023, 0, 1));
    expect(parseTimestamp('2023-01-01T00:00', 'America/Chicago')).toBe(Date.UTC(2023, 0, 1, 6));
    expect(parseTimestamp('2023-07-14T19:00Z', 'Asia/Tokyo')).toBe(Date.UTC(2023, 6, 14, 19));
    expect(parseTimestamp('2023-02-30T00:00', 'UTC')).toBeNaN();
    expect(parseTimestamp('yesterday', 'UTC')).toBeNaN();
    expect(parseTimestamp('2023-01-01T25:00', 'UTC')).toBeNaN();
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('ZoneOffsets agrees with a direct lookup at every instant (property)', () => {
    const zones = ['Europe/Berlin', 'America/Chicago', 'Australia/Sydney', 'Asia/Kolkata', 'America/Phoenix', 'UTC'];
    const from = Date.UTC(2022, 0, 1);
    const to = Date.UTC(2025, 0, 1);
    const tables = new Map(zones.map((z) => [z, new ZoneOffsets(z, from, to)]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: from, max: to }), (z, t) => {
        expect(tables.get(z)!.at(t)).toBe(offsetMinutesAt(z, t));
      }),
      { numRuns: 500 },
    );
  });
});

describe('calendar of a grid', () => {
  it('has 23 hourly steps on the spring DST day and 25 on the autumn day (Berlin)', () => {
    const grid: TimeGrid = { startMs: Date.UTC(2022, 11, 31, 23), stepMinutes: 60, steps: 8760, timeZone: 'Europe/Berlin' };
    const cal = calendarOf(grid);
    const count = (key: string) => cal.dayIndex.filter((d) => cal.dayKeys[d] === key).length;
    expect(count('2023-03-26')).toBe(23);
    expect(count('2023-10-29')).toBe(25);
    expect(count('2023-07-01')).toBe(24);
    expect(cal.dayKeys.length).toBe(365);
    expect(cal.monthKeys).toHaveLength(12);
    // the autumn day repeats local hour 2
    const hours = [...cal.hour].filter((_, i) => cal.dayKeys[cal.dayIndex[i]!] === '2023-10-29');
    expect(hours.slice(0, 5)).toEqual([0, 1, 2, 2, 3]);
  });

  it('reads weekdays in local time', () => {
    const grid: TimeGrid = { startMs: Date.UTC(2023, 0, 1, 6), stepMinutes: 60, steps: 48, timeZone: 'America/Chicago' };
    const cal = calendarOf(grid);
    expect(cal.weekday[0]).toBe(0); // Sunday 2023-01-01 00:00 local
    expect(cal.hour[0]).toBe(0);
    expect(cal.weekday[24]).toBe(1);
  });
});
