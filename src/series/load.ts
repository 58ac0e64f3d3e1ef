/**
 * The entry points the scenario resolver calls: a series reference (file, constant or daily
 * profile) or a weather reference in, values on the horizon grid out, with a report of what
 * alignment did. Files are read synchronously relative to the scenario's folder.
 */
import type { z } from 'zod';
import type { PathPolicy } from '../files/input-file.ts';
import type { SeriesRefInput, WeatherRef } from './schema.ts';
import type { TimeGrid } from '../time/grid.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { alignSeries } from './align.ts';
import { seriesError, type SeriesWhere } from './errors.ts';
import { readSeriesText } from './file.ts';
import type { FillRuleName } from './fill.ts';
import { constantSeries, dailyProfileSeries } from './profile.ts';
import { readCsvSeries } from './read-csv.ts';
import { readEiaLmp } from './read-eia-lmp.ts';
import { readElectricityMaps } from './read-electricity-maps.ts';
import { readMarketPrices } from './read-market-prices.ts';
import { readOpenMeteo, type RawWeather } from './read-open-meteo.ts';
import { readUci } from './read-uci.ts';
import type { AlignedSeries, AlignedWeather, Quantity, RawSeries } from './types.ts';

/** What loadSeries needs besides the reference. */
export interface SeriesContext {
  /** Folder file paths are relative to (the scenario file's folder). */
  baseDir: string;
  grid: TimeGrid;
  quantity: Quantity;
  /** JSON path of the reference, e.g. `sites[0].series.price` (messages and report name). */
  name: string;
  /** Scenario currency (ISO code); price series in another currency are refused. */
  currency?: string;
  /** Zone of file timestamps without an offset when the reference names none (the horizon zone). */
  defaultTimeZone: string;
  /** Zone whose local day a daily profile follows (default: defaultTimeZone). */
  localTimeZone?: string;
  /**
   * Files already parsed while resolving one scenario, keyed by path and reading options: sites
   * of one market share their price, carbon and weather files, which are then read only once.
   */
  cache?: Map<string, RawSeries | RawWeather>;
  /** Where files may be read from (default: any regular file). */
  policy?: PathPolicy;
}

/** What loadWeather needs besides the reference. */
export type WeatherContext = Omit<SeriesContext, 'quantity' | 'currency'>;

/** A weather reference as written (defaults not yet applied). */
export type WeatherRefInput = z.input<typeof WeatherRef>;

type FileRef = Extract<SeriesRefInput, { file: string }>;

const FILLS: readonly FillRuleName[] = ['linear', 'previous', 'zero', 'error'];
const UCI_ZONE = 'Asia/Shanghai';

/** Defaults and sanity of the options every file reference shares (the schema normally did this). */
function common(
  ref: { fill?: FillRuleName; maxGapHours?: number; shiftYears?: number; scale?: number },
  where: SeriesWhere,
): { fill: FillRuleName; maxGapHours: number; shiftYears: number; scale: number } {
  const fill = ref.fill ?? 'linear';
  const maxGapHours = ref.maxGapHours ?? 72;
  const shiftYears = ref.shiftYears ?? 0;
  const scale = ref.scale ?? 1;
  if (!FILLS.includes(fill)) throw seriesError({ ...where, path: `${where.path}.fill` }, `fill must be one of ${FILLS.join(', ')}`, undefined, undefined, 'SCENARIO_INVALID');
  if (typeof maxGapHours !== 'number' || !(maxGapHours >= 0)) {
    throw seriesError({ ...where, path: `${where.path}.maxGapHours` }, 'maxGapHours must be a number of hours ≥ 0', undefined, undefined, 'SCENARIO_INVALID');
  }
  if (!Number.isInteger(shiftYears) || Math.abs(shiftYears) > 100) {
    throw seriesError({ ...where, path: `${where.path}.shiftYears` }, 'shiftYears must be a whole number between -100 and 100', undefined, undefined, 'SCENARIO_INVALID');
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw seriesError({ ...where, path: `${where.path}.scale` }, 'scale must be a finite number', undefined, undefined, 'SCENARIO_INVALID');
  }
  return { fill, maxGapHours, shiftYears, scale };
}

function zoneOrThrow(zone: string, where: SeriesWhere, field: string): string {
  if (!isValidTimeZone(zone)) {
    throw seriesError(
      { ...where, path: `${where.path}.${field}` },
      `unknown time zone "${zone}"; use an IANA name such as "Europe/Berlin", "America/Chicago", "Asia/Shanghai" or "UTC"`,
      undefined,
      undefined,
      'TIME_INVALID',
    );
  }
  return zone;
}

/** Reads a file reference into raw samples (no alignment); useful for inspection tools. */
export function readRawSeries(ref: FileRef, ctx: Pick<SeriesContext, 'baseDir' | 'name' | 'defaultTimeZone' | 'policy'>): RawSeries {
  const where: SeriesWhere = { file: ref.file, path: ctx.name };
  const { shiftYears } = common(ref, where);
  switch (ref.format) {
    case 'csv': {
      const zone = zoneOrThrow(ref.timeZone ?? ctx.defaultTimeZone, where, 'timeZone');
      const text = readSeriesText(ctx.baseDir, ref.file, where, ctx.policy);
      return readCsvSeries(
        text,
        { timeColumn: ref.timeColumn, valueColumn: ref.valueColumn, unit: ref.unit, timeZone: zone, delimiter: ref.delimiter, shiftYears },
        where,
      );
    }
    case 'market-prices':
      return readMarketPrices(readSeriesText(ctx.baseDir, ref.file, where, ctx.policy), where, shiftYears);
    case 'electricity-maps':
      return readElectricityMaps(readSeriesText(ctx.baseDir, ref.file, where, ctx.policy), ref.column ?? 'carbonIntensityDirect', where, shiftYears);
    case 'eia-lmp':
      return readEiaLmp(readSeriesText(ctx.baseDir, ref.file, where, ctx.policy), ref.column, where, shiftYears);
    default:
      throw seriesError(where, `unknown series format "${String((ref as { format: unknown }).format)}"; use csv, market-prices, electricity-maps or eia-lmp`, undefined, undefined, 'SCENARIO_INVALID');
  }
}

/** Loads a series reference and aligns it to `ctx.grid` in the canonical unit of `ctx.quantity`. */
export function loadSeries(ref: SeriesRefInput, ctx: SeriesContext): AlignedSeries {
  if ('constant' in ref) {
    return constantSeries(ref.constant, ref.unit, ctx.grid, ctx.quantity, { path: ctx.name }, ctx.currency);
  }
  if ('dailyProfile' in ref) {
    return dailyProfileSeries(
      {
        profile: ref.dailyProfile,
        weekendFactor: ref.weekendFactor,
        unit: ref.unit,
        scale: ref.scale,
        timeZone: ctx.localTimeZone ?? ctx.defaultTimeZone,
      },
      ctx.grid,
      ctx.quantity,
      { path: ctx.name },
      ctx.currency,
    );
  }
  const where: SeriesWhere = { file: ref.file, path: ctx.name };
  const opts = common(ref, where);
  const key = ctx.cache && `series|${ctx.baseDir}|${JSON.stringify({ ...ref, fill: undefined, maxGapHours: undefined, scale: undefined })}|${ctx.defaultTimeZone}`;
  let raw = key ? (ctx.cache!.get(key) as RawSeries | undefined) : undefined;
  if (!raw) {
    raw = readRawSeries(ref, ctx);
    if (key) ctx.cache!.set(key, raw);
  }
  return alignSeries(raw, {
    grid: ctx.grid,
    quantity: ctx.quantity,
    where,
    currency: ctx.currency,
    fill: opts.fill,
    maxGapHours: opts.maxGapHours,
    scale: opts.scale,
  });
}

/** Reads a weather reference into raw variables (no alignment). */
export function readRawWeather(ref: WeatherRefInput, ctx: Pick<WeatherContext, 'baseDir' | 'name' | 'policy'>): RawWeather {
  const where: SeriesWhere = { file: ref.file, path: ctx.name };
  const { shiftYears } = common(ref, where);
  switch (ref.format) {
    case 'open-meteo':
      return readOpenMeteo(readSeriesText(ctx.baseDir, ref.file, where, ctx.policy), where, shiftYears);
    case 'uci-pm25':
    case 'uci-prsa': {
      const zone = zoneOrThrow(ref.timeZone ?? UCI_ZONE, where, 'timeZone');
      return readUci(readSeriesText(ctx.baseDir, ref.file, where, ctx.policy), ref.format, zone, where, shiftYears);
    }
    default:
      throw seriesError(where, `unknown weather format "${String((ref as { format: unknown }).format)}"; use open-meteo, uci-pm25 or uci-prsa`, undefined, undefined, 'SCENARIO_INVALID');
  }
}

/**
 * Loads a weather file and aligns temperature (°C), relative humidity (%), cloud cover (%, when
 * the file has it) and wind speed (m/s) to the grid. Reports are named `<name>.temperature` etc.
 */
export function loadWeather(ref: WeatherRefInput, ctx: WeatherContext): AlignedWeather {
  const where: SeriesWhere = { file: ref.file, path: ctx.name };
  const opts = common(ref, where);
  const key = ctx.cache && `weather|${ctx.baseDir}|${JSON.stringify({ ...ref, fill: undefined, maxGapHours: undefined })}`;
  let raw = key ? (ctx.cache!.get(key) as RawWeather | undefined) : undefined;
  if (!raw) {
    raw = readRawWeather(ref, ctx);
    if (key) ctx.cache!.set(key, raw);
  }
  const align = (r: RawSeries, quantity: Quantity, field: string): AlignedSeries =>
    alignSeries(r, {
      grid: ctx.grid,
      quantity,
      where: { file: ref.file, path: `${ctx.name}.${field}` },
      fill: opts.fill,
      maxGapHours: opts.maxGapHours,
    });
  const temperature = align(raw.temperature, 'temperature', 'temperature');
  const humidity = align(raw.humidity, 'humidity', 'relativeHumidity');
  const wind = align(raw.windSpeed, 'windSpeed', 'windSpeed');
  const cloud = raw.cloudCover ? align(raw.cloudCover, 'cloudCover', 'cloudCover') : undefined;
  // physical bounds: interpolation cannot leave them, but a file's own values might
  clamp(humidity.values, 0, 100);
  if (cloud) clamp(cloud.values, 0, 100);
  clamp(wind.values, 0, Infinity);
  const out: AlignedWeather = {
    temperatureC: temperature.values,
    relativeHumidityPct: humidity.values,
    windSpeedMS: wind.values,
    windHeightM: raw.windHeightM,
    reports: [temperature.report, humidity.report, wind.report, ...(cloud ? [cloud.report] : [])],
  };
  if (cloud) out.cloudCoverPct = cloud.values;
  return out;
}

function clamp(a: Float64Array, lo: number, hi: number): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x < lo) a[i] = lo;
    else if (x > hi) a[i] = hi;
  }
}
