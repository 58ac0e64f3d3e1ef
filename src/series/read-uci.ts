/**
 * Weather from the two UCI air-quality data sets (Liang et al.):
 * - "PM2.5 Data of Five Chinese Cities" (`uci-pm25`):
 *   `No,year,month,day,hour,season,PM_…,DEWP,HUMI,PRES,TEMP,cbwd,Iws,precipitation,Iprec`
 * - "Beijing PM2.5 Data" (`uci-prsa`): `No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir`
 * Times are wall clock (China Standard Time unless the scenario says otherwise); `NA` marks
 * missing cells. Temperatures and dew points are °C, HUMI is %, Iws is m/s. There is no cloud
 * cover.
 *
 * Humidity: HUMI when present, else from DEWP and TEMP by the Magnus formula (PRSA has no
 * HUMI column; the five-city files have NA cells).
 *
 * Wind: `Iws` is the wind speed CUMULATED over the hours since the wind direction `cbwd` last
 * changed (it restarts at each change). The hourly speed is therefore Iws minus the previous
 * hour's Iws when the direction is unchanged and the difference is not negative, and Iws
 * itself otherwise (a new direction run starts, or the counter was reset). The first row of a
 * file, and a row after a missing or non-adjacent one, cannot be differenced and is left
 * missing (filled like any other gap).
 */
import { parseCsv } from './csv.ts';
import { parseNumberCell } from './cells.ts';
import { describeHeader, quote, seriesError, type SeriesWhere } from './errors.ts';
import { relativeHumidityFromDewPoint } from './humidity.ts';
import type { RawWeather } from './read-open-meteo.ts';
import { RawBuilder } from './raw.ts';
import { naiveFromFields } from './timestamps.ts';
import type { RawSeries } from './types.ts';

const HOUR = 3_600_000;

/** Reads a UCI PM2.5 weather file; wall-clock times are read in `timeZone`. */
export function readUci(
  text: string,
  format: 'uci-pm25' | 'uci-prsa',
  timeZone: string,
  where: SeriesWhere,
  shiftYears = 0,
): RawWeather {
  const table = parseCsv(text, where);
  const { header, rows, lines, delimiter } = table;
  const lower = header.map((h) => h.toLowerCase());
  const col = (name: string): number => lower.indexOf(name.toLowerCase());
  const cYear = col('year'), cMonth = col('month'), cDay = col('day'), cHour = col('hour');
  const cTemp = col('TEMP'), cDewp = col('DEWP'), cHumi = col('HUMI'), cIws = col('Iws'), cDir = col('cbwd');
  const missing = [
    ['year', cYear], ['month', cMonth], ['day', cDay], ['hour', cHour], ['TEMP', cTemp], ['Iws', cIws], ['cbwd', cDir],
  ].filter(([, c]) => c === -1).map(([n]) => n as string);
  if (cHumi < 0 && cDewp < 0) missing.push('HUMI or DEWP');
  if (missing.length > 0) {
    const expected =
      format === 'uci-pm25'
        ? 'No,year,month,day,hour,season,PM_…,DEWP,HUMI,PRES,TEMP,cbwd,Iws,precipitation,Iprec'
        : 'No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir';
    throw seriesError(
      where,
      `not a UCI ${format} file: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${expected}); found ${describeHeader(header)}`,
      table.headerLine,
    );
  }
  const need = Math.max(cYear, cMonth, cDay, cHour, cTemp, cDewp, cHumi, cIws, cDir) + 1;
  const b = new RawBuilder(rows.length, 3);
  const num = (row: string[], c: number, line: number): number => {
    if (c < 0) return NaN;
    const cell = row[c] as string;
    const v = parseNumberCell(cell, delimiter);
    if (v === undefined) throw seriesError(where, `value "${quote(cell)}" in column "${header[c]}" is not a number`, line, c + 1);
    return v;
  };
  const int = (row: string[], c: number, line: number): number => {
    const v = num(row, c, line);
    if (!Number.isInteger(v)) {
      throw seriesError(where, `"${quote(row[c] as string)}" in column "${header[c]}" must be a whole number`, line, c + 1);
    }
    return v;
  };
  let prevNaive = NaN;
  let prevIws = NaN;
  let prevDir = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as string[];
    const line = lines[r] as number;
    if (row.length < need) {
      throw seriesError(where, `this row has ${row.length} fields; the header has ${header.length}`, line);
    }
    const naive = naiveFromFields(int(row, cYear, line), int(row, cMonth, line), int(row, cDay, line), int(row, cHour, line), 0, 0, shiftYears);
    if (naive === -Infinity) {
      b.shiftDropped++;
      prevNaive = NaN;
      continue;
    }
    if (Number.isNaN(naive)) {
      throw seriesError(
        where,
        `year/month/day/hour ${row[cYear]}-${row[cMonth]}-${row[cDay]} ${row[cHour]}h is not a valid date and hour`,
        line,
        cYear + 1,
      );
    }
    const temp = num(row, cTemp, line);
    const humi = num(row, cHumi, line);
    const rh = Number.isNaN(humi) ? relativeHumidityFromDewPoint(temp, num(row, cDewp, line)) : humi;
    const iws = num(row, cIws, line);
    const dir = (row[cDir] as string).trim();
    let wind: number;
    const dirKnown = dir !== '' && dir !== 'NA';
    if (Number.isNaN(iws) || !dirKnown) wind = NaN;
    else if (naive - prevNaive !== HOUR || prevDir === '') wind = NaN; // no previous hour to compare with
    else if (dir !== prevDir) wind = iws; // a new direction run starts counting afresh
    else if (Number.isNaN(prevIws)) wind = NaN;
    else wind = iws - prevIws >= 0 ? iws - prevIws : iws;
    prevNaive = naive;
    prevIws = iws;
    prevDir = dirKnown ? dir : '';
    const i = b.push(naive, NaN, line);
    b.set(0, i, temp);
    b.set(1, i, rh);
    b.set(2, i, wind);
  }
  const file = where.file ?? format;
  const [temperature, humidity, windSpeed] = b.finish(timeZone, [
    { unit: 'degC', source: `${file} column "TEMP"` },
    { unit: '%', source: cHumi >= 0 ? `${file} column "HUMI" (else from DEWP, TEMP)` : `${file} relative humidity from "DEWP" and "TEMP"` },
    { unit: 'm/s', source: `${file} hourly wind from cumulated "Iws"` },
  ]) as [RawSeries, RawSeries, RawSeries];
  return { temperature, humidity, windSpeed, windHeightM: 10 };
}
