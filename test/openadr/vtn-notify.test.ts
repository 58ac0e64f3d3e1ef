/**
 * Notifications over real sockets (SQLite): webhook delivery with the callback's bearer token,
 * a slow webhook (time-out, then retry; a hanging one holds up neither the API nor other
 * subscribers), a failing one (back-off, then broken), no redirects,
 * the callback policy (refused at subscription and at connection); MQTT through the embedded
 * broker with VTN tokens, per-VEN topics and privacy, and through an external broker
 * (Debian's mosquitto on 127.0.0.1); tokens of an external issuer (JWKS served on 127.0.0.1).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryAttempt } from '../../src/openadr/vtn/index.ts';
import { sqliteDatabases, type ScratchDatabases } from '../helpers/databases.ts';
import { startFixture, type VtnFixture } from './vtn-fixture.ts';

const realClock = () => ({ t: 0, now: Date.now });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | Promise<T>, ms = 5000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Hit {
  path: string;
  auth: string | undefined;
  body: { objectType: string; operation: string; object: Record<string, unknown> };
}

/** A callback server on 127.0.0.1 whose behaviour per path the test sets. */
async function callbackServer(): Promise<{ url: (path: string) => string; hits: Hit[]; behave: Map<string, (res: ServerResponse, n: number) => void>; close: () => Promise<void> }> {
  const hits: Hit[] = [];
  const behave = new Map<string, (res: ServerResponse, n: number) => void>();
  const count = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (count.get(path) ?? 0) + 1;
      count.set(path, n);
      hits.push({ path, auth: req.headers.authorization, body: JSON.parse(text) as Hit['body'] });
      const b = behave.get(path);
      if (b) b(res, n);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: (p) => `http://127.0.0.1:${port}${p}`, hits, behave, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let dbs: ScratchDatabases;
beforeAll(() => {
  dbs = sqliteDatabases();
});
afterAll(async () => {
  await dbs.dropAll();
});

describe('webhooks', () => {
  let f: VtnFixture;
  let cb: Awaited<ReturnType<typeof callbackServer>>;
  const attempts: DeliveryAttempt[] = [];
  let programId: string;

  beforeAll(async () => {
    cb = await callbackServer();
    f = await startFixture(await dbs.create(), { delivery: { timeoutMs: 300, baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, pollMs: 50, onAttempt: (a) => attempts.push(a) } }, realClock());
    programId = (await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'hooks' } })).body.id;
  });
  afterAll(async () => {
    await f.close();
    await cb.close();
  });

  const subscribe = (token: string, path: string, objects: string[], extra: Record<string, unknown> = {}) =>
    f.client.call({ method: 'POST', path: '/subscriptions', token, body: { clientName: 'test', objectOperations: [{ objects, operations: ['CREATE', 'UPDATE', 'DELETE'], callbackUrl: cb.url(path), bearerToken: `token-${path.slice(1)}` }], ...extra } });

  it('posts the notification with the callback\'s bearer token; a VEN hears only of events it may see', async () => {
    expect((await subscribe(f.bl.token, '/bl', ['EVENT', 'REPORT'])).status).toBe(201);
    expect((await subscribe(f.a.token, '/ven-a', ['EVENT'])).status).toBe(201);
    expect((await subscribe(f.b.token, '/ven-b', ['EVENT'])).status).toBe(201);
    const e = await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: programId, eventName: 'for-a', targets: ['site-a'] } });
    await until('three deliveries', () => cb.hits.filter((h) => h.body.object.id === e.body.id).length >= 2 && attempts.length >= 2);
    await sleep(100);
    const mine = cb.hits.filter((h) => h.body.object.id === e.body.id);
    // delivery is at least once: an attempt that timed out on a busy machine may arrive twice
    expect([...new Set(mine.map((h) => h.path))].sort()).toEqual(['/bl', '/ven-a']);
    expect(mine.find((h) => h.path === '/bl')).toMatchObject({ auth: 'Bearer token-bl', body: { objectType: 'EVENT', operation: 'CREATE', object: { eventName: 'for-a' } } });
    expect(mine.find((h) => h.path === '/ven-a')?.auth).toBe('Bearer token-ven-a');
    // the VEN's report reaches business logic, not the other VEN
    await f.client.call({ method: 'POST', path: '/reports', token: f.a.token, body: { eventID: e.body.id, clientName: 'ven-a', resources: [] } });
    await until('the report notification', () => cb.hits.find((h) => h.body.objectType === 'REPORT'));
    expect([...new Set(cb.hits.filter((h) => h.body.objectType === 'REPORT').map((h) => h.path))]).toEqual(['/bl']);
    // delivered rows leave the queue
    await until('an empty queue', async () => (await f.store.db.selectFrom('oadr_deliveries').selectAll().execute()).length === 0);
  });

  it('a slow webhook times out, is retried with back-off, and succeeds', async () => {
    cb.behave.set('/slow', (res, n) => (n === 1 ? setTimeout(() => res.writeHead(200).end(), 1000) : res.writeHead(200).end()));
    const s = await subscribe(f.bl.token, '/slow', ['PROGRAM']);
    const before = attempts.length;
    await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'slow-news' } });
    await until('a second attempt', () => attempts.slice(before).filter((a) => a.subscriptionId === s.body.id).length >= 2);
    const mine = attempts.slice(before).filter((a) => a.subscriptionId === s.body.id);
    expect(mine[0]).toMatchObject({ ok: false, next: 'retry', error: 'no answer within 300 ms' });
    expect(mine[0]!.retryInMs).toBeGreaterThanOrEqual(25);
    expect(mine[0]!.retryInMs).toBeLessThanOrEqual(50);
    expect(mine[1]).toMatchObject({ ok: true, attempt: 2, next: 'done' });
  });

  it('a failing webhook is given up after maxAttempts and its subscription is broken (visible to the operator); redirects are not followed', async () => {
    cb.behave.set('/down', (res) => res.writeHead(503).end());
    cb.behave.set('/moved', (res) => res.writeHead(302, { location: cb.url('/bl') }).end());
    const down = await subscribe(f.bl.token, '/down', ['VEN']);
    const moved = await subscribe(f.bl.token, '/moved', ['VEN']);
    const before = attempts.length;
    await f.client.call({ method: 'POST', path: '/vens', token: f.bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: 'ven-z', clientID: 'client-z' } });
    await until('both given up', () => attempts.slice(before).filter((a) => a.next === 'dead').length >= 2, 8000);
    const d = attempts.slice(before).filter((a) => a.subscriptionId === down.body.id);
    expect(d.map((a) => [a.attempt, a.next, a.error])).toEqual([[1, 'retry', 'HTTP 503'], [2, 'retry', 'HTTP 503'], [3, 'dead', 'HTTP 503']]);
    expect(d[1]!.retryInMs).toBeGreaterThanOrEqual(50);
    expect(d[1]!.retryInMs).toBeLessThanOrEqual(100);
    const m = attempts.slice(before).filter((a) => a.subscriptionId === moved.body.id);
    expect(m[0]!.error).toBe('HTTP 302 (redirects are not followed)');
    expect(cb.hits.filter((h) => h.path === '/bl' && h.body.objectType === 'VEN')).toHaveLength(0);
    const health = await f.vtn.subscriptions.health({ brokenOnly: true });
    expect(health.map((h) => [h.id, h.status, h.lastError, h.deadDeliveries])).toEqual(
      expect.arrayContaining([[down.body.id, 'broken', 'HTTP 503', 1], [moved.body.id, 'broken', 'HTTP 302 (redirects are not followed)', 1]]),
    );
    // a broken subscription gets nothing more until its owner updates it
    const n = cb.hits.filter((h) => h.path === '/down').length;
    await f.client.call({ method: 'POST', path: '/vens', token: f.bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: 'ven-y', clientID: 'client-y' } });
    await sleep(300);
    expect(cb.hits.filter((h) => h.path === '/down').length).toBe(n);
    cb.behave.delete('/down');
    await f.client.call({ method: 'PUT', path: `/subscriptions/${down.body.id}`, token: f.bl.token, body: { clientName: 'test', objectOperations: [{ objects: ['VEN'], operations: ['CREATE'], callbackUrl: cb.url('/down') }] } });
    expect((await f.vtn.subscriptions.health()).find((h) => h.id === down.body.id)?.status).toBe('active');
    await f.client.call({ method: 'POST', path: '/vens', token: f.bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: 'ven-x', clientID: 'client-x' } });
    await until('delivery after repair', () => cb.hits.find((h) => h.path === '/down' && h.body.object.venName === 'ven-x'));
  });

  it('refuses callbacks outside the allowed networks, when subscribing and when connecting', async () => {
    const refused = async (url: string) => {
      const r = await f.client.call({ method: 'POST', path: '/subscriptions', token: f.bl.token, body: { clientName: 'x', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: url }] } });
      expect(r.status, url).toBe(400);
      return r.body.detail as string;
    };
    expect(await refused('http://127.0.0.2:9/x')).toMatch(/points at 127\.0\.0\.2, outside the callback networks this VTN allows \(127\.0\.0\.1, ::1\)/);
    expect(await refused('http://10.1.2.3/x')).toMatch(/outside/);
    expect(await refused('http://[::ffff:169.254.169.254]/latest')).toMatch(/outside/);
    expect(await refused('http://user:pw@127.0.0.1:9/x')).toMatch(/credentials/);
    expect(await refused('ftp://127.0.0.1/x')).toMatch(/must use https/);
    // a name is resolved and each address checked; localhost resolves to allowed loopback here
    expect((await f.client.call({ method: 'POST', path: '/subscriptions', token: f.bl.token, body: { clientName: 'x', objectOperations: [{ objects: ['RESOURCE'], operations: ['CREATE'], callbackUrl: cb.url('/named').replace('127.0.0.1', 'localhost') }] } })).status).toBe(201);
    // the connection-time check: the policy is tightened after subscribing
    const lookup = f.vtn.guard.lookup;
    const strict = new (f.vtn.guard.constructor as new (p: { allow: string[] }) => typeof f.vtn.guard)({ allow: ['192.0.2.0/24'] });
    const err = await new Promise<Error | null>((r) => strict.lookup('localhost', { all: true }, (e) => r(e)));
    expect(err?.message).toMatch(/outside the allowed callback networks/);
    const ok = await new Promise<unknown>((r) => lookup('localhost', { all: true }, (e, a) => r(e ?? a)));
    expect(Array.isArray(ok)).toBe(true);
  });
});

describe('a slow webhook', () => {
  it('holds up neither the API nor the other subscribers', async () => {
    const cb = await callbackServer();
    const held: ServerResponse[] = [];
    // /hang answers only when the test lets it (each attempt ties up a sender slot meanwhile)
    cb.behave.set('/hang', (res) => held.push(res));
    const attempts: DeliveryAttempt[] = [];
    const f = await startFixture(await dbs.create(), { delivery: { timeoutMs: 10_000, maxAttempts: 1, pollMs: 50, onAttempt: (a) => attempts.push(a) } }, realClock());
    try {
      const sub = (path: string) => f.client.call({ method: 'POST', path: '/subscriptions', token: f.bl.token, body: { clientName: 'test', objectOperations: [{ objects: ['RESOURCE'], operations: ['CREATE'], callbackUrl: cb.url(path) }] } });
      const hang = await sub('/hang');
      const quick = await sub('/quick');
      for (let i = 0; i < 5; i++) {
        const r = await f.client.call({ method: 'POST', path: '/resources', token: f.bl.token, body: { objectType: 'BL_RESOURCE_REQUEST', resourceName: `hall-${i}`, venID: f.a.venId, clientID: f.a.id } });
        expect(r.status).toBe(201);
      }
      await until('five quick deliveries', () => cb.hits.filter((h) => h.path === '/quick').length >= 5);
      await until('five hanging attempts', () => held.length >= 5);
      await until('five quick attempts recorded', () => attempts.filter((a) => a.subscriptionId === quick.body.id).length >= 5);
      // all five writes answered and delivered to /quick while every /hang attempt is still open
      expect(attempts.filter((a) => a.subscriptionId === hang.body.id)).toEqual([]);
      expect(attempts.filter((a) => a.subscriptionId === quick.body.id).map((a) => a.ok)).toEqual([true, true, true, true, true]);
      expect(cb.hits.filter((h) => h.path === '/quick').map((h) => h.body.object.resourceName).sort()).toEqual(['hall-0', 'hall-1', 'hall-2', 'hall-3', 'hall-4']);
      for (const res of held) res.writeHead(200).end();
      await until('the slow attempts to finish', () => attempts.filter((a) => a.subscriptionId === hang.body.id && a.ok).length === 5);
    } finally {
      for (const res of held) if (!res.writableEnded) res.end();
      await f.close();
      await cb.close();
    }
  });
});

describe('MQTT', () => {
  let f: VtnFixture;
  const clients: mqtt.MqttClient[] = [];
  beforeAll(async () => {
    f = await startFixture(await dbs.create(), { notifier: { mqtt: { embedded: { port: 0 } } } }, realClock());
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await f.close();
  });

  const connect = async (clientId: string, token: string) => {
    const c = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: clientId, password: token, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  it('lists the broker and topics; clients log in with their clientID and VTN token', async () => {
    const n = await f.client.call({ method: 'GET', path: '/notifiers', token: f.bl.token });
    expect(n.body).toEqual({ WEBHOOK: true, MQTT: { URIS: f.vtn.mqtt!.uris, serialization: 'JSON', authentication: { method: 'OAUTH2_BEARER_TOKEN', username: '{clientID}' } } });
    const t = await f.client.call({ method: 'GET', path: `/notifiers/mqtt/topics/vens/${f.a.venId}/events`, token: f.a.token });
    expect(t.body.topics).toEqual({ CREATE: `vens/${f.a.venId}/events/create`, UPDATE: `vens/${f.a.venId}/events/update`, DELETE: `vens/${f.a.venId}/events/delete`, ALL: `vens/${f.a.venId}/events/+` });
    expect((await f.client.call({ method: 'GET', path: `/notifiers/mqtt/topics/vens/${f.b.venId}/events`, token: f.a.token })).status).toBe(404);
    await expect(mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: 'not-a-token', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('publishes changes on the all-objects and per-VEN topics; a VEN may subscribe only under its own VEN and may not publish', async () => {
    const bl = await connect(f.bl.id, f.bl.token);
    const a = await connect(f.a.id, f.a.token);
    const b = await connect(f.b.id, f.b.token);
    const got: Record<string, { topic: string; body: { objectType: string; operation: string; object: { eventName?: string } } }[]> = { bl: [], a: [], b: [] };
    for (const [k, c] of Object.entries({ bl, a, b })) c.on('message', (topic, payload) => got[k]!.push({ topic, body: JSON.parse(payload.toString()) as never }));
    // MQTT.js rejects a subscription the broker refused (granted QoS 128)
    const granted = (c: mqtt.MqttClient, topic: string) => c.subscribeAsync(topic, { qos: 1 }).then((g) => g[0]!.qos, (e: Error) => (/Subscribe error/.test(e.message) ? 128 : Promise.reject(e)));
    await bl.subscribeAsync('events/+', { qos: 1 });
    expect(await granted(a, `vens/${f.a.venId}/events/+`)).toBe(1);
    // B asks for A's topic and for everything: refused (granted QoS 128)
    expect(await granted(b, `vens/${f.a.venId}/events/+`)).toBe(128);
    expect(await granted(b, 'events/+')).toBe(128);
    expect(await granted(b, `vens/${f.b.venId}/#`)).toBe(1);
    const p = (await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'mqtt' } })).body.id;
    await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: p, eventName: 'to-a', targets: ['site-a'] } });
    await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: p, eventName: 'to-all' } });
    await until('messages', () => got.bl!.length >= 2 && got.a!.length >= 2 && got.b!.some((m) => m.body.object.eventName === 'to-all'));
    await sleep(100);
    expect(got.bl!.map((m) => [m.topic, m.body.object.eventName])).toEqual([['events/create', 'to-a'], ['events/create', 'to-all']]);
    expect(got.a!.map((m) => [m.topic, m.body.operation, m.body.object.eventName])).toEqual([[`vens/${f.a.venId}/events/create`, 'CREATE', 'to-a'], [`vens/${f.a.venId}/events/create`, 'CREATE', 'to-all']]);
    // B sees the untargeted event and its program on its own topics, never A's event
    expect(got.b!.map((m) => m.body.object.eventName).filter(Boolean)).toEqual(['to-all']);
    expect(got.b!.every((m) => m.topic.startsWith(`vens/${f.b.venId}/`))).toBe(true);
    // clients may not publish on the VTN's broker: the broker drops the connection
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish(`vens/${f.a.venId}/events/create`, '{}', { qos: 1 });
    await closed;
  });
});

/** A free TCP port on 127.0.0.1 (closed again, for a server started elsewhere). */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const hasMosquitto = spawnSync('sh', ['-c', 'command -v mosquitto || test -x /usr/sbin/mosquitto']).status === 0;
if (!hasMosquitto && process.env.CI) throw new Error('mosquitto is missing; CI must run the external-broker test (see .ci/run)');

describe('MQTT logins last as long as their token', () => {
  it('closes a connection when its token expires; the same token is then refused and a new one let in', async () => {
    const f = await startFixture(await dbs.create(), { auth: { lifetimeS: 2 }, notifier: { mqtt: { embedded: { port: 0 } } } }, realClock());
    const clients: mqtt.MqttClient[] = [];
    try {
      const token = await f.client.token(f.a.id, f.a.secret);
      const c = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: token, reconnectPeriod: 0 });
      clients.push(c);
      let closedAt = 0;
      c.on('close', () => (closedAt ||= Date.now()));
      await c.subscribeAsync(`vens/${f.a.venId}/events/+`, { qos: 1 });
      const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
      await until('the broker closing the connection', () => closedAt, 4000);
      // closed at the token's expiry (not before it, and about when it came)
      expect(closedAt).toBeGreaterThanOrEqual(exp - 50);
      expect(closedAt).toBeLessThan(exp + 1000);
      await expect(mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: token, reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
      const again = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: await f.client.token(f.a.id, f.a.secret), reconnectPeriod: 0 });
      clients.push(again);
      expect(again.connected).toBe(true);
    } finally {
      for (const c of clients) await c.endAsync(true);
      await f.close();
    }
  });

  it('closes a revoked client\'s connection within a check period, and again if it logs in before its token is refused', async () => {
    const f = await startFixture(await dbs.create(), { notifier: { mqtt: { embedded: { port: 0, revocationCheckMs: 200 } } } }, realClock());
    const clients: mqtt.MqttClient[] = [];
    try {
      const token = await f.client.token(f.a.id, f.a.secret);
      const c = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: token, reconnectPeriod: 0 });
      clients.push(c);
      // another VEN's connection stays
      const other = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.b.id, password: await f.client.token(f.b.id, f.b.secret), reconnectPeriod: 0 });
      clients.push(other);
      let closedAt = 0;
      c.on('close', () => (closedAt ||= Date.now()));
      await new Promise((r) => setTimeout(r, 500));
      expect(closedAt).toBe(0); // not revoked: several checks pass and it stays
      const revokedAt = Date.now();
      await f.vtn.clients.revoke(f.a.id);
      await until('the broker closing the revoked client', () => closedAt, 4000);
      expect(closedAt - revokedAt).toBeLessThan(1500);
      expect(other.connected).toBe(true);
      // the token check remembers "not revoked" for up to 5 s (as for HTTP requests): a login in
      // that time may pass, and the next revocation check closes it again
      const back = await mqtt.connectAsync(f.vtn.mqtt!.uris[0]!, { username: f.a.id, password: token, reconnectPeriod: 0 }).catch(() => undefined);
      if (back) {
        clients.push(back);
        await until('the broker closing the revoked client again', () => !back.connected || undefined, 2000);
      }
      expect(other.connected).toBe(true);
    } finally {
      for (const c of clients) await c.endAsync(true);
      await f.close();
    }
  });
});

describe.skipIf(!hasMosquitto)('MQTT through an external broker (mosquitto)', () => {
  it('publishes notifications on the external broker and lists it in /notifiers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wattshift-mosquitto-'));
    const port = await freePort();
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    const bin = spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto'], { encoding: 'utf8' }).stdout.trim();
    const broker = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    let f: VtnFixture | undefined;
    let sub: mqtt.MqttClient | undefined;
    try {
      const url = `mqtt://127.0.0.1:${port}`;
      sub = await until('the broker', () => mqtt.connectAsync(url, { reconnectPeriod: 0 }).catch(() => undefined), 10_000);
      f = await startFixture(await dbs.create(), { notifier: { mqtt: { external: { url, prefix: 'vtn1/' } } } }, realClock());
      const got: { topic: string; body: { operation: string; object: { programName?: string } } }[] = [];
      sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) as never }));
      await sub.subscribeAsync('vtn1/#', { qos: 1 });
      const n = await f.client.call({ method: 'GET', path: '/notifiers', token: f.bl.token });
      expect(n.body.MQTT).toMatchObject({ URIS: [url], serialization: 'JSON', authentication: { method: 'ANONYMOUS' } });
      await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'via-mosquitto' } });
      await until('the program notification', () => got.find((m) => m.topic === 'vtn1/programs/create'));
      expect(got.find((m) => m.topic === 'vtn1/programs/create')!.body).toMatchObject({ operation: 'CREATE', object: { programName: 'via-mosquitto' } });
      // the per-VEN topics carry it too (an untargeted program: every VEN sees it)
      await until('per-VEN topics', () => got.filter((m) => m.topic.endsWith('/programs/create') && m.topic.startsWith('vtn1/vens/')).length >= 2);
    } finally {
      await sub?.endAsync(true);
      await f?.close();
      broker.kill('SIGTERM');
      await new Promise((r) => broker.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tokens of an external issuer', () => {
  let f: VtnFixture;
  let jwks: Server;
  let sign: (claims: Record<string, unknown>, aud?: string) => Promise<string>;
  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    sign = (claims, aud = 'vtn-api') => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'ext-1' }).setIssuer('https://sso.example').setAudience(aud).setIssuedAt().setExpirationTime('10m').sign(privateKey);
    f = await startFixture(await dbs.create(), { auth: { external: { issuer: 'https://sso.example', audience: 'vtn-api', jwksUrl: url } } }, realClock());
  });
  afterAll(async () => {
    await f.close();
    jwks.close();
  });

  it('accepts its tokens (role from the scopes, client from client_id) and refuses a wrong audience', async () => {
    const ven = await sign({ client_id: f.a.id, scope: 'read_targets read_ven_objects write_reports' });
    const r = await f.client.call({ method: 'GET', path: '/vens', token: ven });
    expect(r.status).toBe(200);
    expect(r.body.map((v: { id: string }) => v.id)).toEqual([f.a.venId]);
    expect((await f.client.call({ method: 'POST', path: '/programs', token: ven, body: { programName: 'x' } })).status).toBe(403);
    const bl = await sign({ azp: 'sso-bl', scope: 'read_all write_programs' });
    expect((await f.client.call({ method: 'POST', path: '/programs', token: bl, body: { programName: 'from-sso' } })).status).toBe(201);
    expect((await f.client.call({ method: 'GET', path: '/programs', token: await sign({ client_id: 'x', scope: 'read_all' }, 'someone-else') })).status).toBe(401);
  });
});
