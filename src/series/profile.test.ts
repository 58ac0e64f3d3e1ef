import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import type { TimeGrid } from '../time/grid.ts';
import { loadSeries } from './load.ts';

const base = { baseDir: '.', name: 'workloads[0].demandTokensPerSecond', defaultTimeZone: 'UTC' };

describe('constant series', () => {
  const grid: TimeGrid = { startMs: Date.UTC(2023, 0, 1), stepMinutes: 60, steps: 3, timeZone: 'UTC' };

  it('fills every step, converting the unit', () => {
    const s = loadSeries({ constant: 2, unit: 'MW' }, { ...base, grid, quantity: 'power' });
    expect(Array.from(s.values)).toEqual([2000, 2000, 2000]);
    expect(s.report).toMatchObject({ unitFrom: 'MW', unitTo: 'kW', gapSteps: 0, resample: 'none' });
  });

  it('uses the canonical unit (and the scenario currency) when no unit is given', () => {
    const s = loadSeries({ constant: 55 }, { ...base, grid, quantity: 'price', currency: 'CNY' });
    expect(Array.from(s.values)).toEqual([55, 55, 55]);
    expect(s.currency).toBe('CNY');
    expect(s.report.unitTo).toBe('CNY/MWh');
  });

  it('refuses an energy unit, which has no interval', () => {
    expect(() => loadSeries({ constant: 1, unit: 'kWh' }, { ...base, grid, quantity: 'power' })).toThrow(InputError);
  });
});

describe('daily profile', () => {
  // 2023-01-06 is a Friday; a 72-hour UTC grid from Friday 00:00 in Asia/Shanghai (+8) = Thursday 16:00Z
  const grid: TimeGrid = { startMs: Date.UTC(2023, 0, 5, 16), stepMinutes: 60, steps: 72, timeZone: 'Asia/Shanghai' };
  const hours = Array.from({ length: 24 }, (_, h) => h);

  it('follows local hours, with the weekend factor on Saturday and Sunday, then scale', () => {
    const s = loadSeries({ dailyProfile: hours, weekendFactor: 0.5, scale: 2 }, { ...base, grid, quantity: 'tokensPerSecond', localTimeZone: 'Asia/Shanghai' });
    // Friday 00:00 local → value 0; Friday 13:00 local → 13 × 2 = 26; Saturday 13:00 → 13 × 0.5 × 2 = 13
    expect(s.values[0]).toBe(0);
    expect(s.values[13]).toBe(26);
    expect(s.values[24 + 13]).toBe(13);
    expect(s.values[48 + 23]).toBe(23);
    expect(s.values.length).toBe(72);
  });

  it('96 quarter-hour values average into hourly steps; 24 hourly values hold over quarter hours', () => {
    const q = Array.from({ length: 96 }, (_, i) => i);
    const hourly = loadSeries({ dailyProfile: q }, { ...base, grid: { ...grid, steps: 2 }, quantity: 'dimensionless', localTimeZone: 'Asia/Shanghai' });
    // hour 0 = mean(0,1,2,3) = 1.5; hour 1 = mean(4..7) = 5.5
    expect(Array.from(hourly.values)).toEqual([1.5, 5.5]);
    const quarter = loadSeries({ dailyProfile: hours }, { ...base, grid: { ...grid, stepMinutes: 15, steps: 8 }, quantity: 'dimensionless', localTimeZone: 'Asia/Shanghai' });
    expect(Array.from(quarter.values)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('follows local time across a DST change (Europe/Berlin, 2023-03-26 has 23 hours)', () => {
    const g: TimeGrid = { startMs: Date.UTC(2023, 2, 25, 23), stepMinutes: 60, steps: 23, timeZone: 'Europe/Berlin' };
    const s = loadSeries({ dailyProfile: hours, unit: '1' }, { ...base, grid: g, quantity: 'dimensionless', defaultTimeZone: 'Europe/Berlin' });
    expect(Array.from(s.values)).toEqual([0, 1, ...Array.from({ length: 21 }, (_, k) => k + 3)]);
  });

  it('converts hourly energy values into average power', () => {
    const s = loadSeries({ dailyProfile: Array(24).fill(1), unit: 'MWh' }, { ...base, grid: { ...grid, steps: 1 }, quantity: 'power' });
    expect(s.values[0]).toBe(1000);
  });
});
