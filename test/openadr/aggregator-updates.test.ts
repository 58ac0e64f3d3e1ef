/**
 * What the utility changes reaches the sites: through both VTNs (HTTP and their MQTT brokers on
 * 127.0.0.1), the aggregator and three VENs, an upstream event updated to ask more updates the
 * site events in place and the VENs answer the new version; cancelled by an update that asks
 * nothing, the site events are cancelled and the VENs withdraw their setpoints; deleted, the site
 * events are deleted and the VENs withdraw. Every HTTP exchange is checked against the spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OadrObject } from '../../src/openadr/ven/client.ts';
import { startAggregatorRig, type AggregatorRig } from './aggregator-rig.ts';
import { FLEET } from './fleet-fixture.ts';
import { stepAt as at } from '../helpers/event-sites.ts';

describe('the aggregator follows upstream updates, cancellations and deletions', () => {
  let rig: AggregatorRig | undefined;
  afterEach(async () => {
    await rig?.close();
  });

  it('updates, cancels and deletes the site events, and the VENs answer or withdraw', async () => {
    rig = await startAggregatorRig(FLEET);
    const { utilityClient, upProgram, down, aggregator, answers, withdrawals, ledger, log, wait } = rig;
    const N = ledger.sites[2]!;
    const request = (kw: number): OadrObject => ({
      programID: upProgram.id,
      eventName: 'shed',
      targets: ['aggregator'],
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: 'KW' }],
      intervalPeriod: { start: at(5), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [kw] }] }],
    });
    // 30 kW at 17:00: only north imports, so north sheds it
    const first = await rig.call(request(30));
    const northEvent = first.d.siteEventIds[2]!;
    expect(first.answers[2]!.call.requiredKW[0]).toBeCloseTo(30, 2);

    // 1. the utility asks 60 kW instead: the same site events, a new version, a new answer
    await utilityClient.call('PUT', `/events/${first.up.id}`, { body: request(60) });
    const again = await wait('the answer to the updated event', () => {
      const a = answers.get(`north/${northEvent}`);
      return a && Math.abs(a.call.requiredKW[0]! - 60) < 1e-2 ? a : undefined;
    });
    expect(aggregator.dispatched.get(String(first.up.id))!.siteEventIds).toEqual(first.d.siteEventIds);
    expect(again.response.expectedImportKW[0]).toBeCloseTo(N.gridImportKW[5]! - 60, 2);
    expect(String(again.event.modificationDateTime)).not.toBe(String(first.answers[2]!.event.modificationDateTime));

    // 2. the utility cancels it by an update that asks nothing: every VEN withdraws, north's forecast report shows the plan
    await utilityClient.call('PUT', `/events/${first.up.id}`, { body: { ...request(0), intervals: [] } });
    const cancelled = await wait('the withdrawals of the cancelled event', () => {
      const w = withdrawals.filter((x) => first.d.siteEventIds.includes(x.eventId));
      return w.length === 3 ? w : undefined;
    });
    expect(cancelled.map((w) => w.reason)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(aggregator.dispatched.get(String(first.up.id))!.cancelled).toBe(true);
    const northForecast = (await down.reports({ eventID: northEvent })).find((r) => String(r.reportName).includes('forecast'))!;
    const shed = (northForecast.resources[0].intervals as Array<{ payloads: Array<{ type: string; values: number[] }> }>).map((iv) => iv.payloads.find((p) => p.type === 'LOAD_SHED_DELTA_AVAILABLE')!.values[0]);
    expect(shed).toEqual([0]);

    // 3. another event, then the utility deletes it: the site events go, and every VEN withdraws
    const second = await rig.call({ ...request(20), eventName: 'shed-2' });
    await utilityClient.call('DELETE', `/events/${second.up.id}`);
    const deleted = await wait('the withdrawals of the deleted event', () => {
      const w = withdrawals.filter((x) => second.d.siteEventIds.includes(x.eventId));
      return w.length === 3 ? w : undefined;
    });
    expect(deleted.map((w) => w.reason)).toEqual(['deleted', 'deleted', 'deleted']);
    expect(aggregator.dispatched.has(String(second.up.id))).toBe(false);
    const left = (await down.events()).map((e) => String(e.id));
    for (const id of second.d.siteEventIds) expect(left).not.toContain(id);
    expect(rig.errors).toEqual([]);
    expect(log.problems).toEqual([]);
  }, 120_000);
});
