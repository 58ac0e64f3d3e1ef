/**
 * What the aggregator does with an event from the utility's VTN, read from its payloads:
 *
 * | upstream payload | kind | what goes down to each site |
 * |---|---|---|
 * | DISPATCH_SETPOINT_RELATIVE, LOAD_DISPATCH (kW or PERCENT), IMPORT_CAPACITY_LIMIT (kW) | reduce | its share of the fleet change by merit order, as an IMPORT_CAPACITY_LIMIT (a DISPATCH_SETPOINT for a valley-filling program: a limit cannot ask for more) |
 * | DISPATCH_SETPOINT (kW, the fleet's import) | setpoint | its share, as its own DISPATCH_SETPOINT |
 * | EXPORT_CAPACITY_LIMIT (kW, the fleet's export) | export | its EXPORT_CAPACITY_LIMIT, split by export flexibility |
 * | PRICE (per KWH or MWH) | price | the same PRICE values; each site answers from its own plan |
 * | SIMPLE (levels 0–3) | simple | the same levels; each site sheds its level's share of its own base import |
 *
 * An event carries one of these kinds (two kinds in one event are refused by JSON path); other
 * payload types (GHG, alerts, …) are listed as not passed down.
 */
import { InputError } from '../errors/index.ts';
import { gridEventOf, openAdrToEvent, readOpenAdrIntervals, SUPPORTED_PAYLOADS, type OpenAdrContext, type OpenAdrSource } from '../programs/openadr/event.ts';
import type { GridEvent } from '../programs/types.ts';
import type { ExportLimitPiece } from './export-split.ts';
import type { SplitKind } from './split.ts';

/** One PRICE value and when it holds. */
export interface PricePiece {
  startMs: number;
  endMs: number;
  value: number;
}

/** An upstream event read for the aggregator. */
export type UpstreamCall = { event: GridEvent; ignored: string[] } & (
  | { kind: Extract<SplitKind, 'reduce' | 'setpoint'> }
  | { kind: 'export'; limits: ExportLimitPiece[] }
  | { kind: 'price' | 'simple'; prices: PricePiece[]; descriptor: Record<string, unknown> }
);

/** Payload types the aggregator passes down, by kind. */
export const UPSTREAM_PAYLOADS: Record<SplitKind, readonly string[]> = {
  reduce: SUPPORTED_PAYLOADS.filter((t) => t !== 'DISPATCH_SETPOINT'),
  setpoint: ['DISPATCH_SETPOINT'],
  export: ['EXPORT_CAPACITY_LIMIT'],
  price: ['PRICE'],
  simple: ['SIMPLE'],
};

/** Reads one upstream OpenADR 3.1 event. */
export function readUpstreamEvent(doc: unknown, src: OpenAdrSource, ctx: OpenAdrContext): UpstreamCall {
  const read = readOpenAdrIntervals(doc, src);
  const fail = (path: string, message: string): never => {
    throw new InputError('EVENT_INVALID', message, { file: src.file, path: path || undefined });
  };
  const at = (p: string) => (src.path ? `${src.path}.${p}` : p);
  const kinds = new Map<SplitKind, string>();
  const ignored = new Set<string>();
  for (const iv of read.intervals) {
    for (const pl of iv.payloads) {
      const kind = (Object.keys(UPSTREAM_PAYLOADS) as SplitKind[]).find((k) => UPSTREAM_PAYLOADS[k].includes(pl.type));
      if (kind) {
        if (!kinds.has(kind)) kinds.set(kind, pl.path);
      } else ignored.add(pl.type);
    }
  }
  const all = Object.values(UPSTREAM_PAYLOADS).flat();
  if (kinds.size === 0) fail(at('intervals'), `the event has no payload the aggregator passes on${ignored.size ? ` (found ${[...ignored].join(', ')})` : ''}; it passes on ${all.join(', ')}`);
  if (kinds.size > 1) {
    const [first, second] = [...kinds.entries()] as [[SplitKind, string], [SplitKind, string]];
    fail(second[1], `the event mixes ${UPSTREAM_PAYLOADS[first[0]].join('/')} with ${UPSTREAM_PAYLOADS[second[0]].join('/')}; the aggregator passes on one kind per event: send them as separate events`);
  }
  const kind = [...kinds.keys()][0]!;
  const notPassed = [...ignored];
  if (kind === 'reduce' || kind === 'setpoint') return { kind, event: openAdrToEvent(doc, src, ctx), ignored: notPassed };

  const type = UPSTREAM_PAYLOADS[kind][0]!;
  const descriptorIndex = ((read.event.payloadDescriptors ?? []) as Array<{ payloadType?: string }>).findIndex((d) => d.payloadType === type);
  const unitsPath = at(descriptorIndex >= 0 ? `payloadDescriptors[${descriptorIndex}].units` : 'payloadDescriptors');
  const units = read.units.get(type);
  if (kind === 'export' && (units ?? 'KW') !== 'KW') fail(unitsPath, `EXPORT_CAPACITY_LIMIT in units ${units} is not supported; use KW`);
  if (kind === 'price' && !['KWH', 'MWH'].includes(units ?? 'KWH')) fail(unitsPath, `PRICE per ${units} is not supported; give a price per KWH or MWH`);
  const pieces: PricePiece[] = [];
  for (const iv of read.intervals) {
    const found = iv.payloads.filter((p) => p.type === type);
    if (found.length > 1) fail(found[1]!.path, `interval ${iv.id} has ${type} twice; give one per interval`);
    if (!found[0]) continue;
    const value = found[0].values[0] as number;
    pieces.push({ startMs: iv.startMs, endMs: iv.endMs, value });
  }
  const event = gridEventOf(read, src, ctx, pieces, []);
  if (kind === 'export') return { kind, event, limits: pieces.map((p) => ({ startMs: p.startMs, endMs: p.endMs, limitKW: p.value })), ignored: notPassed };
  const given = descriptorIndex >= 0 ? ((read.event.payloadDescriptors as Array<Record<string, unknown>>)[descriptorIndex] ?? {}) : {};
  if (kind === 'simple') return { kind, event, prices: pieces, descriptor: { objectType: 'EVENT_PAYLOAD_DESCRIPTOR', ...given, payloadType: 'SIMPLE' }, ignored: notPassed };
  return { kind, event, prices: pieces, descriptor: { objectType: 'EVENT_PAYLOAD_DESCRIPTOR', ...given, payloadType: 'PRICE', units: units ?? 'KWH' }, ignored: notPassed };
}
