import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { alignSeries } from './align.ts';
import { loadSeries } from './load.ts';
import { readCsvSeries } from './read-csv.ts';
import { thrown } from '../../test/helpers/input-error.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/series/', import.meta.url));
const where = { file: 'test.csv', path: 'sites[0].series.price' };


describe('generic CSV across daylight-saving changes (Europe/Berlin)', () => {
  // The fixture holds 2023-03-26 (no 02:00 label: 23 rows) and 2023-10-29 (02:00 twice: 25
  // rows). Each row's value is its position in the day, so on a UTC hourly grid starting at
  // local midnight, step k must hold value k.
  const ctx = (startMs: number, steps: number) => ({
    baseDir: FIXTURES,
    grid: { startMs, stepMinutes: 60, steps, timeZone: 'UTC' } satisfies TimeGrid,
    quantity: 'price' as const,
    name: 'sites[0].series.price',
    defaultTimeZone: 'Europe/Berlin',
  });
  const ref = { file: 'berlin-dst-2023.csv', format: 'csv' as const, valueColumn: 'price_eur_mwh', unit: 'EUR/MWh', maxGapHours: 0 };

  it('spring day: 23 rows land on 23 distinct UTC hours with no gaps', () => {
    // local midnight 2023-03-26 is 23:00Z on the 25th (CET, +1)
    const s = loadSeries(ref, ctx(Date.UTC(2023, 2, 25, 23), 23));
    expect(Array.from(s.values)).toEqual(Array.from({ length: 23 }, (_, k) => k));
    // by hand: "01:00" CET = 00:00Z (value 1); "03:00" CEST = 01:00Z (value 2); "23:00" CEST = 21:00Z (value 22)
    expect(s.values[1]).toBe(1);
    expect(s.values[2]).toBe(2);
    expect(s.values[22]).toBe(22);
    expect(s.report).toMatchObject({ gapSteps: 0, duplicates: 0, nonexistentLocalTimes: 0, samplesInHorizon: 23, sourceStepMinutes: 60 });
    expect(s.currency).toBe('EUR');
  });

  it('autumn day: the repeated 02:00 label maps to 00:00Z then 01:00Z (25 distinct hours)', () => {
    // local midnight 2023-10-29 is 22:00Z on the 28th (CEST, +2)
    const s = loadSeries(ref, ctx(Date.UTC(2023, 9, 28, 22), 25));
    expect(Array.from(s.values)).toEqual(Array.from({ length: 25 }, (_, k) => k));
    // by hand: first "02:00" (CEST) = 00:00Z is step 2 (value 2); second "02:00" (CET) = 01:00Z is step 3 (value 3)
    expect(s.values[2]).toBe(2);
    expect(s.values[3]).toBe(3);
    expect(s.report).toMatchObject({ gapSteps: 0, duplicates: 0, samplesInHorizon: 25 });
  });

  it('reads the file newest-first just as well', () => {
    const text = readFileSync(`${FIXTURES}berlin-dst-2023.csv`, 'utf8').trim().split('\n');
    const reversed = [text[0], ...text.slice(1).reverse()].join('\n');
    const raw = readCsvSeries(reversed, { valueColumn: 'price_eur_mwh', unit: 'EUR/MWh', timeZone: 'Europe/Berlin' }, where);
    const s = alignSeries(raw, {
      grid: { startMs: Date.UTC(2023, 9, 28, 22), stepMinutes: 60, steps: 25, timeZone: 'UTC' },
      quantity: 'price', where, fill: 'error', maxGapHours: 0,
    });
    expect(Array.from(s.values)).toEqual(Array.from({ length: 25 }, (_, k) => k));
  });

  it('drops and counts a label that does not exist (02:30 on the spring day)', () => {
    const raw = readCsvSeries('t,v\n2023-03-26 01:00,1\n2023-03-26 02:30,99\n2023-03-26 03:00,3\n', { valueColumn: 'v', unit: 'EUR/MWh', timeZone: 'Europe/Berlin' }, where);
    expect(raw.nonexistentLocalTimes).toBe(1);
    expect(Array.from(raw.times)).toEqual([Date.UTC(2023, 2, 26, 0), Date.UTC(2023, 2, 26, 1)]);
    expect(Array.from(raw.lines)).toEqual([2, 4]);
  });

  it('uses explicit offsets as they are, whatever the zone', () => {
    const raw = readCsvSeries('t,v\n2023-10-29T02:00:00+02:00,1\n2023-10-29T02:00:00+01:00,2\n2023-10-29T01:00Z,3\n', { valueColumn: 'v', unit: 'EUR/MWh', timeZone: 'America/Chicago' }, where);
    expect(Array.from(raw.times)).toEqual([Date.UTC(2023, 9, 29, 0), Date.UTC(2023, 9, 29, 1), Date.UTC(2023, 9, 29, 1)]);
  });
});

describe('generic CSV syntax', () => {
  it('reads BOM, CRLF, semicolons, quotes, decimal commas and missing markers', () => {
    const text = readFileSync(`${FIXTURES}semicolon-quoted.csv`, 'utf8');
    const raw = readCsvSeries(text, { timeColumn: 'Zeit', valueColumn: 'Preis (EUR/MWh)', unit: 'EUR/MWh', timeZone: 'UTC' }, where);
    expect(Array.from(raw.values)).toEqual([85.5, NaN, 90, NaN]);
    expect(Array.from(raw.times)).toEqual([0, 1, 2, 3].map((h) => Date.UTC(2023, 0, 2, h)));
    // blank line 4 is skipped, so the rows are on lines 2, 3, 5, 6
    expect(Array.from(raw.lines)).toEqual([2, 3, 5, 6]);
  });

  it('honours an explicit delimiter and a named time column', () => {
    const raw = readCsvSeries('a|t|v\nx|2023-01-01 00:00|5\n', { timeColumn: 't', valueColumn: 'v', unit: 'kW', timeZone: 'UTC', delimiter: '|' }, where);
    expect(Array.from(raw.values)).toEqual([5]);
  });

  it('reads tab-separated files and matches headers loosely', () => {
    const raw = readCsvSeries('Time\tLoad KW\n2023-01-01 00:00\t7\n', { valueColumn: 'load kw', unit: 'kW', timeZone: 'UTC' }, where);
    expect(Array.from(raw.values)).toEqual([7]);
  });

  it('reports a non-numeric value with file, line and column', () => {
    const e = thrown(() => readCsvSeries('time,price\n2023-01-01 00:00,1\n2023-01-01 01:00,abc\n', { valueColumn: 'price', unit: 'USD/MWh', timeZone: 'UTC' }, where));
    expect(e.code).toBe('SERIES_INVALID');
    expect(e.location).toMatchObject({ file: 'test.csv', line: 3, column: 2 });
    expect(e.message).toBe('value "abc" in column "price" is not a number');
    expect(e.format()).toMatch(/^test\.csv:3:2 \(at sites\[0\]\.series\.price\): value "abc"/);
  });

  it('reports a bad timestamp with line, column and an example', () => {
    const e = thrown(() => readCsvSeries('price,time\n1,2023-02-30 00:00\n', { timeColumn: 'time', valueColumn: 'price', unit: 'USD/MWh', timeZone: 'UTC' }, where));
    expect(e.location).toMatchObject({ line: 2, column: 2 });
    expect(e.message).toContain('"2023-02-30 00:00"');
    expect(e.message).toContain('2023-07-14T19:00');
  });

  it('lists the columns that exist when one is missing', () => {
    const e = thrown(() => readCsvSeries('time,price\n2023-01-01 00:00,1\n', { valueColumn: 'cost', unit: 'USD/MWh', timeZone: 'UTC' }, where));
    expect(e.message).toContain('value column "cost" not found');
    expect(e.message).toContain('"time", "price"');
    expect(e.location.line).toBe(1);
  });

  it('refuses empty and header-only files', () => {
    expect(thrown(() => readCsvSeries('', { valueColumn: 'v', unit: 'kW', timeZone: 'UTC' }, where)).message).toContain('empty');
    expect(thrown(() => readCsvSeries('\n  \n', { valueColumn: 'v', unit: 'kW', timeZone: 'UTC' }, where)).message).toContain('empty');
    expect(thrown(() => readCsvSeries('t,v\n', { valueColumn: 'v', unit: 'kW', timeZone: 'UTC' }, where)).message).toContain('no data rows');
  });

  it('refuses a short row and an unclosed quote', () => {
    expect(thrown(() => readCsvSeries('t,v\n2023-01-01 00:00\n', { valueColumn: 'v', unit: 'kW', timeZone: 'UTC' }, where)).location.line).toBe(2);
    expect(thrown(() => readCsvSeries('t,v\n"2023-01-01 00:00,1\n', { valueColumn: 'v', unit: 'kW', timeZone: 'UTC' }, where)).message).toContain('never closed');
  });

  it('shifts whole years and drops Feb 29 in a non-leap target year', () => {
    const text = 't,v\n2024-02-28 00:00,1\n2024-02-29 00:00,2\n2024-03-01 00:00,3\n';
    const raw = readCsvSeries(text, { valueColumn: 'v', unit: 'kW', timeZone: 'UTC', shiftYears: -1 }, where);
    expect(Array.from(raw.times)).toEqual([Date.UTC(2023, 1, 28), Date.UTC(2023, 2, 1)]);
    expect(Array.from(raw.values)).toEqual([1, 3]);
    expect(raw.shiftDropped).toBe(1);
  });

  it('shifts wall-clock labels keeping the local hour', () => {
    // 2022-07-01 12:00 in Berlin is 10:00Z; shifted to 2023 it is still 12:00 local = 10:00Z
    const raw = readCsvSeries('t,v\n2022-07-01 12:00,1\n', { valueColumn: 'v', unit: 'kW', timeZone: 'Europe/Berlin', shiftYears: 1 }, where);
    expect(raw.times[0]).toBe(Date.UTC(2023, 6, 1, 10));
  });
});

describe('loadSeries on files', () => {
  it('names the file when it does not exist', () => {
    const e = thrown(() =>
      loadSeries(
        { file: 'nope.csv', format: 'csv', valueColumn: 'v', unit: 'kW' },
        { baseDir: FIXTURES, grid: { startMs: 0, stepMinutes: 60, steps: 1, timeZone: 'UTC' }, quantity: 'power', name: 'x', defaultTimeZone: 'UTC' },
      ),
    );
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.format()).toContain('nope.csv');
  });

  it('refuses an unknown time zone and names the file', () => {
    const e = thrown(() =>
      loadSeries(
        { file: 'berlin-dst-2023.csv', format: 'csv', valueColumn: 'price_eur_mwh', unit: 'EUR/MWh', timeZone: 'Mars/Olympus' },
        { baseDir: FIXTURES, grid: { startMs: 0, stepMinutes: 60, steps: 1, timeZone: 'UTC' }, quantity: 'price', name: 'x', defaultTimeZone: 'UTC' },
      ),
    );
    expect(e.code).toBe('TIME_INVALID');
    expect(e.format()).toContain('berlin-dst-2023.csv');
    expect(e.location.path).toBe('x.timeZone');
  });

  it('names the file range and the horizon when no sample falls inside it', () => {
    const e = thrown(() =>
      loadSeries(
        { file: 'berlin-dst-2023.csv', format: 'csv', valueColumn: 'price_eur_mwh', unit: 'EUR/MWh' },
        { baseDir: FIXTURES, grid: { startMs: Date.UTC(2025, 0, 1), stepMinutes: 60, steps: 24, timeZone: 'UTC' }, quantity: 'price', name: 'x', defaultTimeZone: 'Europe/Berlin' },
      ),
    );
    expect(e.message).toContain('file covers 2023-03-25T23:00:00Z to 2023-10-29T23:00:00Z');
    expect(e.message).toContain('horizon is 2025-01-01T00:00:00+00:00');
  });

  it('refuses prices in another currency than the scenario', () => {
    const e = thrown(() =>
      loadSeries(
        { file: 'berlin-dst-2023.csv', format: 'csv', valueColumn: 'price_eur_mwh', unit: 'EUR/MWh' },
        { baseDir: FIXTURES, grid: { startMs: Date.UTC(2023, 2, 26), stepMinutes: 60, steps: 1, timeZone: 'UTC' }, quantity: 'price', name: 'x', currency: 'CNY', defaultTimeZone: 'Europe/Berlin' },
      ),
    );
    expect(e.message).toContain("scenario's currency is CNY");
    expect(e.message).toContain('in EUR');
  });
});
