/**
 * Generic CSV series: one time column and one value column, chosen by header. Timestamps
 * without an offset are wall clock in the given zone (see local-time.ts for DST).
 */
import { findColumn, parseCsv, type CsvTable } from './csv.ts';
import { parseNumberCell } from './cells.ts';
import { describeHeader, quote, seriesError, type SeriesWhere } from './errors.ts';
import { RawBuilder } from './raw.ts';
import { LABEL_DROPPED, LABEL_OK, TIMESTAMP_EXAMPLES, parseLabel, type Label } from './timestamps.ts';
import type { RawSeries } from './types.ts';

/** Options of the generic CSV reader. */
export interface CsvReadOptions {
  /** Header of the time column; default the first column. */
  timeColumn?: string;
  valueColumn: string;
  unit: string;
  /** Zone of timestamps without an offset. */
  timeZone: string;
  delimiter?: string;
  shiftYears?: number;
}

/** Finds a column by header or throws an InputError listing the columns that exist. */
export function requireColumn(table: CsvTable, name: string, where: SeriesWhere, role: string): number {
  const i = findColumn(table.header, name);
  if (i < 0) {
    throw seriesError(
      where,
      `${role} column "${name}" not found; the file has ${describeHeader(table.header)}`,
      table.headerLine,
    );
  }
  return i;
}

/** Reads one value column of a parsed table, with times from `timeCol`. */
export function readTableSeries(
  table: CsvTable,
  timeCol: number,
  valueCol: number,
  opts: { unit: string; timeZone: string; shiftYears: number; source: string },
  where: SeriesWhere,
): RawSeries {
  const { rows, lines, delimiter, header } = table;
  const b = new RawBuilder(rows.length);
  const label: Label = { naiveMs: 0, offsetMin: NaN };
  const timeName = header[timeCol] as string;
  const valueName = header[valueCol] as string;
  const need = Math.max(timeCol, valueCol) + 1;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as string[];
    const line = lines[r] as number;
    if (row.length < need) {
      throw seriesError(
        where,
        `this row has ${row.length} field${row.length === 1 ? '' : 's'} but column "${row.length <= timeCol ? timeName : valueName}" is field ${row.length <= timeCol ? timeCol + 1 : valueCol + 1} (separator "${delimiter === '\t' ? '\\t' : delimiter}")`,
        line,
      );
    }
    if (row.length > header.length && row.slice(header.length).some((c) => c.trim() !== '')) {
      // a value holding the separator shifts every later column: refuse rather than misread
      throw seriesError(
        where,
        `this row has ${row.length} fields but the header has ${header.length} (separator "${delimiter === '\t' ? '\\t' : delimiter}"); quote values that contain the separator`,
        line,
        header.length + 1,
      );
    }
    const stamp = row[timeCol] as string;
    const status = parseLabel(stamp, opts.shiftYears, label);
    if (status !== LABEL_OK) {
      if (status === LABEL_DROPPED) {
        b.shiftDropped++;
        continue;
      }
      throw seriesError(
        where,
        `time "${quote(stamp)}" in column "${timeName}" is not a valid timestamp; use ISO 8601 such as ${TIMESTAMP_EXAMPLES}`,
        line,
        timeCol + 1,
      );
    }
    const cell = row[valueCol] as string;
    const v = parseNumberCell(cell, delimiter);
    if (v === undefined) {
      throw seriesError(where, `value "${quote(cell)}" in column "${valueName}" is not a number`, line, valueCol + 1);
    }
    const i = b.push(label.naiveMs, label.offsetMin, line);
    b.set(0, i, v);
  }
  const [raw] = b.finish(opts.timeZone, [{ unit: opts.unit, source: opts.source }]);
  return raw as RawSeries;
}

/** Reads a generic CSV series from text. */
export function readCsvSeries(text: string, opts: CsvReadOptions, where: SeriesWhere): RawSeries {
  const table = parseCsv(text, where, opts.delimiter);
  const timeCol = opts.timeColumn === undefined ? 0 : requireColumn(table, opts.timeColumn, where, 'time');
  const valueCol = requireColumn(table, opts.valueColumn, where, 'value');
  const name = where.file ?? 'CSV';
  return readTableSeries(
    table,
    timeCol,
    valueCol,
    { unit: opts.unit, timeZone: opts.timeZone, shiftYears: opts.shiftYears ?? 0, source: `${name} column "${table.header[valueCol]}"` },
    where,
  );
}
