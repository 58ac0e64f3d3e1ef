/**
 * Worked examples for every baseline method, computed by hand in the comments. The meter data
 * are synthetic: on local date 2024-01-DD the load is 100 + DD kW, plus 20 kW from noon on,
 * unless a test overrides the event day. 2024-01-01 (a Monday) is a holiday, 2024-01-10 an
 * earlier event day; weekends are 6/7, 13/14 and 20/21 January.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors/index.ts';
import { calendarOf, type TimeGrid } from '../../time/grid.ts';
import { meterSeries } from '../meter.ts';
import type { BaselineMethod, IntervalWindow, MeterSeries } from '../types.ts';
import { BASELINES, baselineOptions } from './index.ts';

const START = Date.UTC(2024, 0, 1);
const H = 3600_000;

interface Fixture {
  m: MeterSeries;
  /** Window of an event on 2024-01-DD from hour `from` (inclusive) to `to` (exclusive). */
  window(day: number, from: number, to: number): IntervalWindow;
}

function fixture(opts: { days?: number; stepMinutes?: 15 | 60; firstDay?: number; eventDays?: string[]; load?: (day: number, hour: number, minute: number) => number } = {}): Fixture {
  const stepMinutes = opts.stepMinutes ?? 60;
  const firstDay = opts.firstDay ?? 1;
  const days = opts.days ?? 21;
  const grid: TimeGrid = { startMs: START + (firstDay - 1) * 24 * H, stepMinutes, steps: (days * 24 * 60) / stepMinutes, timeZone: 'UTC' };
  const cal = calendarOf(grid, 'UTC');
  const load = opts.load ?? ((d, h) => 100 + d + (h >= 12 ? 20 : 0));
  const kw = new Float64Array(grid.steps);
  for (let i = 0; i < grid.steps; i++) kw[i] = load(cal.day[i]!, cal.hour[i]!, cal.minute[i]!);
  const m = meterSeries(kw, grid, cal, stepMinutes, { holidays: new Set(['2024-01-01']), extraWorkdays: new Set(), eventDays: new Set(opts.eventDays ?? ['2024-01-10']) });
  const per = 60 / stepMinutes;
  return {
    m,
    window: (day, from, to) => ({ start: ((day - firstDay) * 24 + from) * per, end: ((day - firstDay) * 24 + to) * per }),
  };
}

const run = (method: BaselineMethod, f: Fixture, w: IntervalWindow, extra: Record<string, unknown> = {}) =>
  BASELINES[method](f.m, w, baselineOptions({ method, ...extra }), { path: 'events[0]', site: 'test' });

describe('caiso-10-of-10', () => {
  // Event 2024-01-17 (Wed) 14:00–16:00. The 10 most recent eligible working days are
  // 16, 15, 12, 11, 9, 8, 5, 4, 3, 2 (13/14 and 6/7 are weekends, 10 an event day, 1 a holiday):
  // mean date 85 / 10 = 8.5, so the unadjusted baseline is 100 + 8.5 + 20 = 128.5 kW.
  it('averages the 10 most recent eligible days', () => {
    const f = fixture();
    const r = run('caiso-10-of-10', f, f.window(17, 14, 16), { adjustment: false });
    expect(r.daysUsed).toEqual(['2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11', '2024-01-09', '2024-01-08', '2024-01-05', '2024-01-04', '2024-01-03', '2024-01-02']);
    expect([...r.kw]).toEqual([128.5, 128.5]);
  });
  // Adjustment window: the 3 h ending 1 h before 14:00 = 10:00–13:00. Baseline there:
  // 108.5, 108.5, 128.5 → mean 115.1667. Event day set to 150, 150, 170 → mean 156.6667.
  // Ratio 1.3603 is capped at 1.2, so the baseline is 128.5 × 1.2 = 154.2 kW.
  it('caps the same-day adjustment at +20 %', () => {
    const f = fixture({ load: (d, h) => (d === 17 ? (h < 12 ? 150 : 170) : 100 + d + (h >= 12 ? 20 : 0)) });
    const r = run('caiso-10-of-10', f, f.window(17, 14, 16));
    expect(r.adjustment?.raw).toBeCloseTo(156.6667 / 115.1667, 4);
    expect(r.adjustment?.applied).toBe(1.2);
    expect(r.adjustment?.capped).toBe(true);
    expect(r.kw[0]).toBeCloseTo(154.2, 9);
    expect(r.referenceIntervals).toHaveLength(3);
  });
  // Event day 110 before noon, 130 after: window mean (110 + 110 + 130) / 3 = 116.6667;
  // ratio 116.6667 / 115.1667 = 1.013025 (under the cap); baseline 128.5 × 1.013025 = 130.1737.
  it('applies an uncapped adjustment as is', () => {
    const f = fixture({ load: (d, h) => (d === 17 ? (h < 12 ? 110 : 130) : 100 + d + (h >= 12 ? 20 : 0)) });
    const r = run('caiso-10-of-10', f, f.window(17, 14, 16));
    expect(r.adjustment?.capped).toBe(false);
    expect(r.kw[1]).toBeCloseTo(128.5 * (350 / 3 / (345.5 / 3)), 9);
  });
  // Weekend event (Sunday 2024-01-21): the 4 most recent non-working days 20, 14, 13, 7
  // (1 is a holiday but older than the 4th): mean date 13.5 → 133.5 kW.
  it('uses the 4 most recent non-working days for a weekend event', () => {
    const f = fixture({ days: 21 });
    const r = run('caiso-10-of-10', f, f.window(21, 14, 15), { adjustment: false });
    expect(r.daysUsed).toEqual(['2024-01-20', '2024-01-14', '2024-01-13', '2024-01-07']);
    expect(r.kw[0]).toBeCloseTo(133.5, 9);
  });
  it('says how many eligible days it found when history is short', () => {
    const f = fixture({ firstDay: 8, days: 10 });
    try {
      run('caiso-10-of-10', f, f.window(17, 14, 16));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('EVENT_INVALID');
      // 16, 15, 12, 11, 9, 8 are eligible (10 is an event day, 13/14 weekend)
      expect((e as InputError).message).toMatch(/needs 10 non-event working days .* found 6/);
      expect((e as InputError).location.path).toBe('events[0]');
    }
  });
});

describe('high-4-of-5', () => {
  // The 5 most recent eligible working days before 2024-01-17 are 16, 15, 12, 11, 9 (10 is an
  // event day). Ranked by load over 14:00–16:00 the 4 highest are 16, 15, 12, 11: mean date
  // 13.5 → 133.5 kW at 14:00. Adjustment window 10:00–13:00: baseline 113.5, 113.5, 133.5
  // (mean 120.1667); event day 130, 130, 150 (mean 136.6667); additive +16.5 → 150 kW.
  it('averages the 4 highest of the last 5 days and adds the same-day difference', () => {
    const f = fixture({ load: (d, h) => (d === 17 ? (h < 12 ? 130 : 150) : 100 + d + (h >= 12 ? 20 : 0)) });
    const r = run('high-4-of-5', f, f.window(17, 14, 16));
    expect(r.daysConsidered).toEqual(['2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11', '2024-01-09']);
    expect(r.daysUsed).toEqual(['2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11']);
    expect(r.adjustment?.applied).toBeCloseTo(16.5, 9);
    expect(r.kw[0]).toBeCloseTo(150, 9);
  });
});

describe('pjm-same-day-3-2', () => {
  // Event HE13–17 (12:00–17:00) on 2024-01-17, event-day load 10 × hour: the baseline averages
  // HE9–11 (hours 8, 9, 10: 80, 90, 100) and HE19–20 (hours 18, 19: 180, 190) = 640 / 5 = 128.
  it('reproduces the PJM worked example HE13–17 → HE9–11 and HE19–20', () => {
    const f = fixture({ load: (d, h) => (d === 17 ? 10 * h : 100) });
    const r = run('pjm-same-day-3-2', f, f.window(17, 12, 17));
    expect([...r.kw]).toEqual([128, 128, 128, 128, 128]);
    expect(r.referenceIntervals.map((i) => f.m.slot[i])).toEqual([8, 9, 10, 18, 19]);
  });
  it('needs 3 h after the event', () => {
    const f = fixture({ days: 17 });
    expect(() => run('pjm-same-day-3-2', f, f.window(17, 18, 22))).toThrow(/2 h of load starting 1 h after/);
  });
});

describe('beijing-top-5-of-10', () => {
  // Event on Friday 2024-01-19. Going back from 2 days before (the 17th): working days 17, 16,
  // 15, 12, 11, 9, 8, 5, 4, 3 (10 is an event day) are the 10. The 5 with the highest daily
  // energy are 17, 16, 15, 12, 11: mean date 14.2 → 114.2 + 20 = 134.2 kW at 14:00.
  it('averages the 5 highest of 10 working days starting 2 days back', () => {
    const f = fixture();
    const r = run('beijing-top-5-of-10', f, f.window(19, 14, 16));
    expect(r.daysConsidered).toEqual(['2024-01-17', '2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11', '2024-01-09', '2024-01-08', '2024-01-05', '2024-01-04', '2024-01-03']);
    expect(r.daysUsed).toEqual(['2024-01-17', '2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11']);
    expect(r.kw[0]).toBeCloseTo(134.2, 9);
  });
});

describe('jiangsu-5-working-days', () => {
  // Event 2024-01-17: the last 5 normal working days are 16, 15, 12, 11, 9 (10 is an event
  // day): mean date 12.6 → 112.6 kW before noon, 132.6 kW after.
  it('averages the last 5 normal working days', () => {
    const f = fixture();
    const r = run('jiangsu-5-working-days', f, f.window(17, 11, 13));
    expect(r.daysUsed).toEqual(['2024-01-16', '2024-01-15', '2024-01-12', '2024-01-11', '2024-01-09']);
    expect(r.kw[0]).toBeCloseTo(112.6, 9);
    expect(r.kw[1]).toBeCloseTo(132.6, 9);
  });
  it('treats a listed holiday as not a working day', () => {
    const f = fixture();
    // event on 2024-01-08 (Monday): working days 5, 4, 3, 2 and then only the holiday 1
    expect(() => run('jiangsu-5-working-days', f, f.window(8, 11, 13))).toThrow(/needs 5 normal working days .* found 4/);
  });
});

describe('jiangsu-15-min', () => {
  // 15-minute meter data; the interval 13:45–14:00 on the event day reads 333 kW, so the
  // baseline of an event from 14:00 is 333 kW throughout.
  it('holds the load of the 15 minutes before control', () => {
    const f = fixture({ stepMinutes: 15, days: 18, load: (d, h, mi) => (d === 17 && h === 13 && mi === 45 ? 333 : 100) });
    const r = run('jiangsu-15-min', f, f.window(17, 14, 16));
    expect(r.kw).toHaveLength(8);
    expect(r.kw.every((x) => x === 333)).toBe(true);
  });
  // With hourly data the 13:00–14:00 average stands in: 100 + 17 + 20 = 137 kW.
  it('uses the last interval when the meter is hourly', () => {
    const f = fixture();
    expect(run('jiangsu-15-min', f, f.window(17, 14, 16)).kw[0]).toBe(137);
  });
});

describe('meter-before', () => {
  // 15-minute data 15:00–16:00 read 200, 210, 220, 230 kW: the 1-hour pre-event baseline is 215 kW.
  it('averages the hour before the event', () => {
    const f = fixture({ stepMinutes: 15, days: 18, load: (d, h, mi) => (d === 17 && h === 15 ? 200 + (mi / 15) * 10 : 100) });
    const r = run('meter-before', f, f.window(17, 16, 19));
    expect(r.kw).toHaveLength(12);
    expect(r.kw[0]).toBe(215);
    expect(r.referenceIntervals).toHaveLength(4);
  });
  it('refuses an event at the start of the data', () => {
    const f = fixture({ days: 2 });
    expect(() => run('meter-before', f, f.window(1, 0, 2))).toThrow(InputError);
  });
});
