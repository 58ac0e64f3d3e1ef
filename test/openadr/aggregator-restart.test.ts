/**
 * An aggregator that restarts reads what it sent from its own VTN: through both VTNs (HTTP and
 * their MQTT brokers on 127.0.0.1), the aggregator and three VENs, a restart with the upstream
 * event unchanged sends nothing (no second set of site events, no update, no second answer);
 * one that finds the event changed updates the same site events; one that finds it deleted
 * deletes its site events. Every HTTP exchange is checked against the spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveAggregator } from '../../src/aggregator/live.ts';
import type { OadrObject } from '../../src/openadr/ven/client.ts';
import { Ven, type VenWithdrawal } from '../../src/openadr/ven/ven.ts';
import { startAggregatorRig, type AggregatorRig } from './aggregator-rig.ts';
import { FLEET } from './fleet-fixture.ts';
import { until } from '../helpers/cli-process.ts';
import { stepAt as at } from '../helpers/event-sites.ts';

describe('a restarted aggregator, and a restarted VEN', () => {
  let rig: AggregatorRig | undefined;
  const restarted: Array<LiveAggregator | Ven> = [];
  afterEach(async () => {
    for (const a of restarted.splice(0)) await a.stop();
    await rig?.close();
  });

  it('adopts the site events it sent, updates them where the upstream event changed, and deletes them where it went', async () => {
    rig = await startAggregatorRig(FLEET);
    const { utilityClient, upProgram, down, answers, wait, vens, ledger } = rig;
    const request = (kw: number, name = 'shed'): OadrObject => ({
      programID: upProgram.id,
      eventName: name,
      targets: ['aggregator'],
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: 'KW' }],
      intervalPeriod: { start: at(5), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [kw] }] }],
    });
    const first = await rig.call(request(30));
    const second = await rig.call(request(10, 'shed-2'));
    const before = await down.events();
    expect(before).toHaveLength(6);
    const answered = answers.size;
    await rig.aggregator.stop();

    // 1. a restart with nothing changed upstream: the same site events, untouched, and no new answers
    const again = new LiveAggregator(rig.aggregator.opts);
    restarted.push(again);
    await again.start();
    const d = await wait('the adopted dispatch', () => again.dispatched.get(String(first.up.id)));
    expect(d.siteEventIds).toEqual(first.d.siteEventIds);
    expect(again.dispatched.get(String(second.up.id))!.siteEventIds).toEqual(second.d.siteEventIds);
    const after = await down.events();
    expect(after.map((e) => [e.id, e.modificationDateTime])).toEqual(before.map((e) => [e.id, e.modificationDateTime]));
    for (const v of vens) await v.idle();
    expect(answers.size).toBe(answered);
    await again.stop();

    // 2. while it is down the utility asks 60 kW instead and deletes the second event
    await utilityClient.call('PUT', `/events/${first.up.id}`, { body: request(60) });
    await utilityClient.call('DELETE', `/events/${second.up.id}`);
    const third = new LiveAggregator(rig.aggregator.opts);
    restarted.push(third);
    await third.start();
    const north = first.d.siteEventIds[2]!;
    const updated = await wait('the answer to the changed event', () => {
      const a = answers.get(`north/${north}`);
      return a && Math.abs(a.call.requiredKW[0]! - 60) < 1e-2 ? a : undefined;
    });
    expect(updated.response.expectedImportKW[0]).toBeCloseTo(ledger.sites[2]!.gridImportKW[5]! - 60, 2);
    expect(third.dispatched.get(String(first.up.id))!.siteEventIds).toEqual(first.d.siteEventIds);
    const left = await until('the deletion of the second event\'s site events', async () => {
      const ids = (await down.events()).map((e) => String(e.id));
      return second.d.siteEventIds.every((id) => !ids.includes(id)) ? ids : undefined;
    });
    expect(left.sort()).toEqual([...first.d.siteEventIds].sort());
    expect(rig.errors).toEqual([]);
    expect(rig.log.problems).toEqual([]);
  }, 120_000);

  it('a VEN restarted after its event was cancelled withdraws and rewrites its forecast report from the VTN\'s copy', async () => {
    rig = await startAggregatorRig(FLEET);
    const { upProgram, utilityClient, down, vens, wait } = rig;
    const first = await rig.call({
      programID: upProgram.id,
      eventName: 'shed',
      targets: ['aggregator'],
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: 'KW' }],
      intervalPeriod: { start: at(5), duration: 'PT2H' },
      intervals: [{ id: 0, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [30] }] }],
    });
    const north = vens[2]!;
    const answer = first.answers[2]!;
    const siteEvent = first.d.siteEventIds[2]!;
    const reportId = north.journal.get(siteEvent)!.forecastReportId!;
    // what the VEN writes when it is up for the cancellation (the answer in memory)
    const expected = north.forecastReport(answer, { fromStep: answer.response.setpoints.fromStep });
    await north.stop();
    // cancelled while the VEN is down: the aggregator cancels the site events
    await utilityClient.call('PUT', `/events/${first.up.id}`, { body: { programID: upProgram.id, eventName: 'shed', targets: ['aggregator'], intervals: [] } });
    await wait('the cancelled site event', async () => {
      const e = (await down.events()).find((x) => String(x.id) === siteEvent);
      return e && Array.isArray(e.intervals) && e.intervals.length === 0 ? e : undefined;
    });
    const withdrawals: VenWithdrawal[] = [];
    const back = new Ven({ ...north.opts, journal: north.journal, onWithdraw: (w) => withdrawals.push(w) });
    restarted.push(back);
    await back.start();
    await wait('the withdrawal after the restart', () => withdrawals.find((w) => w.eventId === siteEvent));
    const stored = (await down.reports({ eventID: siteEvent })).find((r) => String(r.id) === reportId)!;
    expect(stored.reportName).toBe(expected.reportName);
    expect(stored.resources[0].intervals).toEqual(expected.resources[0].intervals);
    expect((stored.resources[0].intervals as Array<{ payloads: Array<{ type: string; values: number[] }> }>).map((iv) => iv.payloads.find((p) => p.type === 'LOAD_SHED_DELTA_AVAILABLE')!.values[0])).toEqual([0, 0]);
    expect(back.journal.get(siteEvent)!.withdrawn?.reason).toBe('cancelled');
    expect(rig.errors).toEqual([]);
    expect(rig.log.problems).toEqual([]);
  }, 120_000);
});
