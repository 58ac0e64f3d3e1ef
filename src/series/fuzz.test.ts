/**
 * Property tests: malformed series files of many kinds must each end in an InputError that
 * names the file (never a TypeError or RangeError), and valid random series must align to
 * finite values on every grid step.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeriesRefInput } from './schema.ts';
import { InputError } from '../errors/index.ts';
import type { TimeGrid } from '../time/grid.ts';
import { parseTimestamp } from '../time/parse.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { parseNumberCell } from './cells.ts';
import { loadSeries, loadWeather, type WeatherRefInput } from './load.ts';
import { unitConversion } from './units.ts';
import type { Quantity } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-series-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(content: string | Uint8Array, ext = 'csv'): string {
  const name = `case-${++counter}.${ext}`;
  writeFileSync(join(dir, name), content);
  return name;
}

const H = 3_600_000;
const START = Date.UTC(2023, 4, 1);
const GRID: TimeGrid = { startMs: START, stepMinutes: 60, steps: 48, timeZone: 'UTC' };
const ctx = (quantity: Quantity = 'price', grid: TimeGrid = GRID) => ({
  baseDir: dir, grid, quantity, name: 'sites[0].series.x', defaultTimeZone: 'UTC',
});

let malformed = 0;
/** Runs `fn` and checks that it throws an InputError whose formatted text names `file`. */
function expectInputError(fn: () => unknown, file: string): void {
  malformed++;
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof InputError)) {
    throw new Error(`expected an InputError for ${file}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
  expect(err.format()).toContain(file);
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
/** A valid hourly CSV body: `time,value` rows covering the grid. */
function rows(n: number, values: (i: number) => string = (i) => String(i)): string[] {
  return Array.from({ length: n }, (_, i) => `${iso(START + i * H)},${values(i)}`);
}
const csv = (lines: string[], header = 'time,value') => [header, ...lines].join('\n') + '\n';
const ref = (file: string, more: Partial<Extract<SeriesRefInput, { format: 'csv' }>> = {}): SeriesRefInput => ({
  file, format: 'csv', valueColumn: 'value', unit: 'USD/MWh', ...more,
});

// cells that must not parse as numbers nor as missing markers
const badNumber = fc.oneof(
  fc.constantFrom('abc', '1.2.3', '0x1F', 'Infinity', '-Infinity', '1e999', '12abc', '--5', 'TRUE', '∞', '1 2', '١٢', '5%', '$5'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[,\n\r";\t]/.test(s) && parseNumberCell(s, ',') === undefined),
);
// time cells that are not timestamps (including impossible dates)
const badTime = fc.oneof(
  fc.constantFrom('2023-02-30 00:00', '2023-13-01 00:00', '2023-04-31 10:00', '2023-01-01 25:00', '2023/01/01 00:00',
    '01.02.2023 10:00', 'yesterday', '', '2023-01-01T10:00+25:00', '1672531200', '2023-00-10 00:00', '2023-01-01 12:60', '2023-02-29T01:00'),
  fc.string({ minLength: 0, maxLength: 20 }).filter((s) => !/[,\n\r"]/.test(s) && Number.isNaN(parseTimestamp(s, 'UTC'))),
);
const nRows = fc.integer({ min: 2, max: 60 });

describe('malformed series files always end in an InputError naming the file', () => {
  it('non-numeric value cells', () => {
    fc.assert(fc.property(nRows, fc.nat(), badNumber, (n, k, bad) => {
      const file = write(csv(rows(n, (i) => (i === k % n ? bad : String(i)))));
      expectInputError(() => loadSeries(ref(file), ctx()), file);
    }), { numRuns: 120 });
  });

  it('bad or impossible timestamps', () => {
    fc.assert(fc.property(nRows, fc.nat(), badTime, fc.constantFrom('UTC', 'Europe/Berlin', 'America/Chicago'), (n, k, bad, tz) => {
      const lines = rows(n).map((l, i) => (i === k % n ? `${bad},${i}` : l));
      const file = write(csv(lines));
      expectInputError(() => loadSeries(ref(file, { timeZone: tz }), ctx()), file);
    }), { numRuns: 120 });
  });

  it('duplicates and a gap longer than maxGapHours', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.nat(47), { maxLength: 6 }), fc.constantFrom('linear', 'previous', 'zero'),
      (gapStart, maxGap, dups, fill) => {
        const all = rows(48);
        const kept = all.filter((_, i) => i < gapStart || i >= gapStart + maxGap + 1);
        // duplicates of kept rows only (re-adding a removed row would shorten the gap)
        for (const d of dups) if (d < gapStart || d >= gapStart + maxGap + 1) kept.push(all[d] as string);
        const file = write(csv(kept));
        expectInputError(() => loadSeries(ref(file, { maxGapHours: maxGap, fill }), ctx()), file);
      }), { numRuns: 100 });
  });

  it('missing columns', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/[,\n\r";\t]/.test(s) && s.trim() !== '' && !['time', 'value'].includes(s.trim().toLowerCase())), fc.boolean(), (name, asTime) => {
      const file = write(csv(rows(5)));
      expectInputError(() => loadSeries(ref(file, asTime ? { timeColumn: name } : { valueColumn: name }), ctx()), file);
    }), { numRuns: 80 });
  });

  it('empty, blank and header-only files', () => {
    const contents = fc.oneof(
      fc.constantFrom('', '\n', '\n\n\n', '   ', '\ufeff', '\r\n\r\n', 'time,value', 'time,value\n', 'time,value\r\n\r\n', '"time","value"\n'),
      fc.string({ maxLength: 30 }).map((h) => `${h.replace(/[\n\r]/g, '')}\n`),
    );
    fc.assert(fc.property(contents, fc.boolean(), (text, gz) => {
      const file = write(gz ? gzipSync(text) : text, gz ? 'csv.gz' : 'csv');
      expectInputError(() => loadSeries(ref(file), ctx()), file);
    }), { numRuns: 80 });
  });

  it('short rows and unclosed quotes', () => {
    fc.assert(fc.property(nRows, fc.nat(), fc.boolean(), (n, k, quote) => {
      const lines = rows(n).map((l, i) => (i === k % n ? (quote ? `"${l}` : (l.split(',')[0] as string)) : l));
      const file = write(csv(lines));
      expectInputError(() => loadSeries(ref(file), ctx()), file);
    }), { numRuns: 80 });
  });

  it('bad units for the quantity', () => {
    const quantities: Quantity[] = ['price', 'carbonIntensity', 'share', 'temperature', 'windSpeed', 'power', 'tokensPerSecond'];
    const unit = fc.oneof(fc.constantFrom('MW', 'USD', 'kg', 'degrees', '%%', 'm/h', 'EURO/MWh', 'USD/MW', 'kWh/kW', 'gCO2', 'K/s'), fc.string({ maxLength: 10 }));
    fc.assert(fc.property(fc.constantFrom(...quantities), unit, (q, u) => {
      let accepted = true;
      try {
        unitConversion(u, q, { path: 'p' });
      } catch {
        accepted = false;
      }
      fc.pre(!accepted);
      const file = write(csv(rows(48)));
      expectInputError(() => loadSeries(ref(file, { unit: u }), ctx(q)), file);
    }), { numRuns: 100 });
  });

  it('prices in another currency than the scenario', () => {
    fc.assert(fc.property(fc.constantFrom('USD', 'EUR', 'JPY'), fc.constantFrom('CNY', 'GBP', 'SGD'), (fileCur, scenarioCur) => {
      const file = write(csv(rows(48)));
      expectInputError(() => loadSeries(ref(file, { unit: `${fileCur}/MWh` }), { ...ctx('price'), currency: scenarioCur }), file);
    }), { numRuns: 30 });
  });

  it('bad time zones', () => {
    const zone = fc.oneof(fc.constantFrom('Mars/Olympus', 'Europe/Berlinn', 'UTC+8', 'CET+1', '', ' ', 'Asia/', 'America/New York'), fc.string({ maxLength: 15 }));
    fc.assert(fc.property(zone, fc.boolean(), (tz, weather) => {
      fc.pre(!isValidTimeZone(tz));
      if (weather) {
        const file = write('No,year,month,day,hour,DEWP,TEMP,cbwd,Iws\n1,2023,5,1,0,1,2,NW,1\n');
        expectInputError(() => loadWeather({ file, format: 'uci-prsa', timeZone: tz }, ctx()), file);
      } else {
        const file = write(csv(rows(48)));
        expectInputError(() => loadSeries(ref(file, { timeZone: tz }), ctx()), file);
      }
    }), { numRuns: 80 });
  });

  it('data outside the horizon, and gaps under fill "error"', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }).filter((d) => d < -60 || d > 48), fc.nat(46), (shiftH, hole) => {
      const far = csv(Array.from({ length: 10 }, (_, i) => `${iso(START + (shiftH + i) * H)},${i}`));
      const f1 = write(far);
      expectInputError(() => loadSeries(ref(f1, { maxGapHours: 1e6 }), ctx()), f1);
      const f2 = write(csv(rows(48).filter((_, i) => i !== hole)));
      expectInputError(() => loadSeries(ref(f2, { fill: 'error' }), ctx()), f2);
    }), { numRuns: 40 });
  });

  it('every value missing', () => {
    fc.assert(fc.property(nRows, fc.constantFrom('NA', '', 'null', 'NaN', '-', 'N/A'), (n, m) => {
      const file = write(csv(rows(n, () => m)));
      expectInputError(() => loadSeries(ref(file, { maxGapHours: 1e6 }), ctx()), file);
    }), { numRuns: 40 });
  });

  it('random bytes as CSV, gzip, market-prices, electricity-maps and JSON', () => {
    const kinds = ['csv', 'gz', 'market-prices', 'electricity-maps', 'open-meteo', 'uci-pm25'] as const;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...kinds), (bytes, kind) => {
      const file = write(bytes, kind === 'gz' ? 'csv.gz' : kind === 'open-meteo' ? 'json' : 'csv');
      const s = (r: SeriesRefInput) => () => loadSeries(r, ctx(kind === 'electricity-maps' ? 'carbonIntensity' : 'price'));
      const w = (r: WeatherRefInput) => () => loadWeather(r, ctx());
      const run =
        kind === 'csv' || kind === 'gz' ? s(ref(file))
        : kind === 'market-prices' ? s({ file, format: 'market-prices' })
        : kind === 'electricity-maps' ? s({ file, format: 'electricity-maps' })
        : kind === 'open-meteo' ? w({ file, format: 'open-meteo' })
        : w({ file, format: 'uci-pm25' });
      expectInputError(run, file);
    }), { numRuns: 150 });
  });

  it('market and Electricity Maps files with wrong headers or cells', () => {
    fc.assert(fc.property(fc.constantFrom('prices-header', 'prices-unit', 'prices-cell', 'em-header', 'em-cell', 'em-time'), badNumber, (kind, bad) => {
      const t = (i: number) => `2023-05-01 ${String(i).padStart(2, '0')}:00:00+00:00`;
      let text: string;
      let r: SeriesRefInput;
      switch (kind) {
        case 'prices-header': text = `Datetime,Local,Price\n${t(0)},x,1\n`; r = { file: '', format: 'market-prices' }; break;
        case 'prices-unit': text = `Datetime (UTC),Datetime (Local),Price\n${t(0)},x,1\n`; r = { file: '', format: 'market-prices' }; break;
        case 'prices-cell': text = `Datetime (UTC),Datetime (Local),Price (USD/MWh)\n${t(0)},x,1\n${t(1)},x,${bad}\n`; r = { file: '', format: 'market-prices' }; break;
        case 'em-header': text = `Datetime (UTC),Country,Zone Id\n2023-05-01 00:00:00,X,Y\n`; r = { file: '', format: 'electricity-maps' }; break;
        case 'em-cell': text = `Datetime (UTC),Carbon Intensity gCO₂eq/kWh (direct)\n2023-05-01 00:00:00,${bad}\n`; r = { file: '', format: 'electricity-maps' }; break;
        default: text = `Datetime (UTC),Carbon Intensity gCO₂eq/kWh (direct)\n2023-05-01 7:00:00 PM,1\n`; r = { file: '', format: 'electricity-maps' }; break;
      }
      const file = write(text);
      expectInputError(() => loadSeries({ ...r, file } as SeriesRefInput, ctx(kind.startsWith('em') ? 'carbonIntensity' : 'price')), file);
    }), { numRuns: 60 });
  });

  it('Open-Meteo JSON with wrong types or shapes', () => {
    const good = () => ({
      utc_offset_seconds: 0 as unknown,
      hourly_units: { temperature_2m: '°C', relative_humidity_2m: '%', wind_speed_10m: 'km/h' } as Record<string, unknown>,
      hourly: {
        time: Array.from({ length: 48 }, (_, i) => iso(START + i * H).replace(' ', 'T')) as unknown[],
        temperature_2m: Array(48).fill(10) as unknown[],
        relative_humidity_2m: Array(48).fill(50) as unknown[],
        wind_speed_10m: Array(48).fill(5) as unknown[],
      } as Record<string, unknown>,
    });
    const wrong = fc.oneof(fc.constant('x'), fc.constant(true), fc.constant({}), fc.constant([1]), fc.string({ maxLength: 5 }));
    const mutations = fc.oneof(
      fc.record({ kind: fc.constant('time-entry'), at: fc.nat(47), v: wrong }),
      fc.record({ kind: fc.constant('value-entry'), at: fc.nat(47), v: wrong }),
      fc.record({ kind: fc.constant('drop-var'), at: fc.nat(2), v: fc.constant(0) }),
      fc.record({ kind: fc.constant('length'), at: fc.integer({ min: 1, max: 47 }), v: fc.constant(0) }),
      fc.record({ kind: fc.constant('hourly'), at: fc.constant(0), v: wrong }),
      fc.record({ kind: fc.constant('offset'), at: fc.constant(0), v: fc.oneof(fc.constant('3600'), fc.constant(1e9), fc.constant(null)) }),
      fc.record({ kind: fc.constant('unit'), at: fc.constant(0), v: fc.constantFrom('furlong/fortnight', 'K/s', 'mm') }),
      fc.record({ kind: fc.constant('truncate'), at: fc.integer({ min: 1, max: 200 }), v: fc.constant(0) }),
    );
    fc.assert(fc.property(mutations, ({ kind, at, v }) => {
      const doc = good();
      const vars = ['temperature_2m', 'relative_humidity_2m', 'wind_speed_10m'];
      let text: string | undefined;
      switch (kind) {
        case 'time-entry': (doc.hourly.time as unknown[])[at] = v; break;
        case 'value-entry': (doc.hourly.temperature_2m as unknown[])[at] = typeof v === 'string' && v === '' ? 'x' : v; break;
        case 'drop-var': delete doc.hourly[vars[at] as string]; break;
        case 'length': doc.hourly.wind_speed_10m = (doc.hourly.wind_speed_10m as unknown[]).slice(at); break;
        case 'hourly': (doc as Record<string, unknown>).hourly = v; break;
        case 'offset': doc.utc_offset_seconds = v; break;
        case 'unit': doc.hourly_units.wind_speed_10m = v; break;
        case 'truncate': text = JSON.stringify(doc).slice(0, at); break;
      }
      // a null offset means "absent" (Open-Meteo's default, GMT): make that case fail elsewhere
      if (kind === 'offset' && v === null) (doc.hourly.time as unknown[])[0] = 'not a time';
      const file = write(text ?? JSON.stringify(doc), 'json');
      expectInputError(() => loadWeather({ file, format: 'open-meteo' }, ctx()), file);
    }), { numRuns: 120 });
  });

  it('UCI files with wrong cells or columns', () => {
    const header = 'No,year,month,day,hour,season,PM_US Post,DEWP,HUMI,PRES,TEMP,cbwd,Iws,precipitation,Iprec';
    const row = (i: number) => `${i},2023,5,1,${i},2,10,5,50,1010,20,NW,${i + 1},0,0`;
    fc.assert(fc.property(fc.constantFrom('year', 'month', 'day', 'hour', 'TEMP', 'HUMI', 'Iws', 'drop'), badNumber, fc.nat(23), (col, bad, k) => {
      const cols = header.split(',');
      let lines = Array.from({ length: 24 }, (_, i) => row(i).split(','));
      let head = cols;
      if (col === 'drop') {
        const c = cols.indexOf(['TEMP', 'Iws', 'cbwd', 'year'][k % 4] as string);
        head = cols.filter((_, j) => j !== c);
        lines = lines.map((l) => l.filter((_, j) => j !== c));
      } else {
        const c = cols.indexOf(col);
        // an hour of 24 is valid (the next midnight), so hours are made impossible differently
        (lines[k] as string[])[c] = col === 'hour' && bad === '' ? '99' : bad;
      }
      const file = write([head.join(','), ...lines.map((l) => l.join(','))].join('\n'));
      expectInputError(() => loadWeather({ file, format: 'uci-pm25' }, ctx()), file);
    }), { numRuns: 80 });
  });

  it('hostile files: devices, a FIFO, /proc, a gzip bomb, absurd magnitudes, a 300 KB timestamp', () => {
    const ref = (file: string, over: Record<string, unknown> = {}) => ({ file, format: 'csv', valueColumn: 'value', unit: 'USD/MWh', ...over }) as SeriesRefInput;
    const t0 = performance.now();
    for (const dev of ['/dev/zero', '/dev/urandom']) expectInputError(() => loadSeries(ref(dev), ctx()), dev);
    if (process.platform === 'linux') expectInputError(() => loadSeries(ref('/proc/self/status'), ctx()), '/proc/self/status');
    const fifo = join(dir, 'pipe.csv');
    if (spawnSync('mkfifo', [fifo]).status === 0) expectInputError(() => loadSeries(ref('pipe.csv'), ctx()), 'pipe.csv');
    const bomb = write(gzipSync(Buffer.alloc(32 << 20, 0x30), { level: 9 }), 'csv.gz');
    process.env.WATTSHIFT_MAX_INPUT_MB = '1';
    try {
      expectInputError(() => loadSeries(ref(bomb), ctx()), bomb);
    } finally {
      delete process.env.WATTSHIFT_MAX_INPUT_MB;
    }
    for (const [v, q, unit] of [['1e308', 'price', 'USD/MWh'], ['-1e300', 'power', 'kW'], ['1e6', 'temperature', 'degC'], ['250', 'share', '%'], ['9e15', 'carbonIntensity', 'gCO2/kWh']] as const) {
      const f = write(csv(rows(48, (i) => (i === 7 ? v : '1'))));
      expectInputError(() => loadSeries(ref(f, { unit }), ctx(q)), `${f}:9`);
    }
    const long = write(csv([`${iso(START)}${' '.repeat(300_000)}x,1`, ...rows(48).slice(1)]));
    expectInputError(() => loadSeries(ref(long), ctx()), long);
    for (const [value, q] of [[1e308, 'price'], [-1e20, 'power'], [200, 'temperature']] as const) {
      let err: unknown;
      try {
        loadSeries({ constant: value }, ctx(q));
      } catch (e) {
        err = e;
      }
      expect(err, `constant ${value} ${q}`).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(/outside the physical range/);
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('generated at least 1000 malformed files', () => {
    expect(malformed).toBeGreaterThanOrEqual(1000);
  });
});

describe('valid random series align to finite values on every step', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/Chicago', 'Asia/Shanghai', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  const local = new Map<string, Intl.DateTimeFormat>();
  const label = (t: number, zone: string): string => {
    let f = local.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      local.set(zone, f);
    }
    return f.format(new Date(t));
  };

  it('any source step, grid step, zone, gaps, NA cells and fill rule', () => {
    const arb = fc.record({
      srcStep: fc.constantFrom(5, 15, 30, 60, 120),
      gridStep: fc.constantFrom(15, 30, 60),
      n: fc.integer({ min: 8, max: 300 }),
      // start near a DST change in spring or autumn, or anywhere
      start: fc.constantFrom(Date.UTC(2023, 2, 25, 20), Date.UTC(2023, 9, 28, 20), Date.UTC(2023, 3, 1, 5), Date.UTC(2023, 10, 5, 0)),
      zone: fc.constantFrom(...zones),
      labels: fc.constantFrom('local', 'utc-z', 'offset'),
      values: fc.array(fc.oneof(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.constant(Number.NaN)), { minLength: 300, maxLength: 300 }),
      drop: fc.array(fc.nat(299), { maxLength: 20 }),
      // the grid starts at or before the first row, which always has a value
      gridOffsetSteps: fc.integer({ min: -4, max: 0 }),
      fill: fc.constantFrom('linear', 'previous', 'zero') as fc.Arbitrary<'linear' | 'previous' | 'zero'>,
      unit: fc.constantFrom('kW', 'MW', 'kWh', 'W'),
      gz: fc.boolean(),
    });
    fc.assert(fc.property(arb, (c) => {
      const dropped = new Set(c.drop);
      const lines: string[] = [];
      for (let i = 0; i < c.n; i++) {
        if (dropped.has(i) && i % 4 !== 0) continue; // every 4th row always exists and has a value
        const t = c.start + i * c.srcStep * 60_000;
        const v = c.values[i] as number;
        const cell = Number.isNaN(v) && i % 4 !== 0 ? 'NA' : String(Number.isNaN(v) ? 1 : v);
        const stamp = c.labels === 'local' ? label(t, c.zone) : c.labels === 'utc-z' ? `${new Date(t).toISOString().slice(0, 16)}Z` : `${label(t, 'Asia/Kolkata')}+05:30`;
        lines.push(`${stamp};${cell}`);
      }
      const text = ['when;load', ...lines].join('\r\n');
      const file = write(c.gz ? gzipSync(text) : text, c.gz ? 'csv.gz' : 'csv');
      const spanMin = c.n * c.srcStep;
      // 4 extra steps: with the grid starting up to 4 steps early it still spans the data
      const steps = Math.max(1, Math.floor(spanMin / c.gridStep)) + 4;
      const grid: TimeGrid = { startMs: c.start + c.gridOffsetSteps * c.gridStep * 60_000, stepMinutes: c.gridStep, steps, timeZone: c.zone };
      const s = loadSeries(
        { file, format: 'csv', valueColumn: 'load', unit: c.unit, timeZone: c.zone, fill: c.fill, maxGapHours: 1e6 },
        { baseDir: dir, grid, quantity: 'power', name: 'x', defaultTimeZone: 'UTC' },
      );
      expect(s.values.length).toBe(steps);
      for (const v of s.values) expect(Number.isFinite(v)).toBe(true);
      expect(s.report.samplesInHorizon).toBeGreaterThan(0);
      expect(s.report.duplicates).toBe(0); // DST repeats resolve to distinct instants
    }), { numRuns: 200 });
  });
});
