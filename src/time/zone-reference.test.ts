/**
 * Our time-zone arithmetic (offsets read once per transition from the platform's Intl data, wall
 * clock ↔ UTC, local calendars) against luxon as a reference, over every DST change from 2000 to
 * 2040 in every zone the examples and the generated benchmark fleets use, and at random instants.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { calendarOf, type TimeGrid } from './grid.ts';
import { utcToWallClock, wallClockToUtc, ZoneOffsets } from './zone.ts';

const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2041, 0, 1);
const MIN = 60_000;

/** Every zone named by an example scenario or by the generated fleets of the benchmarks. */
function shippedZones(): string[] {
  const texts = [
    ...readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8')),
    readFileSync(new URL('../../bench/fleet.ts', import.meta.url), 'utf8'),
  ];
  const zones = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/(?:timeZone:|tz:)\s*'?(UTC|[A-Z][A-Za-z_]+\/[A-Za-z_]+)'?/g)) zones.add(m[1]!);
  return [...zones].sort();
}

/** Luxon's offset of `zone` at `ms`, minutes. */
const ref = (zone: IANAZone, ms: number) => zone.offset(ms);

/** Luxon's transitions of a zone in [FROM, TO): instants from which a new offset applies. */
function transitions(zone: IANAZone): number[] {
  const out: number[] = [];
  const day = 86_400_000;
  // changes are months apart: a weekly scan finds each, bisection pins it to the minute
  const week = 7 * day;
  for (let t = FROM; t < TO; t += week) {
    if (ref(zone, t) === ref(zone, t + week)) continue;
    let lo = t, hi = t + week;
    while (hi - lo > MIN) {
      const mid = lo + Math.floor((hi - lo) / (2 * MIN)) * MIN;
      if (ref(zone, mid) === ref(zone, t)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

const ZONES = shippedZones();
/** Our offsets over the whole range, built once per zone (about 60,000 Intl look-ups each). */
const OURS = new Map<string, ZoneOffsets>();
const oursFor = (name: string) => OURS.get(name) ?? OURS.set(name, new ZoneOffsets(name, FROM, TO)).get(name)!;

describe('time zones against luxon, 2000–2040', () => {
  it('covers the zones we ship', () => {
    expect(ZONES).toEqual(expect.arrayContaining(['America/Chicago', 'America/Los_Angeles', 'America/New_York', 'America/Phoenix', 'Asia/Shanghai', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/Berlin', 'UTC']));
  });

  for (const name of ZONES) {
    it(`${name}: offsets, wall clock and the local calendar agree at every DST change`, () => {
      const zone = IANAZone.create(name);
      expect(zone.isValid).toBe(true);
      const ours = oursFor(name);
      const changes = transitions(zone);
      if (['America/Chicago', 'America/Los_Angeles', 'America/New_York', 'Europe/Berlin'].includes(name)) expect(changes.length).toBe(82); // two a year
      if (['America/Phoenix', 'Asia/Tokyo', 'Asia/Shanghai', 'Asia/Singapore', 'UTC'].includes(name)) expect(changes.length).toBe(0);
      for (const t of changes) {
        for (const at of [t - MIN, t, t + MIN, t - 3_600_000, t + 3_600_000]) {
          const off = ours.at(at);
          expect(off, `${name} at ${new Date(at).toISOString()}`).toBe(ref(zone, at));
          const w = utcToWallClock(at, off);
          const d = DateTime.fromMillis(at, { zone });
          expect([w.year, w.month, w.day, w.hour, w.minute, w.weekday]).toEqual([d.year, d.month, d.day, d.hour, d.minute, d.weekday % 7]);
        }
        // local times around the change: skipped ones (spring) and repeated ones (autumn)
        const before = ref(zone, t - MIN);
        const after = ref(zone, t);
        for (const k of [-75, -45, -15, 15, 45, 75]) {
          const wall = DateTime.fromMillis(t + k * MIN, { zone: 'UTC' }).plus({ minutes: after });
          const fields = { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute };
          const naive = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute);
          const candidates = [naive - before * MIN, naive - after * MIN].filter((u) => ref(zone, u) === (naive - u) / MIN);
          const earlier = wallClockToUtc(fields, name, 'earlier');
          const later = wallClockToUtc(fields, name, 'later');
          if (candidates.length === 0) {
            // skipped: refused, or read with the offset before the jump
            expect(wallClockToUtc(fields, name, 'reject')).toBeNaN();
            expect(earlier).toBe(naive - before * MIN);
          } else {
            expect(earlier).toBe(Math.min(...candidates));
            expect(later).toBe(Math.max(...candidates));
            // luxon reads an existing local time to one of the same instants
            expect(candidates).toContain(DateTime.fromObject(fields, { zone }).toMillis());
          }
        }
      }
      // a local calendar across a year with its changes, hour by hour
      const year = 2000 + (name.length * 7) % 41;
      const grid: TimeGrid = { startMs: Date.UTC(year, 0, 1), stepMinutes: 60, steps: 8784, timeZone: name };
      const cal = calendarOf(grid);
      for (let i = 0; i < grid.steps; i += 7) {
        const d = DateTime.fromMillis(grid.startMs + i * 3_600_000, { zone });
        expect([cal.hour[i], cal.day[i], cal.month[i], cal.weekday[i], cal.offsetMinutes[i]]).toEqual([d.hour, d.day, d.month, d.weekday % 7, d.offset]);
      }
    });
  }

  it('agrees at random instants and random local times (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM / MIN, max: TO / MIN - 1 }), (name, minute) => {
        const at = minute * MIN;
        const zone = IANAZone.create(name);
        expect(oursFor(name).at(at)).toBe(ref(zone, at));
        const d = DateTime.fromMillis(at, { zone });
        // an unambiguous local time reads back to the same instant
        const fields = { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute };
        const u = wallClockToUtc(fields, name, 'earlier');
        const v = wallClockToUtc(fields, name, 'later');
        expect(u === at || v === at, `${name} ${d.toISO()} → ${new Date(u).toISOString()} / ${new Date(v).toISOString()}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
