/**
 * The aggregator passes on more than import limits: a utility VTN and the aggregator's VTN (each
 * HTTP and an embedded MQTT broker on 127.0.0.1), the live aggregator between them, and a VEN per
 * site of a three-site fleet (east and west export solar, north imports). Upstream PRICE,
 * EXPORT_CAPACITY_LIMIT, DISPATCH_SETPOINT and SIMPLE events go down as site events of the same kind,
 * each VEN answers its own, and after the event the sites' measured reports go back up as one
 * fleet report. Every HTTP exchange of the VENs and the aggregator is checked against the
 * OpenADR 3.1.0 spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveAggregator } from '../../src/aggregator/live.ts';
import { runPolicy } from '../../src/app/run-policy.ts';
import { loadScenarioInput } from '../../src/app/scenario-input.ts';
import { OpenAdrClient, type OadrObject } from '../../src/openadr/ven/client.ts';
import { startVtn, type RunningVtn } from '../../src/openadr/vtn/index.ts';
import { defaultSolverFactory } from '../../src/optimize/solver-factory.ts';
import { resolveProgram } from '../../src/programs/program.ts';
import { simulate } from '../../src/simulate/engine.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { validatingFetch, type ExchangeLog } from '../helpers/validating-fetch.ts';
import { startAggregatorRig, type AggregatorRig } from './aggregator-rig.ts';
import { FLEET } from './fleet-fixture.ts';
import { HORIZON_START_MS as START_MS, stepAt as at } from '../helpers/event-sites.ts';

type Interval = { payloads: Array<{ type: string; values: number[] }> };
const values = (e: OadrObject, type: string) => (e.intervals as Interval[]).map((iv) => iv.payloads.find((p) => p.type === type)?.values[0]);
const column = (r: OadrObject, type: string) => (r.resources[0].intervals as Interval[]).map((iv) => iv.payloads.find((p) => p.type === type)!.values[0]!);

describe('the aggregator passes prices, export limits and setpoints down, and reports back up', () => {
  let rig: AggregatorRig | undefined;
  const stores: Store[] = [];
  const vtns: RunningVtn[] = [];
  let aggregator: LiveAggregator | undefined;
  afterEach(async () => {
    await rig?.close();
    await aggregator?.stop();
    for (const v of vtns) await v.close();
    for (const s of stores) await s.close();
  });

  it('PRICE as PRICE, EXPORT_CAPACITY_LIMIT split by export flexibility, DISPATCH_SETPOINT split both ways, SIMPLE as SIMPLE', async () => {
    rig = await startAggregatorRig(FLEET);
    const { model, ledger, vens, utilityClient, log, errors } = rig;
    const [E, W, N] = ledger.sites as [(typeof ledger.sites)[number], (typeof ledger.sites)[number], (typeof ledger.sites)[number]];
    const call = async (body: OadrObject) => {
      const r = await rig!.call(body);
      return { ...r, siteEvents: r.answers.map((a) => a.event) };
    };
    /**
     * Feeds each VEN its meter up to the event's end (what it planned, and in an event what its
     * answer expects; steps already fed for an earlier event keep their reading) and has it
     * report; the aggregator reports up.
     */
    const fedUpTo = model.sites.map(() => 0);
    const fed = model.sites.map(() => ({ importKW: [] as number[], exportKW: [] as number[] }));
    const measureAndReport = async (r: Awaited<ReturnType<typeof call>>) => {
      const stepMs = 3_600_000;
      for (const [i, sh] of r.d.split.sites.entries()) {
        const a = r.answers[i]!;
        const L = ledger.sites[sh.site]!;
        for (let t = fedUpTo[sh.site]!; t < r.d.split.endStep; t++) {
          const q = t - a.call.startStep;
          const inEvent = q >= 0 && q < a.call.endStep - a.call.startStep;
          const importKW = inEvent ? a.response.expectedImportKW[q]! : L.gridImportKW[t]!;
          const exportKW = inEvent ? a.response.expectedExportKW[q]! : L.gridExportKW[t]!;
          vens[sh.site]!.telemetry.record({ quantity: 'meterKW', startMs: START_MS + t * stepMs, durationMs: stepMs, value: importKW });
          vens[sh.site]!.telemetry.record({ quantity: 'exportKW', startMs: START_MS + t * stepMs, durationMs: stepMs, value: exportKW });
          fed[sh.site]!.importKW.push(importKW);
          fed[sh.site]!.exportKW.push(exportKW);
        }
        fedUpTo[sh.site] = r.d.split.endStep;
        await vens[sh.site]!.reportMeasured(r.d.siteEventIds[i]!, START_MS, 60);
      }
      const { reportId } = await rig!.aggregator.report(String(r.up.id));
      const report = (await utilityClient.reports({ eventID: String(r.up.id) })).find((x) => x.id === reportId)!;
      const sum = (f: (x: (typeof fed)[number]) => number[]) => Array.from({ length: r.d.split.endStep - r.d.split.startStep }, (_, q) => fed.reduce((s, x) => s + f(x)[r.d.split.startStep + q]!, 0));
      return { report, importKW: sum((x) => x.importKW), exportKW: sum((x) => x.exportKW) };
    };

    // 1. prices at 13:00 and 14:00, per kWh: every site gets the same PRICE values and answers from its own plan
    const price = await call({
      eventName: 'price',
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'PRICE', units: 'KWH', currency: 'USD' }],
      intervalPeriod: { start: at(1), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [0.02] }] }, { id: 1, payloads: [{ type: 'PRICE', values: [0.5] }] }],
    });
    expect(price.d.split.kind).toBe('price');
    expect(price.d.split.sites.map((s) => s.id)).toEqual(['east', 'west', 'north']);
    for (const e of price.siteEvents) {
      expect(values(e, 'PRICE')).toEqual([0.02, 0.5]);
      expect(e.payloadDescriptors).toEqual([{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'PRICE', units: 'KWH', currency: 'USD' }]);
    }
    for (const a of price.answers) expect(Array.from(a.call.valuePerMWh!)).toEqual([20, 500]);
    // each from its own plan: north imports, the others export
    expect(Array.from(price.answers.map((a) => a.response.baseImportKW[0]!))).toEqual([E.gridImportKW[1], W.gridImportKW[1], N.gridImportKW[1]]);
    // north, importing at 80 USD/MWh, fills its battery at 20 USD/MWh (below the reference price) and sheds load at 500
    expect(price.answers[2]!.response.increase[0]).toBe(1);
    expect(price.answers[2]!.response.plannedKW[0]).toBeLessThan(0);
    expect(price.answers[2]!.response.plannedKW[1]).toBeGreaterThan(0);
    const priceUp = await measureAndReport(price);
    expect(column(priceUp.report, 'DEMAND')).toEqual(priceUp.importKW.map((v) => Math.round(v * 1000) / 1000));
    // meter-before baseline: the hour before the event, the fleet's plan
    const before = E.gridImportKW[0]! + W.gridImportKW[0]! + N.gridImportKW[0]!;
    expect(column(priceUp.report, 'BASELINE')).toEqual([before, before].map((v) => Math.round(v * 1000) / 1000));
    column(priceUp.report, 'DELTA_USAGE').forEach((v, j) => expect(v).toBeCloseTo(before - priceUp.importKW[j]!, 2));

    // 2. a fleet export limit 300 kW under the planned export, 15:00–17:00
    const plannedExport = [3, 4].map((t) => E.gridExportKW[t]! + W.gridExportKW[t]! + N.gridExportKW[t]!);
    const limit = plannedExport.map((v) => Math.round(v - 300));
    const cap = await call({
      eventName: 'cap',
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'EXPORT_CAPACITY_LIMIT', units: 'KW' }],
      intervalPeriod: { start: at(3), duration: 'PT1H' },
      intervals: limit.map((v, id) => ({ id, payloads: [{ type: 'EXPORT_CAPACITY_LIMIT', values: [v] }] })),
    });
    expect(cap.d.split.kind).toBe('export');
    const siteLimits = cap.siteEvents.map((e) => values(e, 'EXPORT_CAPACITY_LIMIT') as number[]);
    // the sites' limits add up to the fleet's; north exports nothing and is asked nothing
    [0, 1].forEach((j) => expect(siteLimits.reduce((s, l) => s + l[j]!, 0)).toBeCloseTo(limit[j]!, 2));
    expect(siteLimits[2]).toEqual([0, 0]);
    // by hand: east's battery takes what it can first, (190 − 100) kWh / 0.95 over 2 h = 47.37 kW;
    // the rest is shared by the export each site has left
    const cutE = E.gridExportKW[3]! - siteLimits[0]![0]!;
    const cutW = W.gridExportKW[3]! - siteLimits[1]![0]!;
    const storageKW = 90 / 0.95 / 2;
    expect(cutE + cutW).toBeCloseTo(plannedExport[0]! - limit[0]!, 2);
    expect(cutW / W.gridExportKW[3]!).toBeCloseTo((cutE - storageKW) / (E.gridExportKW[3]! - storageKW), 3);
    // each VEN keeps under its limit: east charges its battery, west curtails
    cap.answers.forEach((a, i) => [0, 1].forEach((q) => expect(a.response.expectedExportKW[q]!).toBeLessThanOrEqual(siteLimits[i]![q]! + 1e-3)));
    const charged = cap.answers[0]!.response.setpoints.storageKW!;
    expect(charged[0]! + charged[1]!).toBeCloseTo(2 * storageKW, 2);
    const capUp = await measureAndReport(cap);
    expect(column(capUp.report, 'EXPORT')).toEqual(capUp.exportKW.map((v) => Math.round(v * 1000) / 1000));
    column(capUp.report, 'EXPORT').forEach((v, j) => expect(v).toBeLessThanOrEqual(limit[j]! + 1e-3));

    // 3. a fleet import setpoint: 30 kW under the plan at 17:00, 20 kW over it at 18:00
    const plannedImport = [5, 6].map((t) => E.gridImportKW[t]! + W.gridImportKW[t]! + N.gridImportKW[t]!);
    const setpoint = [Math.round(plannedImport[0]! - 30), Math.round(plannedImport[1]! + 20)];
    const sp = await call({
      eventName: 'setpoint',
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT', units: 'KW' }],
      intervalPeriod: { start: at(5), duration: 'PT1H' },
      intervals: setpoint.map((v, id) => ({ id, payloads: [{ type: 'DISPATCH_SETPOINT', values: [v] }] })),
    });
    expect(sp.d.split.kind).toBe('setpoint');
    const siteSetpoints = sp.siteEvents.map((e) => values(e, 'DISPATCH_SETPOINT') as number[]);
    // the sites' setpoints add up to the fleet's both ways (deliveryAim 1); only north imports, so only north moves
    [0, 1].forEach((j) => expect(siteSetpoints.reduce((s, l) => s + l[j]!, 0)).toBeCloseTo(setpoint[j]!, 2));
    expect(siteSetpoints.slice(0, 2)).toEqual([[0, 0], [0, 0]]);
    const north = sp.answers[2]!;
    expect(north.call.requiredKW[0]).toBeCloseTo(N.gridImportKW[5]! - setpoint[0]!, 2);
    expect(north.call.increaseKW![1]).toBeCloseTo(setpoint[1]! - N.gridImportKW[6]!, 2);
    expect(north.response.plannedKW[0]).toBeCloseTo(N.gridImportKW[5]! - setpoint[0]!, 2);
    expect(north.response.plannedKW[1]).toBeCloseTo(N.gridImportKW[6]! - setpoint[1]!, 2);
    const spUp = await measureAndReport(sp);
    expect(column(spUp.report, 'DEMAND')).toEqual(spUp.importKW.map((v) => Math.round(v * 1000) / 1000));
    column(spUp.report, 'DEMAND').forEach((v, j) => expect(v).toBeCloseTo(setpoint[j]!, 2));

    // 4. SIMPLE level 2 at 19:00: every site gets the level and sheds 20 % of its own base import
    const simple = await call({
      eventName: 'simple',
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'SIMPLE' }],
      intervalPeriod: { start: at(7), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [2] }] }],
    });
    expect(simple.d.split.kind).toBe('simple');
    for (const e of simple.siteEvents) {
      expect(values(e, 'SIMPLE')).toEqual([2]);
      expect(e.payloadDescriptors).toEqual([{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'SIMPLE' }]);
    }
    simple.answers.forEach((a) => expect(a.call.requiredKW[0]).toBeCloseTo(0.2 * a.response.baseImportKW[0]!, 6));
    expect(simple.answers[2]!.response.baseImportKW[0]).toBe(N.gridImportKW[7]);
    expect(simple.answers[2]!.call.requiredKW[0]).toBeGreaterThan(0);
    const simpleUp = await measureAndReport(simple);
    expect(column(simpleUp.report, 'DEMAND')).toEqual(simpleUp.importKW.map((v) => Math.round(v * 1000) / 1000));
    await expect(rig.aggregator.settle(String(simple.up.id))).rejects.toThrow(/passed on SIMPLE levels: it is reported, not settled/);

    expect(errors).toEqual([]);
    expect(log.problems).toEqual([]);
    expect(log.seen.filter((x) => x.startsWith('POST /reports 201')).length).toBe(4 * 3 * 2 + 4);
  }, 120_000);

  it('sends a valley-filling program\'s sites setpoints above their plan, not limits that ask nothing', async () => {
    const deps = { solverFactory: defaultSolverFactory };
    const loaded = loadScenarioInput({ text: FLEET.replace('kind: peakShaving', 'kind: valleyFilling'), baseDir: '.' });
    const { model } = loaded;
    const { program } = resolveProgram(model);
    expect(program.direction).toBe('increase');
    const base = { ...(await runPolicy(loaded, 'naive', deps)).dispatch, allowExport: model.sites.map(() => true) };
    const ledger = simulate(model, base);
    const open = async () => {
      const store = await openStore(':memory:');
      stores.push(store);
      const v = await startVtn({ store, port: 0 });
      vtns.push(v);
      return v;
    };
    const utility = await open();
    const agg = await open();
    const log: ExchangeLog = { seen: [], problems: [] };
    const fetch = validatingFetch([utility.url, agg.url], log);
    const utilityBl = await utility.vtn.clients.create('bl');
    const utilityClient = new OpenAdrClient({ url: utility.url, clientId: utilityBl.id, clientSecret: utilityBl.secret, fetch });
    const upProgram = await utilityClient.createProgram({ programName: 'fill' });
    const aggBl = await agg.vtn.clients.create('bl');
    const down = new OpenAdrClient({ url: agg.url, clientId: aggBl.id, clientSecret: aggBl.secret, fetch });
    const siteProgram = await down.createProgram({ programName: 'site-dispatch' });
    const aggAtUtility = await utility.vtn.clients.create('ven');
    aggregator = new LiveAggregator({
      upstream: new OpenAdrClient({ url: utility.url, clientId: aggAtUtility.id, clientSecret: aggAtUtility.secret, fetch }),
      upstreamVenName: 'aggregator', downstream: down, siteProgramId: String(siteProgram.id), model, base, baseLedger: ledger, program, scenarioNow: () => START_MS,
    });
    // 20 kW more import at 17:00: only north's battery can take it at the meter (the others' surplus hides theirs)
    const up = await utilityClient.createEvent({
      programID: upProgram.id, eventName: 'fill', targets: ['aggregator'],
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: 'KW' }],
      intervalPeriod: { start: at(5), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [20] }] }],
    });
    const d = (await aggregator.handle(up))!;
    const sent = await Promise.all(d.siteEventIds.map((id) => down.call('GET', `/events/${id}`)));
    expect(sent.map((e) => e.payloadDescriptors[0].payloadType)).toEqual(['DISPATCH_SETPOINT', 'DISPATCH_SETPOINT', 'DISPATCH_SETPOINT']);
    const above = sent.map((e, i) => (values(e, 'DISPATCH_SETPOINT')[0] as number) - ledger.sites[d.split.sites[i]!.site]!.gridImportKW[5]!);
    expect(above[0]).toBeCloseTo(0, 2);
    expect(above[1]).toBeCloseTo(0, 2);
    expect(above[2]).toBeCloseTo(20, 2);
    expect(log.problems).toEqual([]);
  }, 60_000);
});
