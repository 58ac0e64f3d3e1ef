/**
 * OpenADR 3.1 events in and out. In: an `event` (or `eventRequest`) object, checked against
 * the specification's schemas and payload enumerations, becomes a GridEvent. Out: the
 * aggregator's per-site dispatch as one OpenADR `event` per site, with an
 * IMPORT_CAPACITY_LIMIT interval per measurement interval. Every error names the JSON path.
 */
import { MAX_HORIZON_HOURS } from '../../scenario/schema/common.ts';
import { InputError } from '../../errors/index.ts';
import { formatLocalIso, offsetMinutesAt } from '../../time/zone.ts';
import type { Direction, GridEvent, TargetPiece } from '../types.ts';
import { EVENT_PAYLOAD_SCHEMAS, OPENADR_SCHEMAS, UNITS_SCHEMA } from './schema.ts';
import { isRfc3339, validateAgainst, validateOpenAdr, type SchemaIssue } from './validate.ts';

/**
 * Payload types a replay understands, and how each is read. LOAD_DISPATCH is not an
 * OpenADR 3.1 enumeration: it is the OpenADR 2.0b signal name, accepted as a private payload
 * type (valuesMap types may be private strings) with the meaning of DISPATCH_SETPOINT_RELATIVE.
 */
export const SUPPORTED_PAYLOADS = ['IMPORT_CAPACITY_LIMIT', 'DISPATCH_SETPOINT', 'DISPATCH_SETPOINT_RELATIVE', 'LOAD_DISPATCH'] as const;

const LOAD_DISPATCH_SCHEMA = { type: 'array', minItems: 1, maxItems: 1, items: { type: 'number', minimum: 0 } } as const;

const DURATION = /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(\d+(?:\.\d+)?S)?)?$/;

/** Longest event or interval, ms: the longest horizon. */
export const MAX_EVENT_MS = MAX_HORIZON_HOURS * 3_600_000;

function shortText(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/**
 * An ISO 8601 duration in milliseconds. Years and months (calendar-dependent), negative
 * durations and P9999Y ("infinity" in OpenADR) are refused: a replay needs a definite length.
 */
export function parseIsoDuration(text: string): { ms: number } | { error: string } {
  const m = text.length > 64 ? null : DURATION.exec(text);
  if (!m) return { error: `"${shortText(text)}" is not an ISO 8601 duration of at most 64 characters; write e.g. PT3H, PT15M or P1D` };
  if (m[1]) return { error: `"${text}" is negative; an event interval must have a positive length` };
  if (m[2] !== undefined || m[3] !== undefined) return { error: `"${text}" uses years or months, whose length depends on the calendar (P9999Y means "until further notice"); give days, hours or minutes` };
  let ms = 0;
  if (m[4] !== undefined) ms += +m[4] * (m[5] === 'W' ? 7 : 1) * 86_400_000;
  if (m[6] !== undefined) ms += +m[6] * 3_600_000;
  if (m[7] !== undefined) ms += +m[7] * 60_000;
  if (m[8] !== undefined) ms += parseFloat(m[8]) * 1000;
  if (!(ms > 0)) return { error: `"${text}" is zero; an event interval must have a positive length` };
  // "P" and 400 digits is Infinity: it would reach the time-zone code as an invalid date
  if (!(ms <= MAX_EVENT_MS)) return { error: `"${shortText(text)}" is longer than ${MAX_HORIZON_HOURS.toLocaleString('en-US')} hours (the longest horizon)` };
  return { ms };
}

/** Where an OpenADR document came from. */
export interface OpenAdrSource {
  file?: string;
  /** JSON path prefix of the event in the file ('' for a top-level event). */
  path: string;
}

/** What reading an event needs to know about the fleet. */
export interface OpenAdrContext {
  direction: Direction;
  siteIds: string[];
  programIds: string[];
}

function fail(src: OpenAdrSource, path: string, message: string, details: string[] = []): never {
  throw new InputError('EVENT_INVALID', message, { file: src.file, path: path || undefined }, details);
}

function join(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function failIssues(src: OpenAdrSource, issues: SchemaIssue[], what: string): never {
  const first = issues[0]!;
  fail(
    src,
    join(src.path, first.path),
    `${what}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''}`,
    issues.length > 1 ? issues.slice(0, 20).map((i) => `${join(src.path, i.path) || '(top level)'}: ${i.message}`) : [],
  );
}

interface RawInterval {
  id: number;
  intervalPeriod?: { start?: string; duration?: string };
  payloads: Array<{ type: string; values: unknown[] }>;
}

/** True when a parsed JSON value looks like an OpenADR event (has programID or objectType EVENT). */
export function looksLikeOpenAdrEvent(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const o = doc as Record<string, unknown>;
  return 'programID' in o || o.objectType === 'EVENT' || 'intervals' in o;
}

/** One payload of an interval, its values checked against the payload type's definition. */
export interface OpenAdrPayload {
  type: string;
  values: unknown[];
  /** JSON path of the payload. */
  path: string;
}

/** One interval of an OpenADR event with its times resolved. */
export interface OpenAdrInterval {
  id: number;
  startMs: number;
  endMs: number;
  /** JSON path of the interval. */
  path: string;
  payloads: OpenAdrPayload[];
}

/** An OpenADR event checked against the specification, its units and its intervals' times. */
export interface OpenAdrIntervals {
  event: Record<string, unknown>;
  /** Units of each payload type, from the payload descriptors. */
  units: Map<string, string>;
  intervals: OpenAdrInterval[];
}

/**
 * Reads the intervals of one OpenADR 3.1 event object: the object checked against the
 * specification's schemas, each interval's start and duration resolved (the event's
 * `intervalPeriod` is the default, an interval's own overrides it, intervals without a start
 * follow one another), and the values of every payload type the specification defines checked
 * against its definition. A start of "now" (0001-01-01) is refused: the times must be definite.
 */
export function readOpenAdrIntervals(doc: unknown, src: OpenAdrSource): OpenAdrIntervals {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(src, src.path, `an OpenADR event must be a JSON object; found ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  const o = doc as Record<string, unknown>;
  // a server-provided event carries metadata; a request does not
  const component = 'objectType' in o || 'createdDateTime' in o ? 'event' : 'eventRequest';
  const issues = validateOpenAdr(o, component);
  if (issues.length > 0) failIssues(src, issues, `not a valid OpenADR ${OPENADR_SCHEMAS[component] ? '3.1 ' : ''}${component}`);
  if (o.objectType !== undefined && o.objectType !== 'EVENT') fail(src, join(src.path, 'objectType'), `found objectType "${String(o.objectType)}"; an event has objectType "EVENT"`);

  const intervals = (o.intervals ?? []) as RawInterval[];
  if (intervals.length === 0) fail(src, join(src.path, 'intervals'), 'the event has no intervals; give at least one interval with a payload such as IMPORT_CAPACITY_LIMIT');

  // units of each payload type, from the payload descriptors
  const units = new Map<string, string>();
  ((o.payloadDescriptors ?? []) as Array<{ payloadType: string; units?: string | null }>).forEach((d, i) => {
    if (d.units === undefined || d.units === null) return;
    const uIssues = validateAgainst(d.units, UNITS_SCHEMA);
    if (uIssues.length > 0) fail(src, join(src.path, `payloadDescriptors[${i}].units`), `unknown units ${JSON.stringify(d.units)}; OpenADR units: ${(UNITS_SCHEMA.enum as string[]).join(', ')}`);
    units.set(d.payloadType, d.units);
  });

  const eventPeriod = (o.intervalPeriod ?? undefined) as { start?: string; duration?: string } | undefined;
  const parseStart = (text: string, path: string): number => {
    if (text.startsWith('0001-01-01')) fail(src, path, `start "${text}" means "now" in OpenADR; a replay needs an explicit start time`);
    if (!isRfc3339(text)) fail(src, path, `found ${JSON.stringify(text)}; expected an RFC 3339 date-time such as 2025-05-03T16:00:00-07:00`);
    return Date.parse(text);
  };
  const parseDur = (text: string, path: string): number => {
    const d = parseIsoDuration(text);
    if ('error' in d) fail(src, path, d.error);
    return d.ms;
  };
  const defaultStart = eventPeriod?.start !== undefined ? parseStart(eventPeriod.start, join(src.path, 'intervalPeriod.start')) : undefined;
  const defaultDur = eventPeriod?.duration !== undefined ? parseDur(eventPeriod.duration, join(src.path, 'intervalPeriod.duration')) : undefined;

  const out: OpenAdrInterval[] = [];
  let cursor = defaultStart;
  const seenIds = new Set<number>();
  intervals.forEach((iv, i) => {
    const p = join(src.path, `intervals[${i}]`);
    if (seenIds.has(iv.id)) fail(src, `${p}.id`, `interval id ${iv.id} is used twice in this event`);
    seenIds.add(iv.id);
    const own = iv.intervalPeriod;
    const start = own?.start !== undefined ? parseStart(own.start, `${p}.intervalPeriod.start`) : cursor;
    if (start === undefined) fail(src, `${p}.intervalPeriod.start`, 'no start time: give intervalPeriod.start on the event (or on this interval)');
    const dur = own?.duration !== undefined ? parseDur(own.duration, `${p}.intervalPeriod.duration`) : defaultDur;
    if (dur === undefined) fail(src, `${p}.intervalPeriod.duration`, 'no duration: give intervalPeriod.duration on the event (or on this interval)');
    cursor = start + dur;
    const payloads = iv.payloads.map((pl, j) => {
      const pp = `${p}.payloads[${j}]`;
      const def = pl.type === 'LOAD_DISPATCH' ? LOAD_DISPATCH_SCHEMA : EVENT_PAYLOAD_SCHEMAS[pl.type];
      if (def) {
        const vIssues = validateAgainst(pl.values, def, OPENADR_SCHEMAS, `${pp}.values`);
        // the issues' paths start at the payload's own path, which includes src.path already
        if (vIssues.length > 0) failIssues({ ...src, path: '' }, vIssues, `values of ${pl.type} do not match the OpenADR payload definition`);
      }
      return { type: pl.type, values: pl.values, path: pp };
    });
    out.push({ id: iv.id, startMs: start, endMs: start + dur, path: p, payloads });
  });
  return { event: o, units, intervals: out };
}

/** The id wattshift gives an OpenADR event (its id, else its name, made safe for file names and labels). */
export function openAdrEventKey(o: { id?: unknown; eventName?: unknown }): string {
  const name = typeof o.eventName === 'string' && o.eventName ? o.eventName : undefined;
  const rawId = typeof o.id === 'string' ? o.id : (name ?? 'openadr-event');
  return rawId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || 'openadr-event';
}

/**
 * The GridEvent of a checked event (readOpenAdrIntervals) that acts over `spans` with target
 * `targets`: the spans must not overlap and must match the event's `duration` when it has one;
 * the sites called are the event's targets that name sites.
 */
export function gridEventOf(read: OpenAdrIntervals, src: OpenAdrSource, ctx: OpenAdrContext, spans: Array<{ startMs: number; endMs: number }>, targets: TargetPiece[]): GridEvent {
  const o = read.event;
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.startMs < sorted[i - 1]!.endMs) fail(src, join(src.path, 'intervals'), 'two intervals of the event overlap; intervals must follow one another');
  }
  const startMs = sorted[0]!.startMs;
  const endMs = sorted[sorted.length - 1]!.endMs;
  if (typeof o.duration === 'string') {
    const d = parseIsoDuration(o.duration);
    if ('error' in d) fail(src, join(src.path, 'duration'), d.error);
    if (Math.abs(d.ms - (endMs - startMs)) > 1000) fail(src, join(src.path, 'duration'), `the event duration ${o.duration} does not match its intervals (${(endMs - startMs) / 3_600_000} h)`);
  }
  const eventTargets = (o.targets ?? []) as string[];
  const sites = eventTargets.filter((t) => ctx.siteIds.includes(t));
  const programID = o.programID as string;
  const name = typeof o.eventName === 'string' && o.eventName ? o.eventName : undefined;
  return {
    id: openAdrEventKey(o),
    programId: ctx.programIds.includes(programID) ? programID : undefined,
    direction: ctx.direction,
    startMs,
    endMs,
    issuedMs: typeof o.createdDateTime === 'string' && isRfc3339(o.createdDateTime) ? Date.parse(o.createdDateTime) : undefined,
    targets: [...targets].sort((a, b) => a.startMs - b.startMs),
    sites: sites.length > 0 ? sites : undefined,
    source: `OpenADR 3.1 event${name ? ` "${name}"` : ''} (programID ${programID})`,
    path: src.path,
    file: src.file,
  };
}

/** Reads one OpenADR 3.1 event object into a GridEvent. */
export function openAdrToEvent(doc: unknown, src: OpenAdrSource, ctx: OpenAdrContext): GridEvent {
  const read = readOpenAdrIntervals(doc, src);
  const pieces: TargetPiece[] = [];
  for (const iv of read.intervals) {
    let piece: TargetPiece | undefined;
    const unsupported: string[] = [];
    for (const pl of iv.payloads) {
      if (!(SUPPORTED_PAYLOADS as readonly string[]).includes(pl.type)) {
        unsupported.push(pl.type);
        continue;
      }
      if (piece) fail(src, pl.path, `interval ${iv.id} has more than one dispatch payload (${pl.type} after another); give one per interval`);
      const value = pl.values[0] as number;
      const unit = read.units.get(pl.type) ?? 'KW';
      const span = { startMs: iv.startMs, endMs: iv.endMs };
      const relative = pl.type === 'DISPATCH_SETPOINT_RELATIVE' || pl.type === 'LOAD_DISPATCH';
      if (relative) {
        if (unit === 'KW') piece = { ...span, kind: 'kw', value };
        else if (unit === 'PERCENT') {
          if (value > 1) fail(src, `${pl.path}.values[0]`, `found ${value} with units PERCENT; OpenADR writes percentages as fractions between 0 and 1 (0.25 = 25 %)`);
          piece = { ...span, kind: 'fraction', value };
        } else fail(src, join(src.path, 'payloadDescriptors'), `${pl.type} in units ${unit} is not supported; use KW or PERCENT`);
      } else {
        if (unit !== 'KW') fail(src, join(src.path, 'payloadDescriptors'), `${pl.type} in units ${unit} is not supported; use KW`);
        piece = { ...span, kind: 'limitKW', value };
      }
    }
    if (!piece) {
      fail(src, `${iv.path}.payloads`, `interval ${iv.id} has no dispatch payload${unsupported.length ? ` (found ${unsupported.join(', ')})` : ''}; supported: ${SUPPORTED_PAYLOADS.join(', ')}`);
    }
    pieces.push(piece);
  }
  return gridEventOf(read, src, ctx, pieces, pieces);
}

/** One site's planned import per interval, for the outgoing OpenADR event. */
export interface SiteDispatchPlan {
  site: string;
  timeZone: string;
  /** Interval starts, UTC ms. */
  startMs: number[];
  intervalMinutes: number;
  /** Import limit (or setpoint, or export limit) per interval, kW. */
  limitKW: number[];
}

/** An id or name made safe for OpenADR's objectID pattern (letters, digits, `_`, `-`; 1–128). */
function safeId(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 128) || 'x';
}

/** The fields every event the aggregator sends one site shares: ids, times, name, target. */
function siteEventHead(site: string, iso: (ms: number) => string, eventId: string, programId: string, issuedMs: number, what: 'dispatch' | 'prices' | 'levels'): Record<string, unknown> {
  return {
    id: safeId(`${eventId}-${site}`),
    createdDateTime: iso(issuedMs),
    modificationDateTime: iso(issuedMs),
    objectType: 'EVENT',
    programID: safeId(programId),
    eventName: `${eventId}: ${what} to ${site}`,
    priority: 0,
    targets: [site],
  };
}

/**
 * The aggregator's dispatch to one site as an OpenADR 3.1 `event`: one interval per
 * measurement interval, targeted at the site, with an IMPORT_CAPACITY_LIMIT (peak shaving:
 * stay at or below), DISPATCH_SETPOINT (consume this much) or EXPORT_CAPACITY_LIMIT (export at
 * most this) payload in kW.
 */
export function siteDispatchEvent(plan: SiteDispatchPlan, eventId: string, programId: string, issuedMs: number, payloadType: 'IMPORT_CAPACITY_LIMIT' | 'DISPATCH_SETPOINT' | 'EXPORT_CAPACITY_LIMIT' = 'IMPORT_CAPACITY_LIMIT'): Record<string, unknown> {
  const iso = (ms: number) => formatLocalIso(ms, offsetMinutesAt(plan.timeZone, ms));
  return {
    ...siteEventHead(plan.site, iso, eventId, programId, issuedMs, 'dispatch'),
    payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType, units: 'KW' }],
    intervalPeriod: { start: iso(plan.startMs[0]!), duration: `PT${plan.intervalMinutes}M` },
    intervals: plan.limitKW.map((v, i) => ({ id: i, payloads: [{ type: payloadType, values: [Math.round(Math.max(0, v) * 1000) / 1000] }] })),
  };
}

/** Prices (or SIMPLE levels) passed down to one site, as they came from upstream. */
export interface SitePricePlan {
  site: string;
  timeZone: string;
  /** The values per interval: prices, or SIMPLE levels 0–3. */
  prices: Array<{ startMs: number; endMs: number; value: number }>;
  /** PRICE (the default) or SIMPLE. */
  payloadType?: 'PRICE' | 'SIMPLE';
  /** The upstream payload descriptor (a PRICE's units and currency). */
  descriptor: Record<string, unknown>;
}

/**
 * A signal passed down to one site as an OpenADR 3.1 `event` targeted at it: the upstream PRICE
 * values or SIMPLE levels, each interval with its own period (so intervals the upstream event gave
 * without a value leave no gap that would shift the rest), and the upstream payload descriptor.
 */
export function sitePriceEvent(plan: SitePricePlan, eventId: string, programId: string, issuedMs: number): Record<string, unknown> {
  const iso = (ms: number) => formatLocalIso(ms, offsetMinutesAt(plan.timeZone, ms));
  const minutes = (p: { startMs: number; endMs: number }) => `PT${Math.round((p.endMs - p.startMs) / 60_000)}M`;
  const type = plan.payloadType ?? 'PRICE';
  return {
    ...siteEventHead(plan.site, iso, eventId, programId, issuedMs, type === 'PRICE' ? 'prices' : 'levels'),
    payloadDescriptors: [plan.descriptor],
    intervalPeriod: { start: iso(plan.prices[0]!.startMs), duration: minutes(plan.prices[0]!) },
    intervals: plan.prices.map((p, i) => ({ id: i, intervalPeriod: { start: iso(p.startMs), duration: minutes(p) }, payloads: [{ type, values: [p.value] }] })),
  };
}
