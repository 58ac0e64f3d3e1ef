/**
 * End to end over HTTP, with the spec validator in front of every exchange: a standalone VTN
 * (startVtn) driven through a demand-response round (BL creates a program, a VEN registers its
 * resource, BL dispatches an event targeted at the VEN's site, the VEN finds it and reports); and
 * the spec-driven mock (Prism) the VEN tests use, whose answers must pass the same validator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { startVtn, type RunningVtn } from '../../src/openadr/vtn/index.ts';
import { prismForSuite } from '../helpers/prism.ts';
import { sqliteDatabases } from '../helpers/databases.ts';
import { VtnTestClient } from '../helpers/vtn-client.ts';

describe('a standalone VTN over HTTP', () => {
  const dbs = sqliteDatabases();
  let store: Store;
  let vtn: RunningVtn;
  let client: VtnTestClient;
  beforeAll(async () => {
    store = await openStore(await dbs.create());
    vtn = await startVtn({ store, port: 0 });
    const u = new URL(vtn.url);
    client = VtnTestClient.http(u.origin, u.pathname);
  });
  afterAll(async () => {
    await vtn.close();
    await store.close();
    await dbs.dropAll();
  });

  it('runs a demand-response round, every exchange conforming to the spec', async () => {
    const blc = await vtn.vtn.clients.create('bl');
    const venc = await vtn.vtn.clients.create('ven');
    const server = await client.call({ method: 'GET', path: '/auth/server' });
    expect(server.body.tokenURL).toBe(`${vtn.url}/auth/token`);
    const bl = await client.token(blc.id, blc.secret);
    const ven = await client.token(venc.id, venc.secret);
    const program = await client.call({ method: 'POST', path: '/programs', token: bl, body: { programName: 'srp-peak', payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }] } });
    expect(program.status).toBe(201);
    // the VEN registers itself and its resource; business logic then targets it
    const me = await client.call({ method: 'POST', path: '/vens', token: ven, body: { objectType: 'VEN_VEN_REQUEST', venName: 'dc-phoenix' } });
    expect(me.body).toMatchObject({ objectType: 'VEN', clientID: venc.id, targets: null });
    expect((await client.call({ method: 'POST', path: '/resources', token: ven, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'hall-1', venID: me.body.id } })).status).toBe(201);
    await client.call({ method: 'PUT', path: `/vens/${me.body.id}`, token: bl, body: { objectType: 'BL_VEN_REQUEST', venName: 'dc-phoenix', clientID: venc.id, targets: ['phoenix'] } });
    const event = await client.call({
      method: 'POST',
      path: '/events',
      token: bl,
      body: {
        programID: program.body.id,
        eventName: 'peak 2025-05-03',
        targets: ['phoenix'],
        intervalPeriod: { start: '2025-05-03T16:00:00-07:00', duration: 'PT1H' },
        intervals: [0, 1, 2].map((id) => ({ id, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [180 - 5 * id] }] })),
        reportDescriptors: [{ payloadType: 'USAGE', readingType: 'DIRECT_READ', units: 'KW' }],
      },
    });
    expect(event.status).toBe(201);
    const seen = await client.call({ method: 'GET', path: '/events', token: ven, query: { programID: program.body.id } });
    expect(seen.body.map((e: { id: string }) => e.id)).toEqual([event.body.id]);
    const report = await client.call({
      method: 'POST',
      path: '/reports',
      token: ven,
      body: { eventID: event.body.id, clientName: 'dc-phoenix', reportName: 'usage', resources: [{ resourceName: 'hall-1', intervalPeriod: { start: '2025-05-03T16:00:00-07:00', duration: 'PT1H' }, intervals: [0, 1, 2].map((id) => ({ id, payloads: [{ type: 'USAGE', values: [176 - id] }] })) }] },
    });
    expect(report.status).toBe(201);
    expect((await client.call({ method: 'GET', path: '/reports', token: bl, query: { eventID: event.body.id } })).body).toHaveLength(1);
    expect(client.checked).toBe(11);
  });
});

describe('the spec-driven mock VTN (Prism)', () => {
  const prism = prismForSuite();

  it('serves the patched spec; its answers pass the validator (with the published file they would not: targets "null -")', async () => {
    const c = VtnTestClient.http(prism().url, '');
    const vens = await c.call({ method: 'GET', path: '/vens', token: 'any' });
    expect(vens.status).toBe(200);
    expect(vens.body[0]).toMatchObject({ venName: 'VEN-999', targets: null });
    expect((await c.call({ method: 'POST', path: '/events', token: 'any', body: { programID: 'p1', intervals: [] } })).status).toBe(201);
    expect((await c.call({ method: 'POST', path: '/auth/token', form: { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' } })).body.token_type).toBe('Bearer');
    // it refuses what the spec refuses
    expect((await c.call({ method: 'POST', path: '/events', token: 'any', body: { intervals: [] }, badRequest: true })).status).toBe(400);
  });
});
