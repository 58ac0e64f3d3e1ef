import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/input-error.ts';
import type { TimeGrid } from '../time/grid.ts';
import { loadSeries, readRawSeries } from './load.ts';
import { readEiaLmp } from './read-eia-lmp.ts';

const DATA = fileURLToPath(new URL('../../examples/data/markets-two-settlement/US-TEX-ERCO/', import.meta.url));
const where = { file: 'x.csv', path: 'markets[0].dayAhead' };
const TITLE = 'ERCOT Hourly Day-Ahead Locational Marginal Prices ($/megawatt) for Hubs\nHourly day-ahead locational marginal prices for ERCOT\nSource: EIA collected from ERCOT\n';
const HEADER = 'UTC Timestamp (Interval Ending),Local Timestamp Central Time (Interval Beginning),Local Timestamp Central Time (Interval Ending),Local Date,Hour Number,North LMP,West LMP\n';

describe('eia-lmp (EIA wholesale hub prices)', () => {
  it('moves interval-ending UTC stamps to interval starts (hourly)', () => {
    const text = `${TITLE}${HEADER}2021-01-01 07:00:00,2021-01-01 00:00:00,2021-01-01 01:00:00,2021-01-01,1,18.17,18.21\n2021-01-01 08:00:00,2021-01-01 01:00:00,2021-01-01 02:00:00,2021-01-01,2,17.54,17.59\n2021-01-01 09:00:00,2021-01-01 02:00:00,2021-01-01 03:00:00,2021-01-01,3,17.0,17.1\n`;
    const raw = readEiaLmp(text, 'North LMP', where);
    expect(Array.from(raw.times)).toEqual([Date.UTC(2021, 0, 1, 6), Date.UTC(2021, 0, 1, 7), Date.UTC(2021, 0, 1, 8)]);
    expect(Array.from(raw.values)).toEqual([18.17, 17.54, 17.0]);
    expect(raw.unit).toBe('USD/MWh');
    expect(raw.lines[0]).toBe(5); // line numbers are the file's (3 title lines, header on line 4)
    expect(Array.from(readEiaLmp(text, 'HB_WEST', where).values)).toEqual([18.21, 17.59, 17.1]);
  });

  it('moves 15-minute stamps back by 15 minutes (real-time file of the Uri quarter)', () => {
    const ctx = { baseDir: DATA, name: 'markets[0].realTime', defaultTimeZone: 'UTC' };
    const raw = readRawSeries({ file: 'ercot_lmp_rt_15min_north_2021Q1.csv.gz', format: 'eia-lmp', column: 'HB_NORTH' }, ctx);
    expect(raw.times[0]).toBe(Date.UTC(2021, 0, 1, 6, 0)); // first row ends 06:15 UTC
    expect(raw.times[1]! - raw.times[0]!).toBe(15 * 60_000);
    // Winter Storm Uri: real-time prices near the 9,000 USD/MWh cap on 16 Feb 2021
    const grid: TimeGrid = { startMs: Date.UTC(2021, 1, 16, 6), stepMinutes: 60, steps: 24, timeZone: 'America/Chicago' };
    const s = loadSeries({ file: 'ercot_lmp_rt_15min_north_2021Q1.csv.gz', format: 'eia-lmp', column: 'North LMP' }, { ...ctx, grid, quantity: 'price', currency: 'USD' });
    expect(Math.max(...s.values)).toBeGreaterThan(8000);
    expect(s.report.sourceStepMinutes).toBe(15);
    expect(s.report.resample).toBe('mean');
  });

  it('names the file, line and valid columns when something is wrong', () => {
    expect(thrown(() => readEiaLmp('time,price\n2021-01-01,1\n', 'North LMP', where)).message).toContain('UTC Timestamp (Interval Ending)');
    const e = thrown(() => readEiaLmp(`${TITLE}${HEADER}2021-01-01 07:00:00,a,b,c,1,18.17,1\n`, 'Dallas LMP', where));
    expect(e.message).toContain('"North LMP"');
    expect(e.message).toContain('HB_NORTH');
    expect(e.location.line).toBe(4);
    const bad = thrown(() => readEiaLmp(`${TITLE}${HEADER}2021-01-01 07:00:00,a,b,c,1,x18,1\n`, 'North LMP', where));
    expect(bad.location).toMatchObject({ file: 'x.csv', line: 5, column: 6 });
  });
});
