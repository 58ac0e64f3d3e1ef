import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { loadSeries, loadWeather, readRawSeries, readRawWeather } from './load.ts';
import { readElectricityMaps } from './read-electricity-maps.ts';
import { readMarketPrices } from './read-market-prices.ts';
import { readOpenMeteo } from './read-open-meteo.ts';
import { readUci } from './read-uci.ts';
import { thrown } from '../../test/helpers/input-error.ts';

const DATA = fileURLToPath(new URL('../../examples/data/', import.meta.url));
const H = 3_600_000;
const year2023: TimeGrid = { startMs: Date.UTC(2023, 0, 1), stepMinutes: 60, steps: 8760, timeZone: 'UTC' };
const ctx = { baseDir: DATA, grid: year2023, name: 'sites[0].series.x', defaultTimeZone: 'UTC' };
const where = { file: 'x', path: 'p' };


describe('market-prices (shared market CSV)', () => {
  it('ERCOT 2023: 8760 hourly prices, first 10.42 USD/MWh at 2023-01-01T00:00Z', () => {
    const raw = readRawSeries({ file: 'markets/US-TEX-ERCO/prices-2023.csv.gz', format: 'market-prices' }, ctx);
    expect(raw.times.length).toBe(8760);
    expect(raw.times[0]).toBe(Date.UTC(2023, 0, 1, 0));
    expect(raw.values[0]).toBe(10.42);
    expect(raw.unit).toBe('USD/MWh');
    expect(raw.lines[0]).toBe(2);
    const s = loadSeries({ file: 'markets/US-TEX-ERCO/prices-2023.csv.gz', format: 'market-prices' }, { ...ctx, quantity: 'price', currency: 'USD' });
    expect(s.values.length).toBe(8760);
    expect(s.values[0]).toBe(10.42);
    expect(s.currency).toBe('USD');
    expect(s.report).toMatchObject({ samples: 8760, samplesInHorizon: 8760, gapSteps: 0, duplicates: 0, sourceStepMinutes: 60, unitTo: 'USD/MWh' });
  });

  it('DE-LU keeps negative prices', () => {
    const s = loadSeries({ file: 'markets/DE-LU/prices-2023.csv.gz', format: 'market-prices' }, { ...ctx, quantity: 'price' });
    expect(s.values[0]).toBeCloseTo(-3.3622368, 10);
  });

  it('refuses a file with another header', () => {
    const e = thrown(() => readMarketPrices('time,price\n2023-01-01,1\n', where));
    expect(e.message).toContain('Datetime (UTC),Datetime (Local),Price (USD/MWh)');
  });
});

describe('electricity-maps', () => {
  it('ERCOT 2023 first hour: direct 269.79, LCA 318.54 gCO2eq/kWh, renewable 42.49 %, low-carbon 54.73 %', () => {
    const file = 'markets/US-TEX-ERCO/carbon-2023.csv.gz';
    const direct = loadSeries({ file, format: 'electricity-maps' }, { ...ctx, quantity: 'carbonIntensity' });
    expect(direct.values[0]).toBe(269.79);
    expect(direct.report.unitFrom).toBe('gCO₂eq/kWh');
    const lca = loadSeries({ file, format: 'electricity-maps', column: 'carbonIntensityLifecycle' }, { ...ctx, quantity: 'carbonIntensity' });
    expect(lca.values[0]).toBe(318.54);
    const ren = loadSeries({ file, format: 'electricity-maps', column: 'renewablePercent' }, { ...ctx, quantity: 'share' });
    expect(ren.values[0]).toBeCloseTo(0.4249, 12);
    const low = loadSeries({ file, format: 'electricity-maps', column: 'lowCarbonPercent' }, { ...ctx, quantity: 'share' });
    expect(low.values[0]).toBeCloseTo(0.5473, 12);
    expect(direct.report.gapSteps).toBe(0);
  });

  it('matches headers loosely (CO2 vs CO₂, case) and reads times without offset as UTC', () => {
    const text = 'datetime (utc),CARBON INTENSITY gCO2eq/kWh (direct)\n2023-05-01 10:00:00,100\n';
    const raw = readElectricityMaps(text, 'carbonIntensityDirect', where);
    expect(raw.times[0]).toBe(Date.UTC(2023, 4, 1, 10));
    expect(raw.unit).toBe('gCO2eq/kWh');
  });

  it('names the wanted column when it is missing', () => {
    const e = thrown(() => readElectricityMaps('Datetime (UTC),Zone Id\n2023-01-01 00:00:00,DE\n', 'renewablePercent', where));
    expect(e.message).toContain('Renewable Percentage');
    expect(e.message).toContain('"Zone Id"');
  });
});

describe('open-meteo', () => {
  it('ERCOT 2023 (America/Chicago, utc_offset_seconds -18000): first label 00:00 is 05:00Z', () => {
    const w = readRawWeather({ file: 'markets/US-TEX-ERCO/weather-2023.json.gz', format: 'open-meteo' }, ctx);
    expect(w.temperature.times[0]).toBe(Date.UTC(2023, 0, 1, 5));
    expect(w.temperature.values[0]).toBe(16.9);
    expect(w.temperature.unit).toBe('°C');
    expect(w.windSpeed.unit).toBe('km/h');
    expect(w.cloudCover?.values[0]).toBe(0);
    // one fixed offset for the whole year: 8760 labels, exactly one hour apart, none dropped
    const t = w.temperature.times;
    expect(t.length).toBe(8760);
    let hourly = true;
    for (let i = 1; i < t.length; i++) if ((t[i] as number) - (t[i - 1] as number) !== H) hourly = false;
    expect(hourly).toBe(true);
    expect(w.temperature.nonexistentLocalTimes).toBe(0);
  });

  it('aligns to °C, %, m/s; a UTC year leaves the 5 uncovered first hours as an edge gap', () => {
    const w = loadWeather({ file: 'markets/US-TEX-ERCO/weather-2023.json.gz', format: 'open-meteo' }, ctx);
    // steps 0–4 (00:00Z–04:00Z) precede the first sample and hold it
    expect(w.temperatureC[0]).toBe(16.9);
    expect(w.temperatureC[5]).toBe(16.9);
    expect(w.temperatureC[6]).toBe(16.2);
    expect(w.windSpeedMS[5]).toBeCloseTo(20.8 / 3.6, 12);
    expect(w.relativeHumidityPct[5]).toBe(56);
    expect(w.cloudCoverPct?.[6]).toBe(31);
    expect(w.windHeightM).toBe(10);
    expect(w.reports.map((r) => r.name)).toEqual([
      'sites[0].series.x.temperature',
      'sites[0].series.x.relativeHumidity',
      'sites[0].series.x.windSpeed',
      'sites[0].series.x.cloudCover',
    ]);
    expect(w.reports[0]).toMatchObject({ gapSteps: 5, gapRuns: 1, longestGapSteps: 5, samplesInHorizon: 8755 });
  });

  it('reads unixtime, °F, m/s, new variable names and dew point instead of humidity', () => {
    const doc = {
      utc_offset_seconds: 3600,
      hourly_units: { time: 'unixtime', temperature_2m: '°F', dew_point_2m: '°F', wind_speed_10m: 'm/s', cloud_cover: '%' },
      hourly: {
        time: [Date.UTC(2023, 0, 1) / 1000, Date.UTC(2023, 0, 1, 1) / 1000],
        temperature_2m: [50, null],
        dew_point_2m: [50, 41],
        wind_speed_10m: [3, 4],
        cloud_cover: [10, 20],
      },
    };
    const w = readOpenMeteo(JSON.stringify(doc), where);
    // unix times are UTC already: the offset does not apply
    expect(w.temperature.times[0]).toBe(Date.UTC(2023, 0, 1));
    expect(w.humidity.values[0]).toBeCloseTo(100, 9); // dew point = temperature
    expect(Number.isNaN(w.humidity.values[1] as number)).toBe(true); // temperature missing
    expect(Number.isNaN(w.temperature.values[1] as number)).toBe(true);
    expect(w.windSpeed.unit).toBe('m/s');
  });

  it('refuses bad JSON and missing variables with a useful message', () => {
    expect(thrown(() => readOpenMeteo('{"hourly":', where)).message).toContain('not valid JSON');
    expect(thrown(() => readOpenMeteo('{"hourly":{"time":["2023-01-01T00:00"],"temperature_2m":[1]}}', where)).message).toContain('relative_humidity_2m');
    expect(thrown(() => readOpenMeteo('{"hourly":{"time":["x"],"temperature_2m":[1],"relative_humidity_2m":[1],"wind_speed_10m":[1]}}', where)).location.line).toBe(1);
  });
});

describe('UCI weather', () => {
  it('Shenyang 2014 (uci-pm25): China Standard Time, HUMI, hourly wind from cumulated Iws', () => {
    const w = readRawWeather({ file: 'china-weather/ShenyangPM-2014.csv.gz', format: 'uci-pm25' }, ctx);
    // 2014-01-01 00:00 CST (+8) = 2013-12-31T16:00Z
    expect(w.temperature.times[0]).toBe(Date.UTC(2013, 11, 31, 16));
    expect(w.temperature.values[0]).toBe(-4);
    expect(w.humidity.values[0]).toBe(41.99);
    expect(w.cloudCover).toBeUndefined();
    // Iws by hour: SW 21, 24, 26, 28, 30, 31 | SE 3, 5, 7, 8 | cv 1 | SW 2, 7 | NW 6, 12
    // hourly speed: ?, 3, 2, 2, 2, 1 | 3 (new run), 2, 2, 1 | 1 | 2, 5 | 6, 6
    expect(Number.isNaN(w.windSpeed.values[0] as number)).toBe(true);
    expect(Array.from(w.windSpeed.values.slice(1, 15))).toEqual([3, 2, 2, 2, 1, 3, 2, 2, 1, 1, 2, 5, 6, 6]);
    expect(w.windSpeed.times.length).toBe(8760);
  });

  it('Shenyang 2014 aligned to its own year: gaps from NA rows are filled, reports count them', () => {
    const grid: TimeGrid = { startMs: Date.UTC(2013, 11, 31, 16), stepMinutes: 60, steps: 8760, timeZone: 'Asia/Shanghai' };
    const w = loadWeather({ file: 'china-weather/ShenyangPM-2014.csv.gz', format: 'uci-pm25' }, { ...ctx, grid });
    // wind: first row cannot be differenced; one NA row; the row after it cannot be differenced
    expect(w.reports[2]).toMatchObject({ missingCells: 3, gapSteps: 3, gapRuns: 2 });
    expect(w.windSpeedMS[0]).toBe(3); // the leading gap holds the next value
    expect(w.reports[0]).toMatchObject({ missingCells: 1, gapSteps: 1 });
  });

  it('Beijing PRSA 2014 (uci-prsa): humidity from dew point, wind from Iws', () => {
    const w = readRawWeather({ file: 'beijing-weather/PRSA-2014.csv.gz', format: 'uci-prsa' }, ctx);
    // DEWP -20, TEMP 7: RH = 100·exp(17.625·(-20)/(243.04-20) − 17.625·7/(243.04+7)) = 12.570 %
    expect(w.humidity.values[0]).toBeCloseTo(12.570026, 5);
    // Iws: NW 143.48, 147.5, 151.52, 153.31 | cv 0.89 | NW 4.02, 8.94
    const v = Array.from(w.windSpeed.values.slice(1, 7));
    expect(v[0]).toBeCloseTo(4.02, 9);
    expect(v[1]).toBeCloseTo(4.02, 9);
    expect(v[2]).toBeCloseTo(1.79, 9);
    expect(v[3]).toBe(0.89);
    expect(v[4]).toBe(4.02);
    expect(v[5]).toBeCloseTo(4.92, 9);
  });

  it('reads another zone when the scenario names one, and refuses a file without the columns', () => {
    const text = 'No,year,month,day,hour,DEWP,TEMP,cbwd,Iws\n1,2014,7,1,12,10,20,NW,1\n';
    const w = readUci(text, 'uci-prsa', 'Europe/Berlin', where);
    expect(w.temperature.times[0]).toBe(Date.UTC(2014, 6, 1, 10));
    expect(thrown(() => readUci('No,year,month\n1,2014,1\n', 'uci-pm25', 'Asia/Shanghai', where)).message).toContain('missing columns');
  });
});
