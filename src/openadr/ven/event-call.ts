/**
 * From an OpenADR 3.1 event to what it asks of one site (a SiteCall on the model's time grid):
 * intervals with their periods (the event's default interval period, an interval's own period,
 * intervals following one another), and each payload type mapped to a lever target:
 *
 * | payload | meaning for the site |
 * |---|---|
 * | IMPORT_CAPACITY_LIMIT (kW) | import at most this: reduce by base import − value |
 * | DISPATCH_SETPOINT (kW) | import this: reduce by base import − value, or (above the plan) increase by value − base import |
 * | DISPATCH_SETPOINT_RELATIVE, LOAD_DISPATCH (kW) | reduce import by the value's magnitude |
 * | SIMPLE (level 0–3) | reduce by 0/10/20/30 % of base import (SIMPLE_LEVEL_FRACTION) |
 * | PRICE (currency per kWh, or per MWh with units MWH) | above the site's reference price: reduce where a lever costs less; below it: move consumption in |
 * | EXPORT_CAPACITY_LIMIT (kW) | export at most this: absorb the surplus (storage, work pulled forward), else curtail |
 *
 * Other payload types (GHG, alerts, curves, …) are listed as ignored.
 */
import { InputError } from '../../errors/index.ts';
import type { SiteCall, SiteState } from '../../respond/site-call.ts';
import { parseIsoDuration } from '../../programs/openadr/event.ts';
import type { OadrObject } from './client.ts';

/**
 * Reduction asked by a SIMPLE level, as a fraction of the base import (levels 0–3). OpenADR
 * leaves the meaning of levels to the program; this is our assumption (docs/ven.md).
 */
export const SIMPLE_LEVEL_FRACTION = [0, 0.1, 0.2, 0.3] as const;

/** A SiteCall with what else the event said. */
export interface EventCall extends SiteCall {
  /** Payload types the VEN does not act on. */
  ignored: string[];
  /** The event's modificationDateTime (or createdDateTime): a change means a new answer. */
  version: string;
}

/** Reads `event` for the site in `state`; the event's times must lie on the model's grid. */
export function eventCall(state: SiteState, event: OadrObject): EventCall {
  const grid = state.model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  const id = String(event.id ?? event.eventName ?? 'event');
  const fail = (path: string, msg: string): never => {
    throw new InputError('EVENT_INVALID', `event "${id}": ${msg}`, { path });
  };
  const period = event.intervalPeriod as { start?: string; duration?: string } | undefined;
  const dur = (text: string | undefined, path: string): number | undefined => {
    if (text === undefined) return undefined;
    const d = parseIsoDuration(text);
    if ('error' in d) fail(path, d.error);
    return (d as { ms: number }).ms;
  };
  const start = (text: string | undefined, path: string): number | undefined => {
    if (text === undefined) return undefined;
    // "0001-01-01…" means now in OpenADR: the current time, on the grid
    if (text.startsWith('0001-01-01')) return grid.startMs + Math.ceil((Date.now() - grid.startMs) / stepMs) * stepMs;
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) fail(path, `start ${JSON.stringify(text)} is not an RFC 3339 date-time`);
    return ms;
  };
  const units = new Map<string, string>();
  for (const d of (event.payloadDescriptors ?? []) as Array<{ payloadType?: string; units?: string | null }>) if (d.payloadType && d.units) units.set(d.payloadType, d.units);
  const L = state.baseLedger.sites[state.site]!;
  const pieces: Array<{ from: number; to: number; type: string; value: number }> = [];
  const ignored = new Set<string>();
  let cursor = start(period?.start, 'intervalPeriod.start');
  const intervals = (event.intervals ?? []) as Array<{ id: number; intervalPeriod?: { start?: string; duration?: string }; payloads?: Array<{ type: string; values: unknown[] }> }>;
  intervals.forEach((iv, i) => {
    const p = `intervals[${i}]`;
    const s0 = start(iv.intervalPeriod?.start, `${p}.intervalPeriod.start`) ?? cursor;
    const d = dur(iv.intervalPeriod?.duration, `${p}.intervalPeriod.duration`) ?? dur(period?.duration, 'intervalPeriod.duration');
    if (s0 === undefined || d === undefined) return fail(p, 'no start or duration: give intervalPeriod on the event or the interval');
    cursor = s0 + d;
    const from = (s0 - grid.startMs) / stepMs;
    const to = (s0 + d - grid.startMs) / stepMs;
    if (!Number.isInteger(from) || !Number.isInteger(to)) fail(`${p}.intervalPeriod`, `interval ${iv.id} does not start and end on the site's ${grid.stepMinutes}-minute steps`);
    for (const pl of iv.payloads ?? []) {
      const v = Number(pl.values?.[0]);
      if (!Number.isFinite(v)) {
        ignored.add(pl.type);
        continue;
      }
      pieces.push({ from: Math.max(0, from), to: Math.min(grid.steps, to), type: pl.type, value: v });
    }
  });
  const acted = pieces.filter((x) => ['IMPORT_CAPACITY_LIMIT', 'DISPATCH_SETPOINT', 'DISPATCH_SETPOINT_RELATIVE', 'LOAD_DISPATCH', 'SIMPLE', 'PRICE', 'EXPORT_CAPACITY_LIMIT'].includes(x.type));
  for (const x of pieces) if (!acted.includes(x)) ignored.add(x.type);
  const inside = acted.filter((x) => x.to > x.from);
  if (inside.length === 0) fail('intervals', `no interval with a payload the VEN acts on lies inside the horizon${ignored.size ? ` (ignored: ${[...ignored].join(', ')})` : ''}`);
  const startStep = Math.min(...inside.map((x) => x.from));
  const endStep = Math.max(...inside.map((x) => x.to));
  const len = endStep - startStep;
  const requiredKW = new Float64Array(len);
  let valuePerMWh: Float64Array | undefined;
  let exportLimitKW: Float64Array | undefined;
  let increaseKW: Float64Array | undefined;
  for (const x of inside) {
    for (let t = x.from; t < x.to; t++) {
      const q = t - startStep;
      const base = L.gridImportKW[t]!;
      let want = 0;
      switch (x.type) {
        case 'IMPORT_CAPACITY_LIMIT':
          want = Math.max(0, base - x.value);
          break;
        case 'DISPATCH_SETPOINT':
          want = Math.max(0, base - x.value);
          if (x.value > base) {
            increaseKW ??= new Float64Array(len);
            increaseKW[q] = Math.max(increaseKW[q]!, x.value - base);
          }
          break;
        case 'DISPATCH_SETPOINT_RELATIVE':
        case 'LOAD_DISPATCH':
          want = Math.abs(x.value);
          break;
        case 'SIMPLE':
          want = base * (SIMPLE_LEVEL_FRACTION[Math.max(0, Math.min(3, Math.round(x.value)))] ?? 0);
          break;
        case 'PRICE':
          valuePerMWh ??= new Float64Array(len);
          valuePerMWh[q] = units.get('PRICE') === 'MWH' ? x.value : x.value * 1000;
          break;
        case 'EXPORT_CAPACITY_LIMIT':
          exportLimitKW ??= new Float64Array(len).fill(Number.POSITIVE_INFINITY);
          exportLimitKW[q] = Math.min(exportLimitKW[q]!, Math.max(0, x.value));
          break;
      }
      requiredKW[q] = Math.max(requiredKW[q]!, Math.min(want, Math.max(0, base)));
    }
  }
  return { id, startStep, endStep, requiredKW, valuePerMWh, increaseKW, exportLimitKW, ignored: [...ignored], version: String(event.modificationDateTime ?? event.createdDateTime ?? '') };
}
