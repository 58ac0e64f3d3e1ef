/**
 * Electricity Maps hourly CSV export: `Datetime (UTC),Country,Zone Name,Zone Id,Carbon
 * Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,
 * Renewable Percentage,…`. Headers are matched loosely (case, spaces, CO2 vs CO₂) since the
 * export's wording has changed over time. Timestamps without an offset are UTC.
 */
import { looseKey, parseCsv } from './csv.ts';
import { describeHeader, seriesError, type SeriesWhere } from './errors.ts';
import { readTableSeries } from './read-csv.ts';
import type { RawSeries } from './types.ts';

/** The columns of an Electricity Maps export a scenario can pick. */
export type ElectricityMapsColumnName = 'carbonIntensityDirect' | 'carbonIntensityLifecycle' | 'renewablePercent' | 'lowCarbonPercent';

const MATCHERS: Record<ElectricityMapsColumnName, (k: string) => boolean> = {
  carbonIntensityDirect: (k) => k.startsWith('carbonintensity') && k.includes('(direct)'),
  carbonIntensityLifecycle: (k) => k.startsWith('carbonintensity') && (k.includes('(lca)') || k.includes('lifecycle')),
  renewablePercent: (k) => k.startsWith('renewable') && (k.includes('percent') || k.includes('%')),
  lowCarbonPercent: (k) => k.startsWith('lowcarbon') && (k.includes('percent') || k.includes('%')),
};

const HEADERS: Record<ElectricityMapsColumnName, string> = {
  carbonIntensityDirect: 'Carbon Intensity gCO₂eq/kWh (direct)',
  carbonIntensityLifecycle: 'Carbon Intensity gCO₂eq/kWh (LCA)',
  renewablePercent: 'Renewable Percentage',
  lowCarbonPercent: 'Low Carbon Percentage',
};

/** Reads one column of an Electricity Maps export. */
export function readElectricityMaps(
  text: string,
  column: ElectricityMapsColumnName,
  where: SeriesWhere,
  shiftYears = 0,
): RawSeries {
  const table = parseCsv(text, where);
  const keys = table.header.map(looseKey);
  const timeCol = keys.findIndex((k) => k === 'datetime(utc)' || k === 'datetime');
  const valueCol = keys.findIndex(MATCHERS[column]);
  if (timeCol < 0 || valueCol < 0) {
    const missing = timeCol < 0 ? '"Datetime (UTC)"' : `"${HEADERS[column]}" (column: ${column})`;
    throw seriesError(
      where,
      `not an Electricity Maps export with ${missing}; found ${describeHeader(table.header)}`,
      table.headerLine,
    );
  }
  const header = table.header[valueCol] as string;
  let unit = '%';
  if (column.startsWith('carbon')) {
    // "Carbon Intensity gCO₂eq/kWh (direct)": the unit is the word with a slash
    unit = header.split(/\s+/).find((w) => w.includes('/')) ?? 'gCO2eq/kWh';
  }
  return readTableSeries(
    table,
    timeCol,
    valueCol,
    { unit, timeZone: 'UTC', shiftYears, source: `${where.file ?? 'Electricity Maps'} column "${header}"` },
    where,
  );
}
