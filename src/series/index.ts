/**
 * Time series: readers for the supported file formats, unit conversion, and alignment to the
 * horizon grid. Most callers need only `loadSeries` and `loadWeather`.
 */
export { loadSeries, loadWeather, readRawSeries, readRawWeather } from './load.ts';
export type { SeriesContext, WeatherContext, WeatherRefInput } from './load.ts';
export { alignSeries, medianSpacing } from './align.ts';
export type { AlignOptions } from './align.ts';
export { fillGaps } from './fill.ts';
export type { FillRuleName, GapStats } from './fill.ts';
export { acceptedUnits, normaliseUnit, unitConversion } from './units.ts';
export type { UnitConversion } from './units.ts';
export { constantSeries, dailyProfileSeries } from './profile.ts';
export type { DailyProfileOptions } from './profile.ts';
export { readCsvSeries } from './read-csv.ts';
export type { CsvReadOptions } from './read-csv.ts';
export { readMarketPrices } from './read-market-prices.ts';
export { readElectricityMaps } from './read-electricity-maps.ts';
export { readEiaLmp, EIA_HUB_COLUMNS } from './read-eia-lmp.ts';
export type { ElectricityMapsColumnName } from './read-electricity-maps.ts';
export { readOpenMeteo } from './read-open-meteo.ts';
export type { RawWeather } from './read-open-meteo.ts';
export { readUci } from './read-uci.ts';
export { relativeHumidityFromDewPoint } from './humidity.ts';
export type { SeriesWhere } from './errors.ts';
export { CANONICAL_UNIT } from './types.ts';
export type { AlignReport, AlignedSeries, AlignedWeather, Quantity, RawSeries } from './types.ts';
