/**
 * EIA "Wholesale Electricity Market Data" hub price files (ERCOT day-ahead hourly and real-time
 * 15-minute LMPs). Each file starts with title lines, then the header
 * `UTC Timestamp (Interval Ending),Local Timestamp Central Time (Interval Beginning),…,North LMP,…`.
 * The UTC column is the one to key on (the local columns are ambiguous around DST changes); it
 * stamps the END of each interval, so every sample is moved back by the file's interval (the
 * median spacing, 60 or 15 minutes) to the interval start that the aligner expects.
 * Prices are in USD/MWh (the title's "$/megawatt" means per MWh).
 */
import { findColumn, parseCsv } from './csv.ts';
import { listSome, seriesError, type SeriesWhere } from './errors.ts';
import { medianSpacing } from './align.ts';
import { readTableSeries } from './read-csv.ts';
import type { RawSeries } from './types.ts';

const TIME_HEADER = 'UTC Timestamp (Interval Ending)';

/** ERCOT settlement-point names of the hubs and the EIA column that holds each. */
export const EIA_HUB_COLUMNS: Readonly<Record<string, string>> = {
  HB_BUSAVG: 'Bus average LMP',
  HB_HOUSTON: 'Houston LMP',
  HB_HUBAVG: 'Hub average LMP',
  HB_NORTH: 'North LMP',
  HB_PAN: 'Panhandle LMP',
  HB_SOUTH: 'South LMP',
  HB_WEST: 'West LMP',
};

/** Reads one price column (header text such as `North LMP`, or a hub name such as `HB_NORTH`). */
export function readEiaLmp(text: string, column: string, where: SeriesWhere, shiftYears = 0): RawSeries {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // blank the title lines so that line numbers in messages stay those of the file
  const lines = text.split('\n');
  const headerAt = lines.findIndex((l) => l.trimStart().startsWith('UTC Timestamp'));
  if (headerAt < 0) {
    throw seriesError(where, `not an EIA wholesale market file: no header line starting with "${TIME_HEADER}" (the EIA downloads have 3 title lines, then the header)`);
  }
  for (let i = 0; i < headerAt; i++) lines[i] = '';
  const table = parseCsv(lines.join('\n'), where);
  const timeCol = findColumn(table.header, TIME_HEADER);
  const wanted = EIA_HUB_COLUMNS[column.toUpperCase()] ?? column;
  const valueCol = findColumn(table.header, wanted);
  if (timeCol < 0 || valueCol < 0) {
    const hubs = Object.keys(EIA_HUB_COLUMNS).join(', ');
    throw seriesError(
      where,
      timeCol < 0
        ? `no "${TIME_HEADER}" column; found columns ${listSome(table.header)}`
        : `price column "${column}" not found; the file has ${listSome(table.header.filter((h) => / LMP$/i.test(h)))} (or use a hub name: ${hubs})`,
      table.headerLine,
    );
  }
  const raw = readTableSeries(
    table,
    timeCol,
    valueCol,
    { unit: 'USD/MWh', timeZone: 'UTC', shiftYears, source: `${where.file ?? 'EIA file'} column "${table.header[valueCol]}"` },
    where,
  );
  const sorted = Float64Array.from(raw.times).sort();
  let m = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
  const interval = medianSpacing(sorted, m, 3_600_000);
  for (let i = 0; i < raw.times.length; i++) raw.times[i] = raw.times[i]! - interval;
  return raw;
}
