/**
 * The VEN against the project's own VTN (in process, HTTP and its embedded MQTT broker on
 * 127.0.0.1, free ports): events that ask for more consumption or cap export are answered with
 * the event-window LP's setpoints, and events that go — deleted, or cancelled by an update that
 * leaves no intervals — are withdrawn: the plan's own setpoints reach the adapter and a cancelled
 * event's forecast report shows the plan again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../src/openadr/ven/adapters/memory.ts';
import { OpenAdrClient, type OadrObject } from '../../src/openadr/ven/client.ts';
import mqtt from 'mqtt';
import { mqttClientId, Ven, type VenOptions, type VenWithdrawal } from '../../src/openadr/ven/ven.ts';
import { startVtn, type RunningVtn, type StartVtnOptions } from '../../src/openadr/vtn/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { deps, HORIZON_START_MS as START_MS, naiveSiteState, ROOM_KWH, SUNNY_SITE } from '../helpers/event-sites.ts';

// SUNNY_SITE: a 200 kWh / 100 kW battery at half charge (socMax 95 %), 500 kW of PV, and a
// training job that may not lose work: hourly steps from 12:00Z
const at = (step: number) => new Date(START_MS + step * 3_600_000).toISOString().replace('.000Z', 'Z');

/** An event for the site: hourly intervals from `fromStep`, one value of `type` each; `units` adds its payload descriptor. */
function hourlyEvent(programID: OadrObject[string], eventName: string, type: string, fromStep: number, values: number[], units?: string) {
  return {
    programID,
    eventName,
    targets: ['sunny'],
    ...(units ? { payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: type, units }] } : {}),
    intervalPeriod: { start: at(fromStep), duration: 'PT1H' },
    intervals: values.map((v, id) => ({ id, payloads: [{ type, values: [v] }] })),
  };
}

async function until<T>(what: string, f: () => T | undefined, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const v = f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the VEN with the project\'s VTN: more consumption, export limits, withdrawn events', () => {
  let store: Store | undefined;
  let vtn: RunningVtn | undefined;
  let ven: Ven | undefined;
  afterEach(async () => {
    await ven?.stop();
    await vtn?.close();
    await store?.close();
  });

  /** A VTN on a fresh store with the VEN "sunny" registered for its site, business logic's client and a program. */
  async function startSunnyVtn(options: Pick<StartVtnOptions, 'notifier' | 'delivery'>) {
    store = await openStore(':memory:');
    vtn = await startVtn({ store, port: 0, ...options });
    const operator = { clientId: 'test', role: 'bl' as const, scopes: new Set(['write_vens']) };
    const blc = await vtn.vtn.clients.create('bl');
    const venc = await vtn.vtn.clients.create('ven');
    await vtn.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: 'sunny', clientID: venc.id, targets: ['sunny'] });
    const bl = new OpenAdrClient({ url: vtn.url, clientId: blc.id, clientSecret: blc.secret });
    const program = await bl.createProgram({ programName: 'flex' });
    const venClient = new OpenAdrClient({ url: vtn.url, clientId: venc.id, clientSecret: venc.secret });
    /** The VEN "sunny" on the VTN, not polling. */
    const sunnyVen = (o: Omit<VenOptions, 'client' | 'venName' | 'deps' | 'pollMs'>) => new Ven({ client: venClient, venName: 'sunny', deps, pollMs: 0, ...o });
    return { vtn, bl, program, venc, venClient, sunnyVen };
  }

  it('answers an export limit and a setpoint above the plan, then withdraws a cancelled and a deleted event', async () => {
    // the site's plan: the naive one, exporting its surplus
    const state = await naiveSiteState(SUNNY_SITE, { allowExport: true });
    const L = state.baseLedger.sites[0]!;
    const { vtn, bl, program, sunnyVen } = await startSunnyVtn({ notifier: { mqtt: { embedded: { port: 0 } } } });
    const adapter = new MemoryAdapter();
    const withdrawals: VenWithdrawal[] = [];
    const errors: Error[] = [];
    ven = sunnyVen({
      state,
      adapter,
      notify: 'mqtt',
      mqttUrl: vtn.vtn.mqtt!.uris[0],
      // the site's clock: the horizon's start, before every event
      now: () => START_MS,
      onWithdraw: (w) => withdrawals.push(w),
      onError: (e) => errors.push(e),
    });
    await ven.start();
    expect(ven.mode).toBe('mqtt');

    // 1. an export limit 150 kW below the planned export, 14:00–16:00
    const limit = [L.gridExportKW[2]! - 150, L.gridExportKW[3]! - 150].map((v) => Math.round(v));
    const cap = await bl.createEvent(hourlyEvent(program.id, 'cap', 'EXPORT_CAPACITY_LIMIT', 2, limit, 'KW'));
    const capSp = await until('the export-limit setpoints', () => adapter.latest.get(`sunny/${cap.id}`));
    expect(capSp.exportLimitKW!.slice(0, 2)).toEqual(limit);
    // by hand: the battery takes its 94.737 kWh of room from the surplus, the rest is curtailed
    expect(capSp.storageKW![0]! + capSp.storageKW![1]!).toBeCloseTo(ROOM_KWH, 2);
    await ven.idle();
    const capAnswer = ven.answers.get(String(cap.id))!;
    expect(capAnswer.response.expectedExportKW[0]).toBeCloseTo(limit[0]!, 3);

    // 2. a setpoint 40 kW above the planned import at 16:00 (storage is full after the cap: more
    // import needs the surplus absorbed first, which nothing else can take): answered, all short
    const fill = await bl.createEvent(hourlyEvent(program.id, 'fill', 'DISPATCH_SETPOINT', 4, [Math.round(L.gridImportKW[4]! + 40)], 'KW'));
    const fillAnswer = await until(`the fill answer ${errors.map((e) => e.message).join("; ")}`, () => ven!.answers.get(String(fill.id)) ?? (errors.length ? (() => { throw errors[0]!; })() : undefined));
    expect(fillAnswer.call.increaseKW![0]).toBeCloseTo(40, 0);
    expect(fillAnswer.response.increase[0]).toBe(1);
    // each answer ran on the plan without the other event: the battery could take its room here too
    expect(fillAnswer.response.setpoints.storageKW![0]).toBeGreaterThan(0);
    await ven.idle(); // the forecast report is posted after the setpoints
    const reports = await bl.reports({ eventID: String(fill.id) });
    expect(reports).toHaveLength(1);

    // 3. the cap is cancelled by an update without intervals: the plan's setpoints go out again
    await bl.call('PUT', `/events/${cap.id}`, { body: { programID: program.id, eventName: 'cap', targets: ['sunny'], intervals: [] } });
    const w1 = await until('the withdrawal of the cancelled event', () => withdrawals.find((w) => w.eventId === String(cap.id)));
    expect(w1.reason).toBe('cancelled');
    const back = adapter.latest.get(`sunny/${cap.id}`)!;
    expect(back.withdrawn).toBe(true);
    expect(back.fromStep).toBe(2);
    expect(back.exportLimitKW).toBeNull();
    // the plan leaves the battery idle: storage back to 0 over every step the answer covered
    expect(back.storageKW!.every((v) => v === 0)).toBe(true);
    expect(back.length).toBe(capSp.length);
    // the forecast report now shows the plan: usage = baseline, nothing shed
    const capReport = (await bl.reports({ eventID: String(cap.id) }))[0]!;
    for (const iv of capReport.resources[0].intervals as Array<{ payloads: Array<{ type: string; values: number[] }> }>) {
      const v = Object.fromEntries(iv.payloads.map((p) => [p.type, p.values[0]]));
      expect(v.USAGE_FORECAST).toBe(v.BASELINE);
      expect(v.LOAD_SHED_DELTA_AVAILABLE).toBe(0);
    }

    // 4. the fill event is deleted: the DELETE notification withdraws it
    await bl.call('DELETE', `/events/${fill.id}`);
    const w2 = await until('the withdrawal of the deleted event', () => withdrawals.find((w) => w.eventId === String(fill.id)));
    expect(w2.reason).toBe('deleted');
    expect(adapter.latest.get(`sunny/${fill.id}`)!.withdrawn).toBe(true);
    expect(adapter.latest.get(`sunny/${fill.id}`)!.storageKW).toEqual([0]);
    // a poll afterwards withdraws nothing twice
    await ven.poll();
    expect(withdrawals).toHaveLength(2);

    // 5. an event re-targeted elsewhere disappears from the VEN's view: the next poll withdraws it
    const body = hourlyEvent(program.id, 'moved', 'IMPORT_CAPACITY_LIMIT', 5, [0]);
    const moved = await bl.createEvent(body);
    await until('the answer to the moved event', () => adapter.latest.get(`sunny/${moved.id}`));
    await ven.idle();
    await bl.call('PUT', `/events/${moved.id}`, { body: { ...body, targets: ['another-site'] } });
    await ven.poll();
    expect(withdrawals.map((w) => [w.eventId, w.reason])).toContainEqual([String(moved.id), 'not listed']);
    expect(adapter.latest.get(`sunny/${moved.id}`)!.withdrawn).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  it('keeps an MQTT session for a VEN that went away: notifications made meanwhile wait for it', async () => {
    const state = await naiveSiteState(SUNNY_SITE);
    const { vtn, bl, program, venc, venClient, sunnyVen } = await startSunnyVtn({ notifier: { mqtt: { embedded: { port: 0 } } } });
    const first = sunnyVen({ state, adapter: new MemoryAdapter(), notify: 'mqtt', mqttUrl: vtn.vtn.mqtt!.uris[0] });
    await first.start();
    const venId = first.venId;
    await first.stop();
    // while the VEN is away, an event for it
    const ev = await bl.createEvent(hourlyEvent(program.id, 'while-away', 'SIMPLE', 2, [1]));
    // back under its session id: the queued notification arrives without subscribing again
    const got: Array<{ operation: string; object: { id: string } }> = [];
    // (the handler is in place before the session resumes, so no queued message slips by)
    const back = mqtt.connect(vtn.vtn.mqtt!.uris[0]!, { clientId: mqttClientId(venId), clean: false, username: venc.id, password: await venClient.accessToken(), reconnectPeriod: 0 });
    back.on('message', (_t, p) => got.push(JSON.parse(p.toString()) as (typeof got)[number]));
    try {
      const n = await until('the queued notification', () => got.find((m) => m.object.id === ev.id));
      expect(n.operation).toBe('CREATE');
    } finally {
      await back.endAsync(true);
    }
  }, 60_000);

  it('withdraws a deleted event on the webhook\'s DELETE notification', async () => {
    const state = await naiveSiteState(SUNNY_SITE);
    const { bl, program, sunnyVen } = await startSunnyVtn({ delivery: { callbacks: { allow: ['loopback'], allowHttp: true } } });
    const adapter = new MemoryAdapter();
    const withdrawals: VenWithdrawal[] = [];
    ven = sunnyVen({ state, adapter, notify: 'webhook', listen: { host: '127.0.0.1', port: 0 }, now: () => START_MS, onWithdraw: (w) => withdrawals.push(w) });
    await ven.start();
    expect(ven.mode).toBe('webhook');
    const ev = await bl.createEvent(hourlyEvent(program.id, 'short-lived', 'EXPORT_CAPACITY_LIMIT', 3, [0]));
    await until('the answer', () => adapter.latest.get(`sunny/${ev.id}`));
    await ven.idle();
    await bl.call('DELETE', `/events/${ev.id}`);
    const w = await until('the withdrawal', () => withdrawals[0]);
    expect([w.eventId, w.reason]).toEqual([String(ev.id), 'deleted']);
    expect(adapter.latest.get(`sunny/${ev.id}`)!.withdrawn).toBe(true);
  }, 60_000);

  it('publishes its setpoints before its report turn, and posts the forecast report once the turn comes', async () => {
    const state = await naiveSiteState(SUNNY_SITE, { allowExport: true });
    const L = state.baseLedger.sites[0]!;
    const { vtn, bl, program, sunnyVen } = await startSunnyVtn({ notifier: { mqtt: { embedded: { port: 0 } } } });
    const adapter = new MemoryAdapter();
    let open!: () => void;
    const turnCame = new Promise<void>((r) => (open = r));
    let asked = 0;
    ven = sunnyVen({ state, adapter, notify: 'mqtt', mqttUrl: vtn.vtn.mqtt!.uris[0], now: () => START_MS, turns: { report: () => (asked++, turnCame) } });
    await ven.start();
    const cap = await bl.createEvent(hourlyEvent(program.id, 'cap', 'EXPORT_CAPACITY_LIMIT', 2, [Math.round(L.gridExportKW[2]! - 150)], 'KW'));
    await until('the setpoints', () => adapter.latest.get(`sunny/${cap.id}`));
    await until('the wait for the report turn', () => (asked === 1 ? true : undefined));
    expect(await bl.reports({ eventID: String(cap.id) })).toHaveLength(0);
    open();
    await ven.idle();
    expect(await bl.reports({ eventID: String(cap.id) })).toHaveLength(1);
  }, 60_000);
});
