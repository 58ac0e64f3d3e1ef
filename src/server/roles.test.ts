/**
 * Every API route × every role, generated from the server's route table: no token, a malformed
 * header, an unknown token and a revoked one are refused (401, with a challenge); a role below
 * the route's is refused (403); a role at or above it gets past authentication. Every refusal
 * is a problem document. Also: event-stream tickets, and the limit on failed authentications.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAllows, ROLES, type Role } from '../store/index.ts';
import { startTestServer, smallScenarioUpload, type TestServer } from '../../test/helpers/server.ts';
import { TICKET_TTL_SECONDS, TicketSigner } from './auth.ts';
import type { RouteEntry } from './server.ts';

let s: TestServer;
let runId: string;
let scenarioId: string;
let revoked: string;

beforeAll(async () => {
  s = await startTestServer({ authFailuresPerMinute: 1_000_000, rateLimitPerMinute: 0 });
  const up = await s.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: s.as('operator'), payload: smallScenarioUpload() });
  expect(up.statusCode, up.body).toBe(201);
  scenarioId = up.json().scenario.id;
  const run = await s.store.runs.create({ scenarioId, command: 'simulate', softwareVersion: 'test' });
  await s.store.runs.cancel(run.id);
  runId = run.id;
  const t = await s.store.tokens.create('admin', 'to revoke');
  await s.store.tokens.revoke(t.id);
  revoked = t.secret;
  // for the routes that stream open-ended
  await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => s.close());

/** A URL for the route with its parameters filled: ids that exist for reads, ids that do not for changes. */
function urlOf(r: RouteEntry): string {
  const mutating = r.method !== 'GET';
  return r.url
    .replace(':id', r.url.startsWith('/api/v1/scenarios') ? scenarioId : r.url.startsWith('/api/v1/tokens') ? '01ARZ3NDEKTSV4RRFFQ69G5FAV' : mutating ? '01ARZ3NDEKTSV4RRFFQ69G5FAV' : runId)
    .replace('*', 'summary.json');
}

/** A body that cannot start anything (so an allowed request ends in 400 or 404, not in a side effect). */
const BAD_BODY = { nothing: true };

/** Routes that stream until the client leaves (every run's events): called over a socket and left once the answer's head is read. */
const OPEN_ENDED = new Set(['GET /api/v1/runs/events']);

/** What the matrix reads of an answer. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

async function call(r: RouteEntry, headers: Record<string, string>): Promise<Answer> {
  if (OPEN_ENDED.has(`${r.method} ${r.url}`)) {
    const { port } = s.app.server.address() as AddressInfo;
    const ac = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}${urlOf(r)}`, { headers, signal: ac.signal });
    // a stream that was granted is left open-ended: read only its head
    const body = res.ok ? '' : await res.text();
    ac.abort();
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: () => JSON.parse(body) as unknown };
  }
  return s.app.inject({ method: r.method as 'GET', url: urlOf(r), headers, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: BAD_BODY }) });
}

describe('role × route matrix', () => {
  it('the route table covers the API and every route declares a role', () => {
    const table = s.app.routeTable;
    expect(table.length).toBeGreaterThanOrEqual(30);
    for (const r of table) expect(['public', ...ROLES], `${r.method} ${r.url}`).toContain(r.role);
    const urls = table.map((r) => `${r.method} ${r.url}`);
    for (const needed of ['POST /api/v1/runs', 'GET /api/v1/runs/:id', 'GET /api/v1/runs/:id/summary', 'GET /api/v1/runs/:id/events', 'POST /api/v1/scenarios', 'POST /api/v1/tokens', 'GET /api/v1/fleet', 'GET /api/v1/compare']) expect(urls).toContain(needed);
  });

  it('docs/api.md lists exactly the routes of the route table, each with its role', () => {
    const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| (GET|POST|DELETE|PUT|PATCH) \| `([^`]+)` \| (\w+) \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const served = s.app.routeTable.map((r) => `${r.method} ${r.url} ${r.role}`);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('refuses missing, malformed, unknown and revoked credentials on every non-public route (401 problem with a challenge)', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['no token', {}],
      ['malformed header', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['unknown token', { authorization: `Bearer ws_${'A'.repeat(43)}` }],
      ['not a token', { authorization: 'Bearer hello' }],
      ['revoked token', { authorization: `Bearer ${revoked}` }],
    ];
    for (const r of s.app.routeTable) {
      for (const [what, headers] of cases) {
        const res = await call(r, headers);
        if (r.role === 'public' && what === 'no token') {
          expect(res.statusCode, `${r.method} ${r.url} (${what})`).toBeLessThan(400);
          continue;
        }
        expect(res.statusCode, `${r.method} ${r.url} (${what}): ${res.body}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="wattshift"/);
        expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED', type: 'https://wattshift.dev/problems/UNAUTHORIZED' });
      }
    }
  });

  it('lets each role through exactly where its rank reaches the route\'s, and forbids it elsewhere (403)', async () => {
    let allowed = 0, forbidden = 0;
    for (const r of s.app.routeTable) {
      for (const role of ROLES as Role[]) {
        const res = await call(r, s.as(role));
        const may = r.role === 'public' || roleAllows(role, r.role);
        if (may) {
          allowed++;
          expect([401, 403], `${r.method} ${r.url} as ${role}: ${res.body}`).not.toContain(res.statusCode);
          expect(res.statusCode, `${r.method} ${r.url} as ${role}: ${res.body}`).toBeLessThan(500);
        } else {
          forbidden++;
          expect(res.statusCode, `${r.method} ${r.url} as ${role}`).toBe(403);
          expect(res.json()).toMatchObject({ code: 'FORBIDDEN', detail: `this request needs role ${r.role} or above; the token has role ${role}` });
        }
      }
    }
    // the matrix is not trivial: viewers are refused changes, operators token management
    expect(forbidden).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeGreaterThanOrEqual(60);
  });

  it('a viewer may read runs but not start one; an operator may not manage tokens', async () => {
    const start = await s.app.inject({ method: 'POST', url: '/api/v1/runs', headers: s.as('viewer'), payload: { example: 'texas-single-site', command: 'simulate' } });
    expect(start.statusCode).toBe(403);
    const tokens = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.as('operator'), payload: { role: 'admin' } });
    expect(tokens.statusCode).toBe(403);
    expect((await s.app.inject({ url: `/api/v1/runs/${runId}`, headers: s.as('viewer') })).statusCode).toBe(200);
  });

  it('serves the OpenAPI document, the docs page and the dashboard without a token', async () => {
    for (const url of ['/openapi.json', '/docs', '/', '/api/v1', '/api/v1/health', '/api/v1/schemas/scenario']) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
    }
  });
});

describe('event-stream tickets', () => {
  it('a ticket opens its run\'s events for a minute, and nothing else', async () => {
    const t = await s.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: s.as('viewer'), payload: { runId } });
    expect(t.statusCode, t.body).toBe(200);
    const { ticket, eventsUrl } = t.json() as { ticket: string; eventsUrl: string };
    expect(eventsUrl).toBe(`/api/v1/runs/${runId}/events?ticket=${encodeURIComponent(ticket)}`);
    const events = await s.app.inject({ url: eventsUrl });
    expect(events.statusCode).toBe(200);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.body).toContain('event: end');
    // not a token: other routes refuse it
    expect((await s.app.inject({ url: `/api/v1/runs/${runId}?ticket=${encodeURIComponent(ticket)}` })).statusCode).toBe(401);
    expect((await s.app.inject({ url: `/api/v1/runs/${runId}/summary?ticket=${encodeURIComponent(ticket)}` })).statusCode).toBe(401);
    // for one run only, and not forgeable
    const other = await s.store.runs.create({ scenarioId, command: 'simulate', softwareVersion: 'test' });
    await s.store.runs.cancel(other.id);
    expect((await s.app.inject({ url: `/api/v1/runs/${other.id}/events?ticket=${encodeURIComponent(ticket)}` })).statusCode).toBe(401);
    const [payload, sig] = ticket.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), run: other.id })).toString('base64url');
    expect((await s.app.inject({ url: `/api/v1/runs/${other.id}/events?ticket=${forged}.${sig}` })).statusCode).toBe(401);
  });

  it('a ticket expires after a minute', () => {
    const signer = new TicketSigner();
    const { ticket, expiresAtMs } = signer.issue({ tokenId: 't', role: 'viewer', name: null, via: 'token' }, runId, 1_000_000);
    expect(expiresAtMs).toBe(1_000_000 + TICKET_TTL_SECONDS * 1000);
    expect(signer.check(ticket, runId, expiresAtMs - 1)).toEqual({ tokenId: 't', role: 'viewer' });
    expect(signer.check(ticket, runId, expiresAtMs)).toBeNull();
    expect(new TicketSigner().check(ticket, runId, 1_000_001)).toBeNull(); // another process's key
  });

  it('a ticket dies with its token, and cannot be had with a ticket', async () => {
    const t = await s.store.tokens.create('viewer', 'short-lived');
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${t.secret}` }, payload: { runId } });
    const { eventsUrl, ticket } = r.json() as { eventsUrl: string; ticket: string };
    await s.store.tokens.revoke(t.id);
    expect((await s.app.inject({ url: eventsUrl })).statusCode).toBe(401);
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/tickets?ticket=${encodeURIComponent(ticket)}`, payload: { runId } });
    expect(again.statusCode).toBe(401);
  });
});

describe('requests are limited per token', () => {
  it('answers 429 with Retry-After past the limit; another token keeps its own count', async () => {
    const t = await startTestServer({ rateLimitPerMinute: 5 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await t.app.inject({ url: '/api/v1/runs', headers: t.as('viewer') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const r = await t.app.inject({ url: '/api/v1/runs', headers: t.as('viewer') });
      expect(r.headers['retry-after']).toMatch(/^\d+$/);
      expect(r.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect((await t.app.inject({ url: '/api/v1/runs', headers: t.as('operator') })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('failed authentications are limited per address', () => {
  it('answers 429 with Retry-After after the allowed failures', async () => {
    const t = await startTestServer({ authFailuresPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ url: '/api/v1/runs', headers: { authorization: 'Bearer ws_guess' } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const r = await t.app.inject({ url: '/api/v1/runs', headers: { authorization: 'Bearer ws_guess' } });
      expect(r.headers['retry-after']).toMatch(/^\d+$/);
      expect(r.json()).toMatchObject({ code: 'RATE_LIMITED' });
      // a good token still works
      expect((await t.app.inject({ url: '/api/v1/runs', headers: t.as('viewer') })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
