/**
 * OpenADR 3.1: the copied schema parts match the specification files (when they are beside the
 * repository), the bundled event files validate and read as expected, the per-site dispatch
 * the aggregator writes validates as an `event` and reads back to the same intervals, and bad
 * documents are refused with the JSON path of the problem.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors/index.ts';
import { openAdrToEvent, parseIsoDuration, siteDispatchEvent } from './event.ts';
import { EVENT_PAYLOAD_SCHEMAS, OPENADR_SCHEMAS, UNITS_SCHEMA } from './schema.ts';
import { isRfc3339, validateOpenAdr } from './validate.ts';

const SPEC_DIR = fileURLToPath(new URL('../../../spec/openadr3/3.1.0/', import.meta.url));
const EVENTS = fileURLToPath(new URL('../../../examples/events/', import.meta.url));
const ctx = { direction: 'reduce' as const, siteIds: ['phoenix', 'tempe'], programIds: ['srp-peak-2025'] };

function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'description' && k !== 'example' && k !== '$id').map(([k, v]) => [k, strip(v)]));
  return x;
}

describe('copied schema parts', () => {
  it('equal the specification (descriptions and examples aside)', () => {
    const spec = parse(readFileSync(`${SPEC_DIR}openadr3.yaml`, 'utf8')) as { components: { schemas: Record<string, unknown> } };
    for (const [name, schema] of Object.entries(OPENADR_SCHEMAS)) expect(schema, name).toEqual(strip(spec.components.schemas[name]));
    const payloads = parse(readFileSync(`${SPEC_DIR}enumerations/event-interval-payloads.schema.yaml`, 'utf8')) as { definitions: Record<string, unknown> };
    for (const [name, schema] of Object.entries(EVENT_PAYLOAD_SCHEMAS)) expect(schema, name).toEqual(strip(payloads.definitions[name]));
    const units = parse(readFileSync(`${SPEC_DIR}enumerations/units.schema.yaml`, 'utf8')) as { enum: string[] };
    expect(UNITS_SCHEMA.enum).toEqual(units.enum);
  });
});

describe('reading OpenADR events', () => {
  it('reads the bundled relative-percent event', () => {
    const doc = JSON.parse(readFileSync(`${EVENTS}phoenix-2025-05-03.openadr.json`, 'utf8')) as unknown;
    expect(validateOpenAdr(doc, 'eventRequest')).toEqual([]);
    const e = openAdrToEvent(doc, { path: '' }, ctx);
    expect(new Date(e.startMs).toISOString()).toBe('2025-05-03T23:00:00.000Z');
    expect(e.endMs - e.startMs).toBe(3 * 3600_000);
    expect(e.targets).toEqual([{ startMs: e.startMs, endMs: e.endMs, kind: 'fraction', value: 0.25 }]);
    expect(e.sites).toEqual(['phoenix']);
    expect(e.programId).toBe('srp-peak-2025');
  });
  it('reads consecutive IMPORT_CAPACITY_LIMIT intervals of a server event', () => {
    const doc = JSON.parse(readFileSync(`${EVENTS}phoenix-import-limit.openadr.json`, 'utf8')) as unknown;
    expect(validateOpenAdr(doc, 'event')).toEqual([]);
    const e = openAdrToEvent(doc, { path: '' }, ctx);
    expect(e.targets.map((p) => [p.kind, p.value, (p.endMs - p.startMs) / 3600_000])).toEqual([['limitKW', 180, 1], ['limitKW', 170, 1], ['limitKW', 175, 1]]);
    expect(e.issuedMs).toBe(Date.parse('2025-05-03T12:00:00-07:00'));
    expect(e.id).toBe('srp-limit-2025-05-03');
  });
  it('accepts the private LOAD_DISPATCH payload (OpenADR 2.0b signal name) in kW', () => {
    const e = openAdrToEvent({
      programID: 'x', intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT30M' },
      intervals: [{ id: 7, payloads: [{ type: 'LOAD_DISPATCH', values: [50] }, { type: 'PRICE', values: [0.2] }] }],
    }, { path: '' }, ctx);
    expect(e.targets[0]).toMatchObject({ kind: 'kw', value: 50 });
    expect(e.programId).toBeUndefined();
  });
  const bad: Array<[string, unknown, RegExp]> = [
    ['programID missing', { intervals: [] }, /programID/],
    ['negative limit', { programID: 'p', intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [-1] }] }] }, /intervals\[0\]\.payloads\[0\]\.values\[0\]/],
    ['years', { programID: 'p', intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'P1Y' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /years or months/],
    ['now', { programID: 'p', intervalPeriod: { start: '0001-01-01T00:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /means "now"/],
    ['no start', { programID: 'p', intervals: [{ id: 0, intervalPeriod: { duration: 'PT1H' }, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /no start time/],
    ['only a price', { programID: 'p', intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [0.3] }] }] }, /no dispatch payload \(found PRICE\)/],
    ['bad units', { programID: 'p', payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'MEGAWATT' }], intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /payloadDescriptors\[0\]\.units/],
    ['percent above 1', { programID: 'p', payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'LOAD_DISPATCH', units: 'PERCENT' }], intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'LOAD_DISPATCH', values: [25] }] }] }, /fractions between 0 and 1/],
    ['overlap', { programID: 'p', intervals: [
      { id: 0, intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT1H' }, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] },
      { id: 1, intervalPeriod: { start: '2025-05-03T16:30:00Z', duration: 'PT1H' }, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /overlap/],
    ['no offset', { programID: 'p', intervalPeriod: { start: '2025-05-03T16:00:00', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] }, /intervalPeriod\.start/],
    ['wrong object type', { programID: 'p', objectType: 'PROGRAM', id: 'x', createdDateTime: '2025-05-03T16:00:00Z', modificationDateTime: '2025-05-03T16:00:00Z', intervals: [] }, /objectType/],
    ['targets not strings', { programID: 'p', targets: [{ type: 'VEN_NAME', values: ['x'] }], intervals: [] }, /targets\[0\]/],
  ];
  for (const [name, doc, message] of bad) {
    it(`refuses: ${name}`, () => {
      try {
        openAdrToEvent(doc, { path: '', file: 'event.json' }, ctx);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).code).toBe('EVENT_INVALID');
        expect(`${(e as InputError).location.path ?? ''} ${(e as InputError).format()}`).toMatch(message);
      }
    });
  }
});

describe('writing the per-site dispatch', () => {
  it('writes a valid OpenADR 3.1 event that reads back to the same intervals', () => {
    const start = Date.parse('2025-05-03T16:00:00-07:00');
    const plan = { site: 'phoenix', timeZone: 'America/Phoenix', startMs: [start, start + 900_000, start + 1_800_000], intervalMinutes: 15, limitKW: [173.6, 170.25, 171] };
    const doc = siteDispatchEvent(plan, 'srp-2025-05-03', 'srp-peak-2025', start - 3600_000);
    expect(validateOpenAdr(doc, 'event')).toEqual([]);
    expect((doc.intervalPeriod as { start: string }).start).toBe('2025-05-03T16:00:00-07:00');
    const back = openAdrToEvent(doc, { path: '' }, ctx);
    expect(back.targets.map((p) => [p.startMs, p.value])).toEqual([[start, 173.6], [start + 900_000, 170.25], [start + 1_800_000, 171]]);
    expect(back.sites).toEqual(['phoenix']);
    expect(back.issuedMs).toBe(start - 3600_000);
  });
  it('uses DISPATCH_SETPOINT for valley filling', () => {
    const doc = siteDispatchEvent({ site: 's', timeZone: 'UTC', startMs: [0], intervalMinutes: 60, limitKW: [10] }, 'e', 'p', 0, 'DISPATCH_SETPOINT');
    expect(validateOpenAdr(doc, 'event')).toEqual([]);
    expect(JSON.stringify(doc)).toContain('DISPATCH_SETPOINT');
  });
});

describe('durations and times', () => {
  it('parses ISO 8601 durations OpenADR uses', () => {
    expect(parseIsoDuration('PT15M')).toEqual({ ms: 900_000 });
    expect(parseIsoDuration('PT1H30M')).toEqual({ ms: 5_400_000 });
    expect(parseIsoDuration('P1DT2H')).toEqual({ ms: 26 * 3600_000 });
    expect(parseIsoDuration('P1W')).toEqual({ ms: 7 * 86_400_000 });
    expect(parseIsoDuration('PT0.5S')).toEqual({ ms: 500 });
    for (const bad of ['P9999Y', 'P1M', '-PT1H', 'PT0S', '1H', 'PT', 'P']) expect('error' in parseIsoDuration(bad), bad).toBe(true);
  });
  it('checks RFC 3339', () => {
    expect(isRfc3339('2025-05-03T16:00:00-07:00')).toBe(true);
    expect(isRfc3339('2025-05-03T16:00:00.5Z')).toBe(true);
    for (const bad of ['2025-05-03T16:00:00', '2025-02-30T00:00:00Z', '2025-05-03 16:00:00Z', '2025-05-03T24:00:00Z']) expect(isRfc3339(bad), bad).toBe(false);
  });
});

describe('the OpenAPI 3.0 dialect of the specification (ajv)', () => {
  const ok = { programID: 'p', intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] };
  it('accepts null where a field is nullable and refuses it where not', () => {
    expect(validateOpenAdr({ ...ok, eventName: null, priority: null, targets: null }, 'eventRequest')).toEqual([]);
    expect(validateOpenAdr({ ...ok, programID: null }, 'eventRequest')).toEqual([expect.objectContaining({ path: 'programID' })]);
  });

  it('checks int32 bounds, formats and references, with every problem located', () => {
    const issues = validateOpenAdr({ programID: 'p', intervalPeriod: { start: 'soon', duration: 'PT1H' }, intervals: [{ id: 2 ** 31, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }, { id: 1.5, payloads: 'x' }] }, 'eventRequest');
    expect(issues.map((i) => i.path).sort()).toEqual(['intervalPeriod.start', 'intervals[0].id', 'intervals[1].id', 'intervals[1].payloads'].sort());
    expect(issues.find((i) => i.path === 'intervals[1].id')!.message).toBe('found 1.5 (number); expected an integer');
    expect(issues.find((i) => i.path === 'intervals[0].id')!.message).toBe('found 2147483648; must be a 32-bit integer');
    expect(issues.find((i) => i.path === 'intervalPeriod.start')!.message).toContain('RFC 3339');
  });
});
