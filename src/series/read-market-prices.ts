/**
 * The shared market price CSV (`Datetime (UTC),Datetime (Local),Price (USD/MWh)`). The UTC
 * column is used, since the local column's offsets are only informative; the unit comes from
 * the price header's parentheses.
 */
import { parseCsv } from './csv.ts';
import { describeHeader, quote, seriesError, type SeriesWhere } from './errors.ts';
import { readTableSeries } from './read-csv.ts';
import type { RawSeries } from './types.ts';

const EXPECTED = 'Datetime (UTC),Datetime (Local),Price (USD/MWh)';

/** Reads a market price file; `shiftYears` moves the timestamps by whole years. */
export function readMarketPrices(text: string, where: SeriesWhere, shiftYears = 0): RawSeries {
  const table = parseCsv(text, where);
  const keys = table.header.map((h) => h.toLowerCase().replace(/\s+/g, ''));
  const timeCol = keys.indexOf('datetime(utc)');
  const priceCol = keys.findIndex((k) => k.startsWith('price'));
  if (timeCol < 0 || priceCol < 0) {
    throw seriesError(
      where,
      `not a market price file: expected the header ${EXPECTED}, found ${describeHeader(table.header)}`,
      table.headerLine,
    );
  }
  const header = table.header[priceCol] as string;
  const unit = /\(([^)]*)\)/.exec(header)?.[1]?.trim();
  if (!unit) {
    throw seriesError(where, `the price column "${quote(header)}" does not state its unit; expected e.g. "Price (USD/MWh)"`, table.headerLine, priceCol + 1);
  }
  return readTableSeries(
    table,
    timeCol,
    priceCol,
    { unit, timeZone: 'UTC', shiftYears, source: `${where.file ?? 'market prices'} column "${header}"` },
    where,
  );
}
