/**
 * The VEN against a spec-driven mock VTN (Prism serving the OpenADR 3.1.0 document): every request
 * it makes — token, VEN registration, programs, events, its forecast report — must be one the spec
 * accepts (Prism answers 4xx otherwise), and the mock's own example event, which lies outside the
 * site's horizon, is refused with a message that says so.
 */
import { describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../src/openadr/ven/adapters/memory.ts';
import { OpenAdrClient } from '../../src/openadr/ven/client.ts';
import { Ven } from '../../src/openadr/ven/ven.ts';
import { deps, naiveSiteState } from '../helpers/event-sites.ts';
import { prismForSuite } from '../helpers/prism.ts';

describe('the VEN against the Prism mock VTN', () => {
  const prism = prismForSuite();

  it('registers, reads programs and events, and posts a forecast report the spec accepts', async () => {
    const state = await naiveSiteState({ file: 'examples/phoenix-2025.yaml' });
    const errors: Error[] = [];
    const adapter = new MemoryAdapter();
    const ven = new Ven({
      client: new OpenAdrClient({ url: prism().url, clientId: 'ven-phoenix', clientSecret: 'secret' }),
      venName: 'phoenix',
      state,
      adapter,
      deps,
      notify: 'poll',
      pollMs: 0,
      onError: (e) => errors.push(e),
    });
    await ven.start();
    expect(ven.venId).not.toBe('');
    expect(ven.programIds.length).toBeGreaterThan(0);
    // Prism's example event (a zero-length interval in 2023) cannot be answered: refused by name, nothing published
    expect(errors.map((e) => e.message).join('\n')).toMatch(/event "object-999": "PT0S" is zero/);
    expect(adapter.latest.size).toBe(0);
    // an event on the horizon: answered, setpoints published, forecast report accepted (201)
    const a = await ven.answer({
      id: 'e1',
      programID: ven.programIds[0],
      modificationDateTime: '2025-05-03T10:00:00Z',
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
      intervalPeriod: { start: '2025-05-03T16:00:00-07:00', duration: 'PT15M' },
      intervals: [0, 1, 2, 3].map((id) => ({ id, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [180] }] })),
    });
    expect(a!.call.requiredKW[0]).toBeGreaterThan(0);
    expect(a!.response.plannedKW.every((p, q) => Math.abs(p - a!.call.requiredKW[q]!) < 1e-6)).toBe(true);
    expect(adapter.latest.size).toBe(1);
    expect(ven.journal.get('e1')?.forecastReportId).toBeTruthy();
    await ven.stop();
  }, 120_000);
});
