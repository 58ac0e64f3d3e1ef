/**
 * Telemetry a VEN reads from its site (meter power imported and exported, GPU power, job progress)
 * kept as time series: samples in time order per quantity, averaged to the program's intervals
 * for reports. Samples arrive over HTTP (`POST /telemetry`, JSON) or MQTT
 * (`<prefix>/<site>/telemetry`), or from the in-process site of `wattshift demo vpp`; each may be
 * appended to a JSON-lines file as it comes, and that file is read back when the VEN starts again,
 * so a restart does not lose the history its measured reports and baselines need.
 */
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { InputError } from '../../errors/index.ts';

/** Quantities a site reports. */
export const TELEMETRY_QUANTITIES = ['meterKW', 'gpuKW', 'storageSocKWh', 'jobProgress', 'exportKW'] as const;

/** One of {@link TELEMETRY_QUANTITIES}. */
export type TelemetryQuantity = (typeof TELEMETRY_QUANTITIES)[number];

/** One sample: the average over [startMs, startMs + durationMs) (durationMs 0: an instant). */
export interface TelemetrySample {
  quantity: TelemetryQuantity;
  startMs: number;
  durationMs: number;
  value: number;
  /** What the sample is of, e.g. a job id for jobProgress (default: the site). */
  key?: string;
}

/** Checks one JSON sample (`{ quantity, start, durationMinutes?, value, key? }`); errors name the field. */
export function parseSample(doc: unknown, where = 'telemetry'): TelemetrySample {
  const o = (doc ?? {}) as Record<string, unknown>;
  const bad = (field: string, msg: string): never => {
    throw new InputError('OPTION_INVALID', `${where}.${field}: ${msg}`, { path: `${where}.${field}` });
  };
  if (!(TELEMETRY_QUANTITIES as readonly string[]).includes(String(o.quantity))) bad('quantity', `found ${JSON.stringify(o.quantity)}; use ${TELEMETRY_QUANTITIES.join(', ')}`);
  const startMs = typeof o.start === 'string' ? Date.parse(o.start) : Number.NaN;
  if (!Number.isFinite(startMs)) bad('start', `found ${JSON.stringify(o.start)}; give an RFC 3339 date-time`);
  const minutes = o.durationMinutes === undefined ? 0 : Number(o.durationMinutes);
  if (!(minutes >= 0)) bad('durationMinutes', `found ${JSON.stringify(o.durationMinutes)}; give minutes ≥ 0`);
  const value = Number(o.value);
  if (typeof o.value !== 'number' || !Number.isFinite(value)) bad('value', `found ${JSON.stringify(o.value)}; give a finite number`);
  return { quantity: o.quantity as TelemetryQuantity, startMs, durationMs: minutes * 60_000, value, key: typeof o.key === 'string' ? o.key : undefined };
}

/** Time series of one site's telemetry. */
export class TelemetryStore {
  private readonly series = new Map<string, TelemetrySample[]>();

  /** With `file`: the samples already in it are read back, and every new one is appended. */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) this.load(file);
  }

  /**
   * Reads the samples of a JSON-lines file this store wrote. A last line without its newline was
   * cut short by a process killed while writing it: it is dropped, and cut from the file (so the
   * next sample starts a line of its own) once every other line has been read. Any other bad
   * line is an error naming its file and line, and the file is left as it was.
   */
  private load(file: string): void {
    const bytes = readFileSync(file);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const samples = bytes
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .map((line, i) => (line.trim() === '' ? undefined : storedSample(line, file, i + 1)));
    if (end < bytes.length) truncateSync(file, end);
    for (const s of samples) if (s) this.add(s);
  }

  /** Adds a sample (kept in time order). */
  record(s: TelemetrySample): void {
    this.add(s);
    if (this.file) appendFileSync(this.file, `${JSON.stringify({ ...s, start: new Date(s.startMs).toISOString() })}\n`);
  }

  private add(s: TelemetrySample): void {
    const k = `${s.quantity}/${s.key ?? ''}`;
    const list = this.series.get(k) ?? [];
    if (list.length === 0 || list[list.length - 1]!.startMs <= s.startMs) list.push(s);
    else list.splice(list.findIndex((x) => x.startMs > s.startMs), 0, s);
    this.series.set(k, list);
  }

  /**
   * Time-weighted average of `quantity` over each interval [from + i·interval, …), NaN where no
   * sample covers it. Instant samples count where they fall.
   */
  averages(quantity: TelemetryQuantity, fromMs: number, intervalMs: number, count: number, key?: string): Float64Array {
    const list = this.series.get(`${quantity}/${key ?? ''}`) ?? [];
    const sum = new Float64Array(count);
    const weight = new Float64Array(count);
    for (const s of list) {
      const a = s.startMs;
      const b = s.startMs + s.durationMs;
      const i0 = Math.floor((a - fromMs) / intervalMs);
      const i1 = s.durationMs > 0 ? Math.ceil((b - fromMs) / intervalMs) : i0 + 1;
      for (let i = Math.max(0, i0); i < Math.min(count, i1); i++) {
        const lo = fromMs + i * intervalMs;
        const w = s.durationMs > 0 ? Math.max(0, Math.min(b, lo + intervalMs) - Math.max(a, lo)) : 1;
        sum[i]! += w * s.value;
        weight[i]! += w;
      }
    }
    return sum.map((v, i) => (weight[i]! > 0 ? v / weight[i]! : Number.NaN));
  }
}

/** One line of a telemetry file as {@link TelemetryStore} writes it; errors name the file, line and field. */
function storedSample(line: string, file: string, lineNo: number): TelemetrySample {
  const bad = (what: string): never => {
    throw new InputError('SERIES_INVALID', `telemetry sample: ${what} (a line of the VEN's telemetry file: a JSON object with quantity, startMs, durationMs and value)`, { file, line: lineNo });
  };
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return bad(`not JSON: ${JSON.stringify(line.slice(0, 40))}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad(`found ${JSON.stringify(line.slice(0, 40))}, not an object`);
  const r = o as Record<string, unknown>;
  if (!(TELEMETRY_QUANTITIES as readonly string[]).includes(String(r.quantity))) bad(`quantity ${JSON.stringify(r.quantity)}; use ${TELEMETRY_QUANTITIES.join(', ')}`);
  const { startMs, durationMs, value } = r;
  if (typeof startMs !== 'number' || !Number.isFinite(startMs)) bad(`startMs ${JSON.stringify(startMs)}; give milliseconds since 1970-01-01T00:00Z`);
  if (typeof durationMs !== 'number' || !(durationMs >= 0)) bad(`durationMs ${JSON.stringify(durationMs)}; give milliseconds ≥ 0`);
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(`value ${JSON.stringify(value)}; give a finite number`);
  return { quantity: r.quantity as TelemetryQuantity, startMs: startMs as number, durationMs: durationMs as number, value: value as number, key: typeof r.key === 'string' ? r.key : undefined };
}
