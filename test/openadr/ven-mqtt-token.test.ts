/**
 * The VEN's MQTT login outlives its access token: the VTN (HTTP and its embedded broker on
 * 127.0.0.1) issues 2-second tokens; after the VEN's token has expired the broker drops it (the VTN
 * restarts on the same ports, its sessions lost); the VEN must log in again with a new token and
 * subscribe again, and hear of the next event by MQTT alone (polling is off). Every HTTP exchange
 * of the VEN is checked against the OpenADR 3.1.0 spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../src/openadr/ven/adapters/memory.ts';
import { OpenAdrClient } from '../../src/openadr/ven/client.ts';
import { Ven } from '../../src/openadr/ven/ven.ts';
import { startVtn, type RunningVtn, type StartVtnOptions } from '../../src/openadr/vtn/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { validatingFetch, type ExchangeLog } from '../helpers/validating-fetch.ts';
import { until } from '../helpers/cli-process.ts';
import { deps, naiveSiteState, stepAt, SUNNY_SITE } from '../helpers/event-sites.ts';
import type { SiteState } from '../../src/respond/site-call.ts';

const LIFETIME_S = 2;

/** The site's VEN enrolled at the VTN (its client and VEN object), a business client and its program. */
async function enrolSunny(vtn: RunningVtn) {
  const operator = { clientId: 'test', role: 'bl' as const, scopes: new Set(['write_vens']) };
  const blc = await vtn.vtn.clients.create('bl');
  const venc = await vtn.vtn.clients.create('ven');
  await vtn.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: 'sunny', clientID: venc.id, targets: ['sunny'] });
  const bl = new OpenAdrClient({ url: vtn.url, clientId: blc.id, clientSecret: blc.secret });
  const program = await bl.createProgram({ programName: 'flex' });
  return { bl, venc, program };
}

/**
 * A VTN with its embedded broker on 127.0.0.1, and a restart on the same ports: the store is kept
 * (clients, VENs, events), the broker's sessions and queued notifications are lost.
 */
async function startRestartableVtn(store: Store, auth?: StartVtnOptions['auth']) {
  const options = (port: number, mqttPort: number): StartVtnOptions => ({ store, port, ...(auth ? { auth } : {}), notifier: { mqtt: { embedded: { port: mqttPort } } } });
  const first = await startVtn(options(0, 0));
  const port = first.port;
  const mqttPort = Number(new URL(first.vtn.mqtt!.uris[0]!).port);
  return {
    first,
    restart: async (running: RunningVtn): Promise<RunningVtn> => {
      await running.close();
      return startVtn(options(port, mqttPort));
    },
  };
}

/** The site's VEN on the VTN's embedded broker with polling off (after its start only MQTT, or a catch-up, brings events); every HTTP exchange checked. */
function mqttVen(vtn: RunningVtn, venc: { id: string; secret: string }, state: SiteState) {
  const log: ExchangeLog = { seen: [], problems: [] };
  const adapter = new MemoryAdapter();
  const errors: Error[] = [];
  const ven = new Ven({
    client: new OpenAdrClient({ url: vtn.url, clientId: venc.id, clientSecret: venc.secret, fetch: validatingFetch([vtn.url], log) }),
    venName: 'sunny', state, adapter, deps,
    notify: 'mqtt', mqttUrl: vtn.vtn.mqtt!.uris[0], pollMs: 0, onError: (e) => errors.push(e),
  });
  return { ven, log, adapter, errors };
}

describe('the VEN\'s MQTT login after its token expired', () => {
  let store: Store | undefined;
  let vtn: RunningVtn | undefined;
  let ven: Ven | undefined;
  afterEach(async () => {
    await ven?.stop();
    await vtn?.close();
    await store?.close();
  });

  it('logs in again with a new token when the broker dropped it, and hears of events by MQTT', async () => {
    const state = await naiveSiteState(SUNNY_SITE);
    store = await openStore(':memory:');
    const restartable = await startRestartableVtn(store, { lifetimeS: LIFETIME_S });
    vtn = restartable.first;
    const { bl, venc, program } = await enrolSunny(vtn);

    const { ven: v, log, adapter, errors } = mqttVen(vtn, venc, state);
    ven = v;
    await ven.start();
    expect(ven.mode).toBe('mqtt');
    const before = await bl.createEvent({ programID: program.id, eventName: 'before', targets: ['sunny'], intervalPeriod: { start: stepAt(2), duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] });
    await until('the answer to the first event', () => adapter.latest.get(`sunny/${before.id}`));

    // the token runs out, then the broker drops the VEN: the VTN restarts on the same ports
    await new Promise((r) => setTimeout(r, (LIFETIME_S + 1) * 1000));
    vtn = await restartable.restart(vtn);

    // a notification made before the VEN is back goes nowhere: events keep coming until one is heard
    const made: string[] = [];
    let heard: string | undefined;
    for (let i = 0, end = Date.now() + 20_000; !heard && Date.now() < end; i++) {
      const e = await bl.createEvent({ programID: program.id, eventName: `after-${i}`, targets: ['sunny'], intervalPeriod: { start: stepAt(3), duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [2] }] }] });
      made.push(String(e.id));
      await new Promise((r) => setTimeout(r, 500));
      heard = made.find((id) => adapter.latest.has(`sunny/${id}`));
    }
    expect(heard, `no event heard by MQTT after the token expired (VEN errors: ${errors.map((x) => x.message).join('; ')})`).toBeDefined();
    expect(log.problems).toEqual([]);
  }, 60_000);

  it('stays subscribed when the broker closes its login at the token\'s expiry', async () => {
    const state = await naiveSiteState(SUNNY_SITE);
    store = await openStore(':memory:');
    vtn = await startVtn({ store, port: 0, auth: { lifetimeS: LIFETIME_S }, notifier: { mqtt: { embedded: { port: 0 } } } });
    const { bl, venc, program } = await enrolSunny(vtn);
    const { ven: v, log, adapter, errors } = mqttVen(vtn, venc, state);
    ven = v;
    await ven.start();
    // past the first token's expiry: the broker has closed that login
    await new Promise((r) => setTimeout(r, (LIFETIME_S + 0.5) * 1000));
    const e = await bl.createEvent({ programID: program.id, eventName: 'later', targets: ['sunny'], intervalPeriod: { start: stepAt(2), duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] });
    // the persistent session keeps the notification until the VEN is back with a new token
    await until(`the event heard by MQTT (VEN errors: ${errors.map((x) => x.message).join('; ')})`, () => adapter.latest.get(`sunny/${e.id}`), 15_000);
    expect(log.seen.filter((x) => x === 'POST /auth/token 200').length).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    expect(log.problems).toEqual([]);
  }, 60_000);

  it('lists events as soon as it is subscribed again after a broker restart (notifications queued for it were lost)', async () => {
    const state = await naiveSiteState(SUNNY_SITE);
    store = await openStore(':memory:');
    const restartable = await startRestartableVtn(store);
    vtn = restartable.first;
    const { bl, venc, program } = await enrolSunny(vtn);
    // polling off: after the start, only a catch-up lists events
    const { ven: v, log, adapter, errors } = mqttVen(vtn, venc, state);
    ven = v;
    await ven.start();
    const listsAtStart = log.seen.filter((x) => x === 'GET /events 200').length;
    vtn = await restartable.restart(vtn);
    // made at once, before the VEN's reconnect (2 s after the drop): the restarted broker has no session to queue it in
    const e = await bl.createEvent({ programID: program.id, eventName: 'while-away', targets: ['sunny'], intervalPeriod: { start: stepAt(2), duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] });
    await until(`the event made while the VEN was away (VEN errors: ${errors.map((x) => x.message).join('; ')})`, () => adapter.latest.get(`sunny/${e.id}`), 15_000);
    expect(log.seen.filter((x) => x === 'GET /events 200').length).toBeGreaterThan(listsAtStart);
    expect(log.problems).toEqual([]);
  }, 60_000);
});
