/**
 * Reading upstream events for the aggregator: the kind follows the payload, one kind per event,
 * and what cannot be passed on is refused by JSON path.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { readUpstreamEvent } from './upstream.ts';

const ctx = { direction: 'reduce' as const, siteIds: ['a', 'b'], programIds: [] };
const event = (payloads: Array<{ type: string; values: unknown[] }>, descriptors: unknown[] = []) => ({
  programID: 'p',
  payloadDescriptors: descriptors,
  intervalPeriod: { start: '2025-05-03T14:00:00Z', duration: 'PT1H' },
  intervals: payloads.map((p, id) => ({ id, payloads: [p] })),
});
const refusal = (doc: unknown): InputError => {
  try {
    readUpstreamEvent(doc, { path: 'event' }, ctx);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('readUpstreamEvent', () => {
  it('reads each kind from its payload, with the times of its intervals', () => {
    expect(readUpstreamEvent(event([{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [100] }]), { path: '' }, ctx).kind).toBe('reduce');
    expect(readUpstreamEvent(event([{ type: 'DISPATCH_SETPOINT', values: [900] }]), { path: '' }, ctx).kind).toBe('setpoint');
    const x = readUpstreamEvent(event([{ type: 'EXPORT_CAPACITY_LIMIT', values: [50] }, { type: 'EXPORT_CAPACITY_LIMIT', values: [60] }]), { path: '' }, ctx);
    expect(x.kind === 'export' && x.limits).toEqual([
      { startMs: Date.parse('2025-05-03T14:00:00Z'), endMs: Date.parse('2025-05-03T15:00:00Z'), limitKW: 50 },
      { startMs: Date.parse('2025-05-03T15:00:00Z'), endMs: Date.parse('2025-05-03T16:00:00Z'), limitKW: 60 },
    ]);
    expect([x.event.startMs, x.event.endMs]).toEqual([Date.parse('2025-05-03T14:00:00Z'), Date.parse('2025-05-03T16:00:00Z')]);
    // prices keep their descriptor (currency) and default to per kWh; other payloads are listed, not passed on
    const doc = event([{ type: 'PRICE', values: [-0.01] }], [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'PRICE', currency: 'EUR' }]);
    doc.intervals[0]!.payloads.push({ type: 'GHG', values: [400] });
    const p = readUpstreamEvent(doc, { path: '' }, ctx);
    expect(p.kind === 'price' && [p.prices.map((x) => x.value), p.descriptor]).toEqual([[-0.01], { objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'PRICE', currency: 'EUR', units: 'KWH' }]);
    expect(p.ignored).toEqual(['GHG']);
    // SIMPLE levels go on as they came
    const simple = readUpstreamEvent(event([{ type: 'SIMPLE', values: [3] }, { type: 'SIMPLE', values: [0] }]), { path: '' }, ctx);
    expect(simple.kind === 'simple' && [simple.prices.map((x) => x.value), simple.descriptor]).toEqual([[3, 0], { objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'SIMPLE' }]);
  });

  it('refuses a SIMPLE level other than 0, 1, 2 or 3 (the spec\'s payload definition), by JSON path', () => {
    const found = { 4: 'found 4; must be ≤ 3', 1.5: 'found 1.5 (number); expected an integer', [-1]: 'found -1; must be ≥ 0' } as Record<string, string>;
    for (const bad of [4, 1.5, -1]) {
      const e = refusal(event([{ type: 'SIMPLE', values: [1] }, { type: 'SIMPLE', values: [bad] }]));
      expect(e.message).toBe(`values of SIMPLE do not match the OpenADR payload definition: ${found[String(bad)]}`);
      expect(e.location.path).toBe('event.intervals[1].payloads[0].values[0]');
    }
  });

  it('refuses two kinds in one event, units it cannot pass on, and events with nothing to pass on', () => {
    const mixed = refusal(event([{ type: 'PRICE', values: [0.1] }, { type: 'EXPORT_CAPACITY_LIMIT', values: [10] }]));
    expect(mixed.message).toMatch(/mixes PRICE with EXPORT_CAPACITY_LIMIT; .*separate events/);
    expect(mixed.location.path).toBe('event.intervals[1].payloads[0]');
    const kw = refusal(event([{ type: 'PRICE', values: [0.1] }], [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'PRICE', units: 'KW' }]));
    expect([kw.message, kw.location.path]).toEqual(['PRICE per KW is not supported; give a price per KWH or MWH', 'event.payloadDescriptors[0].units']);
    const pct = refusal(event([{ type: 'EXPORT_CAPACITY_LIMIT', values: [0.5] }], [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'EXPORT_CAPACITY_LIMIT', units: 'PERCENT' }]));
    expect(pct.message).toMatch(/EXPORT_CAPACITY_LIMIT in units PERCENT is not supported; use KW/);
    expect(refusal(event([{ type: 'GHG', values: [400] }])).message).toMatch(/no payload the aggregator passes on \(found GHG\)/);
  });
});
