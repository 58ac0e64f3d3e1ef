/**
 * References to time series: files beside the scenario in one of the supported formats, a
 * constant, or a repeating daily profile. Every series is aligned to the horizon grid when the
 * scenario is resolved.
 */
import { z } from 'zod';
import { bounded, LIMITS, MAX_HORIZON_HOURS } from '../limits/ranges.ts';

/** Scale factors and values before unit conversion; the physical range is checked per quantity when aligned. */
const SeriesValue = bounded(-LIMITS.money, LIMITS.money);
const Scale = bounded(-1e9, 1e9);

export const FillRule = z
  .enum(['linear', 'previous', 'zero', 'error'])
  .describe('How gaps are filled after alignment: linear interpolation, previous value, zero, or refuse (error)');

const FileCommon = {
  file: z.string().min(1).describe('Path relative to the scenario file; .gz files are decompressed'),
  fill: FillRule.default('linear'),
  maxGapHours: bounded(0, MAX_HORIZON_HOURS).default(72).describe('Longest gap (hours) that may be filled; longer gaps are an error'),
  shiftYears: z.number().int().min(-100).max(100).default(0).describe('Shift the file\'s timestamps by whole years (reuse a weather year)'),
  scale: Scale.default(1).describe('Multiply every value after unit conversion'),
};

/** Generic CSV: one time column and one value column. */
export const CsvSeriesRef = z
  .strictObject({
    ...FileCommon,
    format: z.literal('csv'),
    timeColumn: z.string().optional().describe('Header of the time column (default: the first column)'),
    valueColumn: z.string().describe('Header of the value column'),
    unit: z.string().describe('Unit of the values, e.g. USD/MWh, kW, MW, MWh, gCO2/kWh, degC, %'),
    timeZone: z.string().optional().describe('Zone of timestamps without an offset (default: the horizon zone)'),
    delimiter: z.string().length(1).optional().describe('Field separator (default: detected from , ; or tab)'),
  })
  .describe('Generic CSV with a time column and a value column');

/** The price CSV of the shared market data (`Datetime (UTC),Datetime (Local),Price (USD/MWh)`). */
export const MarketPriceSeriesRef = z
  .strictObject({ ...FileCommon, format: z.literal('market-prices') })
  .describe('Market price CSV: Datetime (UTC), Datetime (Local), Price (<currency>/MWh)');

/** EIA "Wholesale Electricity Market Data" hub prices (ERCOT day-ahead hourly, real-time 15-minute). */
export const EiaLmpSeriesRef = z
  .strictObject({
    ...FileCommon,
    format: z.literal('eia-lmp'),
    column: z.string().min(1).describe('Price column, e.g. "North LMP", or an ERCOT hub name such as HB_NORTH'),
  })
  .describe('EIA wholesale market CSV (3 title lines, UTC interval-ending timestamps, USD/MWh)');

export const ElectricityMapsColumn = z.enum([
  'carbonIntensityDirect',
  'carbonIntensityLifecycle',
  'renewablePercent',
  'lowCarbonPercent',
]);

/** Electricity Maps hourly export (carbon intensity and renewable share). */
export const ElectricityMapsSeriesRef = z
  .strictObject({
    ...FileCommon,
    format: z.literal('electricity-maps'),
    column: ElectricityMapsColumn.default('carbonIntensityDirect'),
  })
  .describe('Electricity Maps CSV export');

export const ConstantSeriesRef = z
  .strictObject({
    constant: SeriesValue.describe('Value at every step (its physical range depends on the series: see docs/limits.md)'),
    unit: z.string().optional().describe('Unit of the constant (default: the slot\'s unit)'),
  })
  .describe('A constant value');

export const DailyProfileSeriesRef = z
  .strictObject({
    dailyProfile: z
      .array(SeriesValue)
      .refine((a) => a.length === 24 || a.length === 96, 'give 24 hourly or 96 quarter-hourly values')
      .describe('Values for each local hour (24) or quarter hour (96), repeated every day'),
    weekendFactor: bounded(0, LIMITS.factor).default(1).describe('Multiplier on Saturdays and Sundays'),
    unit: z.string().optional(),
    scale: Scale.default(1).describe('Multiply every value after unit conversion'),
  })
  .describe('A repeating daily profile in local time');

/**
 * File formats that fix the unit of their values, and where it comes from: a `unit` field on
 * such a reference is refused with this explanation (use `format: csv` to state a unit).
 */
export const FIXED_UNIT_FORMATS: Readonly<Record<string, string>> = {
  'market-prices':
    'the price column\'s header sets it, e.g. "Price (USD/MWh)"; the currency must be the scenario\'s "currency" (top level, default USD); to give prices in another unit, use format: csv with valueColumn and unit',
  'electricity-maps':
    'the column sets it: gCO2eq/kWh for carbonIntensityDirect and carbonIntensityLifecycle, % for renewablePercent and lowCarbonPercent; to give another unit, use format: csv with valueColumn and unit',
};

/** Any scalar series. */
export const SeriesRef = z.union([
  CsvSeriesRef,
  MarketPriceSeriesRef,
  ElectricityMapsSeriesRef,
  EiaLmpSeriesRef,
  ConstantSeriesRef,
  DailyProfileSeriesRef,
]);
export type SeriesRef = z.infer<typeof SeriesRef>;
export type SeriesRefInput = z.input<typeof SeriesRef>;

/** Weather: temperature, humidity, cloud cover and wind speed from one file. */
export const WeatherRef = z
  .strictObject({
    file: FileCommon.file,
    format: z
      .enum(['open-meteo', 'uci-pm25', 'uci-prsa'])
      .describe('open-meteo: Open-Meteo JSON; uci-pm25: UCI "PM2.5 Data of Five Chinese Cities" CSV; uci-prsa: UCI Beijing PRSA CSV'),
    timeZone: z.string().optional().describe('Zone of the file\'s wall-clock times when the format does not say (UCI files: Asia/Shanghai)'),
    fill: FileCommon.fill,
    maxGapHours: FileCommon.maxGapHours,
    shiftYears: FileCommon.shiftYears,
  })
  .describe('A weather file');
export type WeatherRef = z.infer<typeof WeatherRef>;
