/**
 * `wattshift serve` takes the VTN's settings as `--vtn-…` flags, defined once with `wattshift vtn
 * serve`'s: a serve with a callback allow-list refuses a webhook outside it (400 naming the
 * callback) and takes one inside it; with the embedded MQTT notifier (127.0.0.1, a free port) an
 * event created over HTTP reaches an MQTT subscriber. Bad combinations exit 2 naming the flag.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { OAuthClients } from '../../src/openadr/vtn/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runInProcess } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-serve-vtn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(what: string, f: () => T | null | undefined, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
    const v = f();
    if (v !== undefined && v !== null) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('wattshift serve with VTN options', () => {
  it('refuses callbacks outside its allow-list and notifies over its embedded MQTT broker', async () => {
    const db = join(dir, 'w.sqlite');
    const stop = new AbortController();
    let out = '';
    let err = '';
    const running = main(['node', 'wattshift', 'serve', '--port', '0', '--db', db, '--workers', '1', '--vtn-allow-callbacks', '192.0.2.0/24', '--vtn-allow-http-callbacks', '--vtn-mqtt-port', '0'], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      signal: stop.signal,
    });
    let sub: mqtt.MqttClient | undefined;
    try {
      const brokerUrl = (await until(`the MQTT address in ${JSON.stringify(out + err)}`, () => /MQTT notifications at (mqtt:\/\/127\.0\.0\.1:\d+)/.exec(out)))[1]!;
      const base = `${/wattshift serving on (\S+)/.exec(out)![1]}/openadr3/3.1.0`;
      expect(out).toContain('webhook callbacks allowed to: ');
      expect(out).toContain('192.0.2.0/24');
      const store = await openStore(db);
      const client = await new OAuthClients(store, Date.now).create('bl', { name: 'utility' }).finally(() => store.close());
      const tok = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }).toString() });
      const { access_token: token } = (await tok.json()) as { access_token: string };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const subscribe = (callbackUrl: string) =>
        fetch(`${base}/subscriptions`, { method: 'POST', headers, body: JSON.stringify({ clientName: 'utility', objectOperations: [{ objects: ['REPORT'], operations: ['CREATE'], callbackUrl }] }) });
      // outside the allow-list (the loopback address): refused with a problem naming the field
      const refused = await subscribe('http://127.0.0.1:9/hook');
      expect(refused.status).toBe(400);
      expect(JSON.stringify(await refused.json())).toMatch(/objectOperations/);
      // inside it: taken
      expect((await subscribe('http://192.0.2.10/hook')).status).toBe(201);

      // MQTT: subscribe to event creations, then create an event over HTTP
      const topics = (await (await fetch(`${base}/notifiers/mqtt/topics/events`, { headers })).json()) as { topics: { CREATE: string } };
      sub = await mqtt.connectAsync(brokerUrl, { username: client.id, password: token, reconnectPeriod: 0, connectTimeout: 5000 });
      const got: Array<{ operation: string; object: { eventName: string } }> = [];
      sub.on('message', (_t, payload) => got.push(JSON.parse(payload.toString()) as (typeof got)[number]));
      await sub.subscribeAsync(topics.topics.CREATE, { qos: 1 });
      const program = (await (await fetch(`${base}/programs`, { method: 'POST', headers, body: JSON.stringify({ programName: 'peak' }) })).json()) as { id: string };
      const made = await fetch(`${base}/events`, { method: 'POST', headers, body: JSON.stringify({ programID: program.id, eventName: 'evening', intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] }) });
      expect(made.status).toBe(201);
      const n = await until('the MQTT notification', () => got.find((m) => m.object.eventName === 'evening'));
      expect(n.operation).toBe('CREATE');
    } finally {
      await sub?.endAsync(true);
      stop.abort();
      expect(await running).toBe(0);
    }
  }, 60_000);

  it('refuses contradictory VTN flags with exit code 2, naming the flag', async () => {
    const r = await runInProcess(['serve', '--port', '0', '--db', join(dir, 'x.sqlite'), '--vtn-mqtt-port', '1883', '--vtn-mqtt-url', 'mqtt://127.0.0.1:1883']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--vtn-mqtt-port.*--vtn-mqtt-url/);
    const v = await runInProcess(['vtn', 'serve', '--port', '0', '--db', join(dir, 'y.sqlite'), '--token-lifetime', '5']);
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/--token-lifetime must be whole seconds/);
  });
});
