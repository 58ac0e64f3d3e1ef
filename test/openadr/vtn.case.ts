/**
 * The VTN conformance checklist, run on SQLite and on PostgreSQL (vtn-sqlite.test.ts,
 * vtn-postgres.test.ts). Every exchange is validated against the spec (helpers/vtn-client.ts).
 *
 * - every role × every operation of the spec: allowed, or 403, as the spec's scopes say;
 * - tokens: missing, malformed, expired, of a revoked client (401); token endpoint errors;
 * - unknown ids (404) on every by-id operation; 409 on duplicate names and dangling references;
 * - pagination: order (createdDateTime, id), skip/limit, limit clamped to 50;
 * - target filters and event visibility for VENs; object privacy;
 * - interval timing (the `active` filter);
 * - a restart: subscriptions, events and queued deliveries survive.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES, scopesAllow } from '../../src/openadr/vtn/index.ts';
import { specOperations, type SpecOperation } from '../../src/openadr/spec.ts';
import type { ScratchDatabases } from '../helpers/databases.ts';
import type { VtnCall } from '../helpers/vtn-client.ts';
import { startFixture, testClock, type VtnFixture } from './vtn-fixture.ts';

const OPS = specOperations();

/** A request for `op` that conforms to the spec, for the matrix (ids that do not exist). */
function sampleCall(op: SpecOperation, role: 'bl' | 'ven', n: number): VtnCall {
  const path = op.path.replace(/\{[^}]+\}/g, 'no-such-id');
  const bodies: Record<string, unknown> = {
    createProgram: { programName: `matrix-${role}-${n}` },
    updateProgram: { programName: `matrix-${role}-${n}` },
    createEvent: { programID: 'no-such-id', intervals: [] },
    updateEvent: { programID: 'no-such-id', intervals: [] },
    createReport: { eventID: 'no-such-id', clientName: 'x', resources: [] },
    updateReport: { eventID: 'no-such-id', clientName: 'x', resources: [] },
    createSubscription: { clientName: 'x', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: 'http://127.0.0.1:9/cb' }] },
    updateSubscription: { clientName: 'x', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: 'http://127.0.0.1:9/cb' }] },
    createVen: role === 'bl' ? { objectType: 'BL_VEN_REQUEST', venName: `matrix-${n}`, clientID: `matrix-client-${n}` } : { objectType: 'VEN_VEN_REQUEST', venName: `matrix-${n}` },
    updateVen: role === 'bl' ? { objectType: 'BL_VEN_REQUEST', venName: `matrix-${n}`, clientID: `matrix-client-${n}` } : { objectType: 'VEN_VEN_REQUEST', venName: `matrix-${n}` },
    createResource: role === 'bl' ? { objectType: 'BL_RESOURCE_REQUEST', resourceName: 'r', venID: 'no-such-id', clientID: 'c' } : { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'r', venID: 'no-such-id' },
    updateVenResource: role === 'bl' ? { objectType: 'BL_RESOURCE_REQUEST', resourceName: 'r', venID: 'no-such-id', clientID: 'c' } : { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'r', venID: 'no-such-id' },
  };
  return { method: op.method, path, body: bodies[op.operationId] };
}

/** The suite on one kind of database. */
export function runVtnCases(kind: 'sqlite' | 'postgres', databases: () => Promise<ScratchDatabases>): void {
  let dbs: ScratchDatabases;
  let f: VtnFixture;
  beforeAll(async () => {
    dbs = await databases();
    f = await startFixture(await dbs.create());
  });
  afterAll(async () => {
    await f?.close();
    await dbs?.dropAll();
  });

  describe('roles × operations', () => {
    const secured = OPS.filter((o) => o.scopes.length > 0);
    it('covers every operation of the spec (45) with its scopes; read_bl is used and declared', () => {
      expect(OPS).toHaveLength(45);
      expect(secured.map((o) => o.scopes.length)).toEqual(secured.map(() => 1));
      expect(OPS.filter((o) => o.scopes[0] === 'read_bl').map((o) => o.operationId).sort()).toEqual([
        'listAllMqttNotifierTopicsEvents', 'listAllMqttNotifierTopicsReports', 'listAllMqttNotifierTopicsResources', 'listAllMqttNotifierTopicsSubscriptions', 'listAllMqttNotifierTopicsVens',
      ]);
    });

    for (const role of ['bl', 'ven'] as const) {
      it(`${role}: each operation is allowed or 403 exactly as the spec's scopes say`, async () => {
        const token = role === 'bl' ? f.bl.token : f.a.token;
        const seen: string[] = [];
        let n = 0;
        for (const op of secured) {
          const allowed = scopesAllow(new Set(ROLE_SCOPES[role]), op.scopes);
          const r = await f.client.call({ ...sampleCall(op, role, n++), token });
          if (allowed) expect(r.status, `${role} ${op.operationId} → ${r.status} ${JSON.stringify(r.body)}`).not.toBe(403);
          else expect(r.status, `${role} ${op.operationId}`).toBe(403);
          expect(r.status).not.toBe(401);
          seen.push(`${op.operationId}:${allowed ? 'allowed' : '403'}`);
        }
        expect(seen).toHaveLength(secured.length);
        // the matrix as the spec's descriptions give it
        const denied = seen.filter((s) => s.endsWith(':403')).map((s) => s.split(':')[0]).sort();
        if (role === 'bl') expect(denied).toEqual(['createReport', 'deleteReport', 'updateReport']);
        else expect(denied).toEqual(expect.arrayContaining(['createProgram', 'createEvent', 'listAllNotifiers', 'listAllMqttNotifierTopicsEvents', 'listAllMqttNotifierTopicsPrograms']));
      });
    }

    it('a token narrowed to one scope is refused the others', async () => {
      const t = await f.client.token(f.bl.id, f.bl.secret, 'read_all');
      expect((await f.client.call({ method: 'GET', path: '/programs', token: t })).status).toBe(200);
      expect((await f.client.call({ method: 'POST', path: '/programs', token: t, body: { programName: 'narrow' } })).status).toBe(403);
    });
  });

  describe('tokens', () => {
    it('refuses a missing, malformed, forged, expired or revoked token with 401', async () => {
      const get = (token?: string, headers?: Record<string, string>) => f.client.call({ method: 'GET', path: '/programs', token, headers });
      expect((await get()).status).toBe(401);
      expect((await get(undefined, { authorization: 'Basic abc' })).status).toBe(401);
      expect((await get('not-a-jwt')).status).toBe(401);
      // the right shape, signed by someone else
      const parts = f.bl.token.split('.');
      const forged = [parts[0], Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()), scope: 'read_all write_programs' })).toString('base64url'), parts[2]].join('.');
      expect((await get(forged)).status).toBe(401);
      // expired: one hour and a second later
      const t = await f.client.token(f.bl.id, f.bl.secret);
      // used once first: the expiry must hold for a token whose signature is remembered as verified
      expect((await get(t)).status).toBe(200);
      f.clock.t += 3601_000;
      const expired = await get(t);
      expect(expired.status).toBe(401);
      expect(expired.body.detail).toMatch(/expired/);
      expect(expired.headers['www-authenticate']).toMatch(/invalid_token/);
      // revoked
      const c = await f.vtn.clients.create('bl');
      const rt = await f.client.token(c.id, c.secret);
      expect((await get(rt)).status).toBe(200);
      await f.vtn.clients.revoke(c.id);
      f.clock.t += 10_000; // past the client cache
      expect((await get(rt)).status).toBe(401);
      expect((await f.client.call({ method: 'POST', path: '/auth/token', form: { grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret } })).status).toBe(401);
      f.bl.token = await f.client.token(f.bl.id, f.bl.secret);
      f.a.token = await f.client.token(f.a.id, f.a.secret);
      f.b.token = await f.client.token(f.b.id, f.b.secret);
    });

    it('token endpoint: errors as RFC 6749 names them, inside problem documents', async () => {
      const post = (form: Record<string, string>, badRequest = false) => f.client.call({ method: 'POST', path: '/auth/token', form, badRequest });
      const wrong = await post({ grant_type: 'client_credentials', client_id: f.bl.id, client_secret: 'nope' });
      expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
      const grant = await post({ grant_type: 'password', client_id: f.bl.id, client_secret: f.bl.secret }, true);
      expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
      const missing = await post({ grant_type: 'client_credentials', client_id: f.bl.id }, true);
      expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
      const scope = await post({ grant_type: 'client_credentials', client_id: f.a.id, client_secret: f.a.secret, scope: 'read_targets write_programs' });
      expect([scope.status, scope.body.error]).toEqual([400, 'invalid_scope']);
      expect(scope.body.detail).toMatch(/write_programs" is not granted to ven clients/);
      const ok = await post({ grant_type: 'client_credentials', client_id: f.a.id, client_secret: f.a.secret, scope: 'read_targets' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read_targets' });
      expect(ok.headers['cache-control']).toBe('no-store');
      // HTTP Basic client authentication
      const basic = await f.client.call({ method: 'POST', path: '/auth/token', form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from(`${f.a.id}:${f.a.secret}`).toString('base64')}` }, badRequest: true });
      expect(basic.status).toBe(200);
      const server = await f.client.call({ method: 'GET', path: '/auth/server' });
      expect(server.body.tokenURL).toMatch(/\/openadr3\/3\.1\.0\/auth\/token$/);
    });
  });

  describe('objects', () => {
    let programId: string;

    it('creates a program with server-set metadata; 409 on a duplicate programName; updates and keeps createdDateTime', async () => {
      const c = await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'summer', targets: ['site-a'], id: 'ignored', objectType: 'EVENT' } });
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({ programName: 'summer', objectType: 'PROGRAM' });
      expect(c.body.id).not.toBe('ignored');
      expect(c.body.createdDateTime).toBe(c.body.modificationDateTime);
      programId = c.body.id;
      expect((await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'summer' } })).status).toBe(409);
      const other = await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'winter' } });
      expect((await f.client.call({ method: 'PUT', path: `/programs/${other.body.id}`, token: f.bl.token, body: { programName: 'summer' } })).status).toBe(409);
      const u = await f.client.call({ method: 'PUT', path: `/programs/${programId}`, token: f.bl.token, body: { programName: 'summer', targets: ['site-a'], programDescriptions: [{ URL: 'https://example.org/summer' }] } });
      expect(u.status).toBe(200);
      expect(u.body.createdDateTime).toBe(c.body.createdDateTime);
      expect(Date.parse(u.body.modificationDateTime)).toBeGreaterThan(Date.parse(c.body.modificationDateTime));
      expect((await f.client.call({ method: 'DELETE', path: `/programs/${other.body.id}`, token: f.bl.token })).body.programName).toBe('winter');
    });

    it('refuses bad documents with 400 naming each problem by JSON path', async () => {
      const r = await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: programId, priority: -1, intervals: [{ id: 0, payloads: [{ type: 'PRICE' }] }] }, badRequest: true });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['intervals[0].payloads[0].values', 'priority']);
      expect((await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: '{"programName": ', badRequest: true })).status).toBe(400);
      expect((await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token, query: { skip: -1 }, badRequest: true })).status).toBe(400);
      expect((await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { active: 'yes' }, badRequest: true })).status).toBe(400);
      expect((await f.client.call({ method: 'GET', path: '/programs/bad%20id', token: f.bl.token, badRequest: true })).status).toBe(400);
      const media = await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: 'programName=x', headers: { 'content-type': 'application/xml' }, badRequest: true });
      expect(media.status).toBe(415);
    });

    it('404 for an unknown id on every by-id operation', async () => {
      for (const op of OPS.filter((o) => /\{(program|event|report|subscription|ven|resource)ID\}$/.test(o.path) && !o.path.startsWith('/notifiers'))) {
        const role = op.operationId.endsWith('Report') || op.operationId === 'searchReportsByReportID' ? 'ven' : 'bl';
        const r = await f.client.call({ ...sampleCall(op, role, 999), token: role === 'bl' ? f.bl.token : f.a.token });
        expect(r.status, op.operationId).toBe(404);
      }
    });

    it('409 for references to objects that do not exist; deleting a program deletes its events', async () => {
      expect((await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: 'missing' } })).status).toBe(409);
      expect((await f.client.call({ method: 'POST', path: '/reports', token: f.a.token, body: { eventID: 'missing', clientName: 'a', resources: [] } })).status).toBe(409);
      expect((await f.client.call({ method: 'POST', path: '/subscriptions', token: f.a.token, body: { clientName: 'a', programID: 'missing', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: 'http://127.0.0.1:9/x' }] } })).status).toBe(409);
      const p = await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'short-lived' } });
      const e = await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: p.body.id } });
      expect((await f.client.call({ method: 'DELETE', path: `/programs/${p.body.id}`, token: f.bl.token })).status).toBe(200);
      expect((await f.client.call({ method: 'GET', path: `/events/${e.body.id}`, token: f.bl.token })).status).toBe(404);
    });

    it('VENs and resources: 409 on duplicate venName, a second VEN for one client and a duplicate resourceName within a VEN; VEN forms', async () => {
      expect((await f.client.call({ method: 'POST', path: '/vens', token: f.bl.token, body: { objectType: 'BL_VEN_REQUEST', venName: 'ven-a', clientID: 'someone' } })).status).toBe(409);
      expect((await f.client.call({ method: 'POST', path: '/vens', token: f.a.token, body: { objectType: 'VEN_VEN_REQUEST', venName: 'another' } })).status).toBe(409);
      // a VEN may not write the business-logic form (it could target itself)
      expect((await f.client.call({ method: 'POST', path: '/vens', token: f.a.token, body: { objectType: 'BL_VEN_REQUEST', venName: 'x', clientID: f.a.id, targets: ['site-b'] } })).status).toBe(403);
      const r1 = await f.client.call({ method: 'POST', path: '/resources', token: f.a.token, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'gpu-hall-1', venID: f.a.venId } });
      expect(r1.status).toBe(201);
      expect(r1.body).toMatchObject({ objectType: 'RESOURCE', clientID: f.a.id, venID: f.a.venId, targets: null });
      expect((await f.client.call({ method: 'POST', path: '/resources', token: f.a.token, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'gpu-hall-1', venID: f.a.venId } })).status).toBe(409);
      // the same name under another VEN is fine
      expect((await f.client.call({ method: 'POST', path: '/resources', token: f.b.token, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'gpu-hall-1', venID: f.b.venId } })).status).toBe(201);
      // a VEN cannot hang a resource on another VEN
      expect((await f.client.call({ method: 'POST', path: '/resources', token: f.a.token, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'x', venID: f.b.venId } })).status).toBe(404);
      // business logic targets the resource; the VEN's update keeps the targets
      const bl = await f.client.call({ method: 'PUT', path: `/resources/${r1.body.id}`, token: f.bl.token, body: { objectType: 'BL_RESOURCE_REQUEST', resourceName: 'gpu-hall-1', venID: f.a.venId, clientID: f.a.id, targets: ['feeder-7'] } });
      expect(bl.body.targets).toEqual(['feeder-7']);
      const ven = await f.client.call({ method: 'PUT', path: `/resources/${r1.body.id}`, token: f.a.token, body: { objectType: 'VEN_RESOURCE_REQUEST', resourceName: 'gpu-hall-1', venID: f.a.venId, attributes: [{ type: 'MAX_POWER_CONSUMPTION', values: [5000] }] } });
      expect(ven.body).toMatchObject({ targets: ['feeder-7'], attributes: [{ type: 'MAX_POWER_CONSUMPTION', values: [5000] }] });
      const v = await f.client.call({ method: 'PUT', path: `/vens/${f.a.venId}`, token: f.a.token, body: { objectType: 'VEN_VEN_REQUEST', venName: 'ven-a' } });
      expect(v.body).toMatchObject({ objectType: 'VEN', clientID: f.a.id, targets: ['site-a', 'group-1'] });
    });
  });

  describe('visibility and privacy', () => {
    let pPublic: string, pA: string;
    const ev: Record<string, string> = {};

    beforeAll(async () => {
      pPublic = (await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'public-program' } })).body.id;
      pA = (await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'a-only', targets: ['site-a'] } })).body.id;
      const mk = async (name: string, body: Record<string, unknown>) => (ev[name] = (await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { eventName: name, ...body } })).body.id);
      await mk('all', { programID: pPublic });
      await mk('to-a', { programID: pPublic, targets: ['site-a'] });
      await mk('to-b', { programID: pPublic, targets: ['site-b'] });
      await mk('to-group', { programID: pPublic, targets: ['group-1'] });
      await mk('in-a-program', { programID: pA });
      await mk('to-feeder', { programID: pPublic, targets: ['feeder-7'] }); // A's resource carries feeder-7
    });

    const names = (list: { eventName: string }[]) => list.map((e) => e.eventName).sort();

    it('a VEN sees untargeted events, events sharing a target with its VEN or its resources, and untargeted events of programs it sees', async () => {
      const a = await f.client.call({ method: 'GET', path: '/events', token: f.a.token });
      expect(names(a.body)).toEqual(['all', 'in-a-program', 'to-a', 'to-feeder', 'to-group']);
      const b = await f.client.call({ method: 'GET', path: '/events', token: f.b.token });
      expect(names(b.body)).toEqual(['all', 'to-b', 'to-group']);
      expect((await f.client.call({ method: 'GET', path: `/events/${ev['to-a']}`, token: f.b.token })).status).toBe(404);
      expect((await f.client.call({ method: 'GET', path: `/programs/${pA}`, token: f.b.token })).status).toBe(404);
      const progs = await f.client.call({ method: 'GET', path: '/programs', token: f.b.token });
      expect(progs.body.map((p: { id: string }) => p.id)).not.toContain(pA);
      // business logic sees everything
      const bl = await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { programID: pPublic } });
      expect(names(bl.body)).toEqual(['all', 'to-a', 'to-b', 'to-feeder', 'to-group']);
    });

    it('filters by targets: an event matches by its own targets, or without any by its program\'s', async () => {
      const q = await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { targets: ['site-a'] } });
      expect(names(q.body)).toEqual(['in-a-program', 'to-a']);
      const q2 = await f.client.call({ method: 'GET', path: '/events', token: f.b.token, query: { targets: ['site-a', 'group-1'] } });
      expect(names(q2.body)).toEqual(['to-group']);
      const vens = await f.client.call({ method: 'GET', path: '/vens', token: f.bl.token, query: { targets: 'site-b' } });
      expect(vens.body.map((v: { venName: string }) => v.venName)).toEqual(['ven-b']);
      const byName = await f.client.call({ method: 'GET', path: '/vens', token: f.bl.token, query: { venName: 'ven-a' } });
      expect(byName.body).toHaveLength(1);
      const res = await f.client.call({ method: 'GET', path: '/resources', token: f.bl.token, query: { targets: 'feeder-7' } });
      expect(res.body.map((r: { venID: string }) => r.venID)).toEqual([f.a.venId]);
    });

    it('a VEN reads and changes only its own VEN, resources, reports and subscriptions', async () => {
      const rep = await f.client.call({ method: 'POST', path: '/reports', token: f.a.token, body: { eventID: ev['to-a'], clientName: 'ven-a', resources: [{ resourceName: 'gpu-hall-1', intervals: [{ id: 0, payloads: [{ type: 'USAGE', values: [812.5] }] }] }] } });
      expect(rep.status).toBe(201);
      expect(rep.body.clientID).toBe(f.a.id);
      // B may not report on an event it cannot see
      expect((await f.client.call({ method: 'POST', path: '/reports', token: f.b.token, body: { eventID: ev['to-a'], clientName: 'ven-b', resources: [] } })).status).toBe(409);
      const sub = await f.client.call({ method: 'POST', path: '/subscriptions', token: f.a.token, body: { clientName: 'ven-a', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: 'http://127.0.0.1:9/a', bearerToken: 'secret-a' }] } });
      expect(sub.status).toBe(201);
      for (const [path, id] of [['/vens', f.a.venId], ['/reports', rep.body.id], ['/subscriptions', sub.body.id]] as const) {
        expect((await f.client.call({ method: 'GET', path: `${path}/${id}`, token: f.b.token })).status, path).toBe(404);
        expect((await f.client.call({ method: 'DELETE', path: `${path}/${id}`, token: f.b.token })).status, path).toBe(404);
        expect((await f.client.call({ method: 'GET', path, token: f.b.token })).body.map((o: { id: string }) => o.id)).not.toContain(id);
        expect((await f.client.call({ method: 'GET', path, token: f.a.token })).body.map((o: { id: string }) => o.id)).toContain(id);
      }
      const resB = await f.client.call({ method: 'GET', path: '/resources', token: f.b.token });
      expect(resB.body.every((r: { clientID: string }) => r.clientID === f.b.id)).toBe(true);
      // business logic sees the subscription with its bearer token hidden; the owner sees it
      expect((await f.client.call({ method: 'GET', path: `/subscriptions/${sub.body.id}`, token: f.bl.token })).body.objectOperations[0].bearerToken).toBe('***');
      expect((await f.client.call({ method: 'GET', path: `/subscriptions/${sub.body.id}`, token: f.a.token })).body.objectOperations[0].bearerToken).toBe('secret-a');
      // the report filters
      expect((await f.client.call({ method: 'GET', path: '/reports', token: f.bl.token, query: { eventID: ev['to-a']! } })).body).toHaveLength(1);
      expect((await f.client.call({ method: 'GET', path: '/reports', token: f.bl.token, query: { clientName: 'nobody' } })).body).toHaveLength(0);
      expect((await f.client.call({ method: 'GET', path: '/reports', token: f.bl.token, query: { programID: pPublic } })).body).toHaveLength(1);
      expect((await f.client.call({ method: 'GET', path: '/subscriptions', token: f.bl.token, query: { objects: 'EVENT', clientName: 'ven-a' } })).body).toHaveLength(1);
      expect((await f.client.call({ method: 'GET', path: '/subscriptions', token: f.bl.token, query: { objects: 'REPORT', clientName: 'ven-a' } })).body).toHaveLength(0);
      // deleting the event takes its reports along
      expect((await f.client.call({ method: 'DELETE', path: `/events/${ev['to-a']}`, token: f.bl.token })).status).toBe(200);
      expect((await f.client.call({ method: 'GET', path: `/reports/${rep.body.id}`, token: f.a.token })).status).toBe(404);
    });

    it('MQTT topic operations without a broker are 404; a VEN gets topics only of its own VEN', async () => {
      expect((await f.client.call({ method: 'GET', path: '/notifiers', token: f.bl.token })).body).toEqual({ WEBHOOK: true });
      expect((await f.client.call({ method: 'GET', path: `/notifiers/mqtt/topics/vens/${f.a.venId}/events`, token: f.a.token })).status).toBe(404);
    });
  });

  describe('pagination', () => {
    it('orders by (createdDateTime, id), pages with skip and limit, clamps limit to 50', async () => {
      const created: string[] = [];
      for (let i = 0; i < 56; i++) created.push((await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: `page-${String(i).padStart(2, '0')}` } })).body.id);
      const all: { id: string; createdDateTime: string }[] = [];
      for (let skip = 0; ; skip += 7) {
        const r = await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token, query: { skip, limit: 7 } });
        all.push(...r.body);
        if (r.body.length < 7) break;
      }
      const keys = all.map((p) => `${p.createdDateTime}|${p.id}`);
      expect(keys).toEqual([...keys].sort());
      expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
      expect(all.map((p) => p.id).filter((id) => created.includes(id))).toEqual(created);
      const big = await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token, query: { limit: 500 }, badRequest: true });
      expect(big.body).toHaveLength(50);
      expect((await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token })).body).toHaveLength(50);
      expect((await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token, query: { limit: 0 } })).body).toHaveLength(0);
      expect((await f.client.call({ method: 'GET', path: '/programs', token: f.bl.token, query: { skip: 100000 } })).body).toHaveLength(0);
    });
  });

  describe('interval timing', () => {
    it('`active` keeps events that can still be in force: default periods, overrides, "now" starts, long durations, randomized starts', async () => {
      const p = (await f.client.call({ method: 'POST', path: '/programs', token: f.bl.token, body: { programName: 'timing' } })).body.id;
      const now = f.clock.t;
      const at = (ms: number) => new Date(ms).toISOString();
      const H = 3600_000;
      const events: Record<string, Record<string, unknown>> = {
        // default period from the event: three 1-hour intervals from 3 h ago → ended
        past: { intervalPeriod: { start: at(now - 3 * H), duration: 'PT1H' }, intervals: [0, 1, 2].map((id) => ({ id, payloads: [{ type: 'SIMPLE', values: [1] }] })) },
        // same, but the last interval overrides its duration to 4 h → still in force
        overridden: { intervalPeriod: { start: at(now - 3 * H), duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }, { id: 1, intervalPeriod: { duration: 'PT4H' }, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
        // starts "now" (when created), 1 h long
        nowStart: { intervalPeriod: { start: '0001-01-01', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
        // started a year ago, lasts "infinity"
        forever: { intervalPeriod: { start: at(now - 365 * 24 * H), duration: 'P9999Y' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
        // a 2-year event that started a year ago (calendar years)
        longEvent: { intervalPeriod: { start: at(now - 365 * 24 * H), duration: 'P2Y' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
        // ended 10 min ago, but clients may randomise the start by up to 30 min
        randomized: { intervalPeriod: { start: at(now - 70 * 60_000), duration: 'PT1H', randomizeStart: 'PT30M' }, intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
        // no timing at all: cannot be judged over, so active
        untimed: { intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] },
      };
      // "0001-01-01" is the User Guide's "now" but not an RFC 3339 date-time: accepted (a relaxation)
      for (const [name, body] of Object.entries(events)) expect((await f.client.call({ method: 'POST', path: '/events', token: f.bl.token, body: { programID: p, eventName: name, ...body }, badRequest: name === 'nowStart' })).status).toBe(201);
      const active = await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { programID: p, active: true } });
      expect(active.body.map((e: { eventName: string }) => e.eventName).sort()).toEqual(['forever', 'longEvent', 'nowStart', 'overridden', 'randomized', 'untimed']);
      const stored = (await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { programID: p } })).body.find((e: { eventName: string }) => e.eventName === 'nowStart');
      expect(stored.intervalPeriod.start).toBe('0001-01-01T00:00:00Z');
      f.clock.t += 1.5 * H; // the overridden interval runs to +2 h; the "now" event ended at +1 h
      f.bl.token = await f.client.token(f.bl.id, f.bl.secret);
      const later = await f.client.call({ method: 'GET', path: '/events', token: f.bl.token, query: { programID: p, active: 'true' } });
      expect(later.body.map((e: { eventName: string }) => e.eventName).sort()).toEqual(['forever', 'longEvent', 'overridden', 'untimed']);
      f.bl.token = await f.client.token(f.bl.id, f.bl.secret);
      f.a.token = await f.client.token(f.a.id, f.a.secret);
      f.b.token = await f.client.token(f.b.id, f.b.secret);
    });
  });

  describe('restart', () => {
    it('subscriptions, events and queued webhook deliveries survive a restart; the queue is sent after it', async () => {
      const got: { auth: string | undefined; body: { operation: string; objectType: string; object: { eventName?: string } } }[] = [];
      const server: Server = createServer((req: IncomingMessage, res) => {
        let text = '';
        req.on('data', (c: Buffer) => (text += c.toString()));
        req.on('end', () => {
          got.push({ auth: req.headers.authorization, body: JSON.parse(text) as never });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const location = await dbs.create();
      const clock = { t: 0, now: Date.now };
      // first life: the sender is paused, so the notification stays queued when the VTN stops
      let g = await startFixture(location, { delivery: { paused: true } }, clock);
      const sub = await g.client.call({ method: 'POST', path: '/subscriptions', token: g.bl.token, body: { clientName: 'ops', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: `http://127.0.0.1:${port}/hook`, bearerToken: 'hook-token' }] } });
      const prog = await g.client.call({ method: 'POST', path: '/programs', token: g.bl.token, body: { programName: 'restart' } });
      const evt = await g.client.call({ method: 'POST', path: '/events', token: g.bl.token, body: { programID: prog.body.id, eventName: 'survivor' } });
      expect(evt.status).toBe(201);
      const queued = await g.store.db.selectFrom('oadr_deliveries').selectAll().execute();
      expect(queued).toHaveLength(1);
      await g.close();
      expect(got).toHaveLength(0);
      // second life on the same database
      g = await startFixture(location, {}, clock, ['ven-c', 'ven-d']);
      try {
        const token = await g.client.token(g.bl.id, g.bl.secret);
        expect((await g.client.call({ method: 'GET', path: `/subscriptions/${sub.body.id}`, token })).status).toBe(200);
        expect((await g.client.call({ method: 'GET', path: `/events/${evt.body.id}`, token })).body.eventName).toBe('survivor');
        for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(got).toHaveLength(1);
        expect(got[0]).toMatchObject({ auth: 'Bearer hook-token', body: { objectType: 'EVENT', operation: 'CREATE', object: { eventName: 'survivor' } } });
        for (let i = 0; i < 40 && (await g.store.db.selectFrom('oadr_deliveries').selectAll().execute()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await g.store.db.selectFrom('oadr_deliveries').selectAll().execute()).toHaveLength(0);
      } finally {
        await g.close();
        server.close();
      }
    });
  });

  void kind;
  void testClock;
}
