/**
 * Open-Meteo JSON (forecast or archive API): `hourly.time` plus one array per variable, units in
 * `hourly_units`.
 *
 * Time labels: Open-Meteo writes local times with ONE fixed offset for the whole response,
 * `utc_offset_seconds` (the zone's offset when the request was made), not a DST-aware wall
 * clock: the shared 2023 America/Chicago file has 8760 distinct labels, including
 * 2023-03-12T02:00 (which does not exist in Chicago) and no repeated autumn hour. So a label is
 * converted to UTC by subtracting `utc_offset_seconds`, never by reading it in the named
 * zone. With `timeformat=unixtime` the times are UTC epoch seconds already.
 */
import { jsonSyntaxMessage, quote, seriesError, type SeriesWhere } from './errors.ts';
import { relativeHumidityFromDewPoint } from './humidity.ts';
import { RawBuilder } from './raw.ts';
import { LABEL_DROPPED, LABEL_OK, TIMESTAMP_EXAMPLES, naiveFromFields, parseLabel, type Label } from './timestamps.ts';
import type { RawSeries } from './types.ts';

/** Weather variables read from a file, each in the file's unit. */
export interface RawWeather {
  temperature: RawSeries;
  humidity: RawSeries;
  cloudCover?: RawSeries;
  windSpeed: RawSeries;
  /** Height of the wind speed, m. */
  windHeightM: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads an Open-Meteo response; `shiftYears` moves the labels by whole years. */
export function readOpenMeteo(text: string, where: SeriesWhere, shiftYears = 0): RawWeather {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw seriesError(where, `not valid JSON (${jsonSyntaxMessage(e)}); expected an Open-Meteo response with an "hourly" object`);
  }
  if (!isObject(doc) || !isObject(doc.hourly)) {
    throw seriesError(where, 'not an Open-Meteo response: no "hourly" object (request hourly variables such as temperature_2m)');
  }
  const hourly = doc.hourly;
  const units = isObject(doc.hourly_units) ? doc.hourly_units : {};
  const time = hourly.time;
  if (!Array.isArray(time) || time.length === 0) {
    throw seriesError(where, 'the Open-Meteo response has no "hourly.time" array (or it is empty)');
  }
  const offsetSec = doc.utc_offset_seconds ?? 0; // Open-Meteo's default zone is GMT
  if (typeof offsetSec !== 'number' || !Number.isFinite(offsetSec) || Math.abs(offsetSec) > 18 * 3600) {
    throw seriesError(where, `"utc_offset_seconds" must be a number of seconds (found ${quote(JSON.stringify(offsetSec))})`);
  }
  const n = time.length;
  const variables = Object.keys(hourly).filter((k) => k !== 'time');
  const pick = (...names: string[]): string | undefined => names.find((k) => Array.isArray(hourly[k]));
  const tKey = pick('temperature_2m');
  const rhKey = pick('relative_humidity_2m', 'relativehumidity_2m');
  const dpKey = pick('dew_point_2m', 'dewpoint_2m');
  const ccKey = pick('cloud_cover', 'cloudcover');
  const wKey = pick('wind_speed_10m', 'windspeed_10m');
  const missing = [
    tKey ? '' : 'temperature_2m',
    rhKey || dpKey ? '' : 'relative_humidity_2m (or dew_point_2m)',
    wKey ? '' : 'wind_speed_10m',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw seriesError(
      where,
      `the Open-Meteo response lacks hourly ${missing.join(', ')}; it has ${variables.length ? variables.join(', ') : 'no variables'}`,
    );
  }

  const column = (key: string): Float64Array => {
    const arr = hourly[key] as Json[];
    if (arr.length !== n) {
      throw seriesError(where, `hourly.${key} has ${arr.length} values but hourly.time has ${n}`);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = arr[i];
      if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
      else if (v === null || v === undefined) out[i] = NaN;
      else throw seriesError(where, `hourly.${key}[${i}] is ${quote(JSON.stringify(v))}, not a number or null`, i + 1);
    }
    return out;
  };
  const temp = column(tKey as string);
  const wind = column(wKey as string);
  const cloud = ccKey ? column(ccKey) : undefined;
  let rh: Float64Array;
  let rhUnit = '%';
  if (rhKey) {
    rh = column(rhKey);
    rhUnit = unitOf(units, rhKey, '%');
  } else {
    // humidity from dew point and temperature, both converted to °C first
    const dp = column(dpKey as string);
    const toC = (u: string): ((x: number) => number) => (/f/i.test(u) ? (x) => ((x - 32) * 5) / 9 : (x) => x);
    const tc = toC(unitOf(units, tKey as string, '°C'));
    const dc = toC(unitOf(units, dpKey as string, '°C'));
    rh = new Float64Array(n);
    for (let i = 0; i < n; i++) rh[i] = relativeHumidityFromDewPoint(tc(temp[i] as number), dc(dp[i] as number));
  }

  const b = new RawBuilder(n, cloud ? 4 : 3);
  const label: Label = { naiveMs: 0, offsetMin: NaN };
  const fixedOffsetMin = offsetSec / 60;
  for (let i = 0; i < n; i++) {
    const t = time[i];
    let naive: number;
    let offsetMin: number;
    if (typeof t === 'number' && Number.isFinite(t)) {
      // unixtime: UTC seconds; shift years on the UTC calendar
      naive = t * 1000;
      offsetMin = 0;
      if (shiftYears !== 0) {
        const d = new Date(naive);
        if (Number.isNaN(d.getTime())) throw seriesError(where, `hourly.time[${i}] = ${t} is not a valid unix time`, i + 1);
        naive = naiveFromFields(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), shiftYears);
        if (naive === -Infinity) {
          b.shiftDropped++;
          continue;
        }
      }
      if (!Number.isFinite(naive) || Math.abs(naive) > 8.64e15) throw seriesError(where, `hourly.time[${i}] = ${t} is not a valid unix time`, i + 1);
    } else if (typeof t === 'string') {
      const status = parseLabel(t, shiftYears, label);
      if (status === LABEL_DROPPED) {
        b.shiftDropped++;
        continue;
      }
      if (status !== LABEL_OK) {
        throw seriesError(where, `hourly.time[${i}] = "${quote(t)}" is not a valid timestamp; use ISO 8601 such as ${TIMESTAMP_EXAMPLES}`, i + 1);
      }
      naive = label.naiveMs;
      // the response's one fixed offset, unless the label carries its own
      offsetMin = Number.isNaN(label.offsetMin) ? fixedOffsetMin : label.offsetMin;
    } else {
      throw seriesError(where, `hourly.time[${i}] is ${quote(JSON.stringify(t ?? null))}, not a timestamp`, i + 1);
    }
    const r = b.push(naive, offsetMin, i + 1);
    b.set(0, r, temp[i] as number);
    b.set(1, r, rh[i] as number);
    b.set(2, r, wind[i] as number);
    if (cloud) b.set(3, r, cloud[i] as number);
  }
  const file = where.file ?? 'Open-Meteo';
  const cols = [
    { unit: unitOf(units, tKey as string, '°C'), source: `${file} hourly.${tKey}` },
    { unit: rhUnit, source: `${file} hourly.${rhKey ?? `${dpKey} (relative humidity from dew point)`}` },
    { unit: unitOf(units, wKey as string, 'km/h'), source: `${file} hourly.${wKey}` },
  ];
  if (ccKey) cols.push({ unit: unitOf(units, ccKey, '%'), source: `${file} hourly.${ccKey}` });
  // every label has an explicit offset, so the zone is never consulted
  const [temperature, humidity, windSpeed, cloudCover] = b.finish('UTC', cols) as [RawSeries, RawSeries, RawSeries, RawSeries?];
  return { temperature, humidity, windSpeed, cloudCover, windHeightM: 10 };
}

function unitOf(units: Record<string, Json>, key: string, fallback: string): string {
  const u = units[key];
  return typeof u === 'string' && u.trim() !== '' ? u : fallback;
}
