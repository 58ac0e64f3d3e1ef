/**
 * A VTN for tests: a store on a scratch database, the plugin on a Fastify instance (inject), a
 * settable clock, and clients of each kind with tokens: business logic (`bl`) and two VENs (`a`,
 * `b`), each VEN with a VEN object (targets `site-a`/`site-b` and `group-1`).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { openStore, type Store } from '../../src/store/index.ts';
import { createVtn, openadrVtn, type Vtn, type VtnOptions } from '../../src/openadr/vtn/index.ts';
import { VtnTestClient } from '../helpers/vtn-client.ts';

/** The prefix the tests mount the VTN under. */
export const PREFIX = '/openadr3/3.1.0';

/** A settable clock. */
export interface Clock {
  t: number;
  now: () => number;
}

/** A clock starting at 2026-06-01T12:00:00Z, moving 1 ms per reading (so creation times differ). */
export function testClock(start = Date.parse('2026-06-01T12:00:00Z')): Clock {
  const c: Clock = { t: start, now: () => c.t++ };
  return c;
}

/** One client with its secret and a token. */
export interface TestClient {
  id: string;
  secret: string;
  token: string;
}

/** A running test VTN. */
export interface VtnFixture {
  store: Store;
  vtn: Vtn;
  app: FastifyInstance;
  client: VtnTestClient;
  clock: Clock;
  bl: TestClient;
  a: TestClient & { venId: string };
  b: TestClient & { venId: string };
  close(opts?: { keepStore?: boolean }): Promise<void>;
}

/** Starts a test VTN on `location` (a fresh database). */
export async function startFixture(location: string, opts: Partial<VtnOptions> = {}, clock: Clock = testClock(), venNames: [string, string] = ['ven-a', 'ven-b']): Promise<VtnFixture> {
  const store = await openStore(location, { now: clock.now });
  const delivery = { callbacks: { allow: ['127.0.0.1', '::1'], allowHttp: true }, ...opts.delivery };
  const vtn = await createVtn({ ...opts, store, now: clock.now, delivery });
  const app = Fastify();
  await app.register(openadrVtn, { vtn, prefix: PREFIX });
  await app.ready();
  const client = VtnTestClient.inject(app, PREFIX);
  const mk = async (role: 'bl' | 'ven') => {
    const c = await vtn.clients.create(role);
    return { id: c.id, secret: c.secret, token: await client.token(c.id, c.secret) };
  };
  const bl = await mk('bl');
  const a0 = await mk('ven');
  const b0 = await mk('ven');
  const venA = await client.call({ method: 'POST', path: '/vens', token: bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: venNames[0], clientID: a0.id, targets: ['site-a', 'group-1'] } });
  const venB = await client.call({ method: 'POST', path: '/vens', token: bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: venNames[1], clientID: b0.id, targets: ['site-b', 'group-1'] } });
  if (venA.status !== 201 || venB.status !== 201) throw new Error(`fixture VENs: ${venA.status} ${venB.status}`);
  return {
    store,
    vtn,
    app,
    client,
    clock,
    bl,
    a: { ...a0, venId: venA.body.id as string },
    b: { ...b0, venId: venB.body.id as string },
    async close(o = {}) {
      await app.close();
      await vtn.close();
      if (!o.keepStore) await store.close();
    },
  };
}
