import { describe, expect, it } from 'vitest';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { Market } from '../scenario/schema/market.ts';
import { marketDays, type MarketData } from './market-data.ts';
import { priceScenarios } from './price-scenarios.ts';
import { GENERIC } from './rules.ts';

/** Twenty UTC days from Monday 7 June 2021; day d's day-ahead price is 10·d all day, real time 1 above. */
function synthetic(missingDayAhead: number[] = []): MarketData {
  const grid: TimeGrid = { startMs: Date.UTC(2021, 5, 7), stepMinutes: 60, steps: 20 * 24, timeZone: 'UTC' };
  const dayAhead = Float64Array.from({ length: grid.steps }, (_, t) => 10 * Math.floor(t / 24));
  const realTime = dayAhead.map((x) => x + 1);
  const dayAheadKnown = Uint8Array.from({ length: grid.steps }, (_, t) => (missingDayAhead.includes(Math.floor(t / 24)) ? 0 : 1));
  const spec = Market.parse({ id: 'm', dayAhead: { constant: 0 }, realTime: { constant: 0 } });
  return {
    index: 0, spec, rules: GENERIC, timeZone: 'UTC', currency: 'USD', grid, offset: 0, calendar: calendarOf(grid, 'UTC'),
    dayAhead, dayAheadKnown, realTime, realTimeKnown: new Uint8Array(grid.steps).fill(1), reserves: [], siteIndices: [0],
    days: marketDays(grid, 'UTC'), reports: [],
  };
}

describe('similar-day price scenarios, worked by hand', () => {
  it('picks the days after the days most like yesterday (weekday/weekend mismatch doubles the distance), shifted to yesterday\'s level', () => {
    const md = synthetic();
    const day = md.days[19]!; // Saturday 26 June; yesterday (day 18) is at 180
    const s = priceScenarios(md, day, 3, 42);
    // candidates d ≤ 17, scored by |10·(d−1) − 180|: d = 17 (Thu) 20·2 = 40; d = 16 (Wed) 30·2 = 60;
    // d = 13 (Sun) 60·1 = 60, older than d = 16; d = 12 (Sat) 70; d = 15 (Tue) 80 …
    expect(s.analogues).toEqual(['2021-06-24', '2021-06-23', '2021-06-20']);
    expect(s.distance).toEqual([40, 60, 60]);
    expect(s.probability).toEqual([1 / 3, 1 / 3, 1 / 3]);
    // each analogue's prices moved by yesterday's level minus the level of the day before it:
    // 170 + (180 − 160) = 160 + (180 − 150) = 130 + (180 − 120) = 190
    for (const da of s.dayAhead) expect(Array.from(da)).toEqual(new Array(24).fill(190));
    for (const rt of s.realTime) expect(Array.from(rt)).toEqual(new Array(24).fill(191));
    expect(Array.from(s.forecast)).toEqual(new Array(24).fill(190));
    expect(s.method).toBe('similar-days');
  });

  it('matches against the latest published day when yesterday has no day-ahead prices, and says so', () => {
    const md = synthetic([18]);
    const s = priceScenarios(md, md.days[19]!, 3, 42);
    expect(s.notes[0]).toContain('scenarios are matched to 2021-06-24');
    // the level now comes from day 17 (170), compared with the day two before each candidate
    for (const da of s.dayAhead) expect(da[0]).toBe(190);
  });

  it('falls back to one persistence scenario with too little history', () => {
    const md = synthetic();
    const s = priceScenarios(md, md.days[2]!, 5, 42);
    expect(s.method).toBe('persistence');
    expect(s.probability).toEqual([1]);
    expect(s.dayAhead[0]![0]).toBe(10);
    expect(s.realTime[0]![0]).toBe(10);
  });

  it('refuses a day with no day-ahead history at all', () => {
    const md = synthetic([0, 1, 2]);
    expect(() => priceScenarios(md, md.days[2]!, 5, 42)).toThrow(/no complete day of day-ahead prices before 2021-06-09/);
  });
});
