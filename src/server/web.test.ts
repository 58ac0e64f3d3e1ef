/**
 * What the server does for the dashboard: serves its built files at `/` (the pre-compressed
 * copy to a browser that accepts it, hashed assets cached for a year, the page itself checked
 * each time, the build record hidden, the API's 404s still problem documents), and streams
 * every run's changes to a browser with an all-runs ticket (a run's ticket does not open it,
 * nor does an all-runs ticket open one run's stream).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallScenarioUpload, startTestServer, type TestServer } from '../../test/helpers/server.ts';

const web = mkdtempSync(join(tmpdir(), 'wattshift-web-'));
const PAGE = '<!doctype html><title>dashboard under test</title><script type="module" src="/assets/app-ABC123.js"></script>';
const SCRIPT = 'console.log("app");';

let s: TestServer;
let base: string;
beforeAll(async () => {
  mkdirSync(join(web, 'assets'));
  for (const [name, text] of [['index.html', PAGE], ['assets/app-ABC123.js', SCRIPT]] as const) {
    writeFileSync(join(web, name), text);
    writeFileSync(join(web, `${name}.br`), brotliCompressSync(text));
    writeFileSync(join(web, `${name}.gz`), gzipSync(text));
  }
  writeFileSync(join(web, 'build.json'), '{"inputs":["web/src/main.ts"]}');
  s = await startTestServer({ webDir: web, rateLimitPerMinute: 0 });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await s.close();
  rmSync(web, { recursive: true, force: true });
});

describe('the dashboard\'s files', () => {
  it('serves the page at / to every browser, Brotli or gzip to those that take it, checked each time', async () => {
    for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', undefined]] as const) {
      const res = await s.app.inject({ url: '/', headers: { 'accept-encoding': accept } });
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    }
    // what a browser gets after decoding
    expect(await (await fetch(`${base}/`)).text()).toBe(PAGE);
  });

  it('caches hashed assets for a year and hides the build record', async () => {
    const js = await s.app.inject({ url: '/assets/app-ABC123.js', headers: { 'accept-encoding': 'br' } });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const record = await s.app.inject({ url: '/build.json' });
    expect(record.statusCode).toBe(404);
    expect(record.headers['content-type']).toMatch(/^application\/problem\+json/);
    const missing = await s.app.inject({ url: '/assets/app-OLD.js' });
    expect(missing.statusCode).toBe(404);
    // the API keeps its own answers
    const api = await s.app.inject({ url: '/api/v1/nothing-here', headers: s.as('viewer') });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.app.inject({ url: '/openapi.json' })).json().openapi).toBe('3.1.0');
  });
});

/** Reads server-sent events from `url` until `until` says stop (or `timeoutMs`). */
async function readEvents(url: string, until: (e: { event: string; data: unknown }) => boolean, timeoutMs = 60_000): Promise<Array<{ event: string; data: unknown }>> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await fetch(url, { signal: ac.signal });
  expect(res.status, await (res.ok ? Promise.resolve('') : res.text())).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Array<{ event: string; data: unknown }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const e = { event, data: JSON.parse(data) as unknown };
        events.push(e);
        if (until(e)) return events;
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`the stream ended before the awaited event; got ${events.map((e) => e.event).join(', ')}`);
}

describe('every run\'s events', () => {
  it('follows a run started after connecting, from queued to succeeded, with a ticket', async () => {
    const up = await s.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: s.as('operator'), payload: smallScenarioUpload() });
    expect(up.statusCode, up.body).toBe(201);
    const scenarioId = up.json().scenario.id as string;
    const t = await s.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: s.as('viewer'), payload: {} });
    expect(t.statusCode, t.body).toBe(200);
    const { eventsUrl } = t.json() as { eventsUrl: string };
    expect(eventsUrl).toMatch(/^\/api\/v1\/runs\/events\?ticket=/);

    let runId = '';
    const events = await readEvents(`${base}${eventsUrl}`, (e) => {
      if (e.event === 'hello') {
        // start the run once the stream is open, as another user would
        void s.app.inject({ method: 'POST', url: '/api/v1/runs', headers: s.as('operator'), payload: { scenarioId, command: 'simulate', options: { policy: 'naive' } } }).then((r) => (runId = r.json().id as string));
        return false;
      }
      return e.event === 'status' && (e.data as { id: string; status: string }).id === runId && (e.data as { status: string }).status === 'succeeded';
    });
    expect(events[0]!.event).toBe('hello');
    const mine = events.filter((e) => e.event === 'status' && (e.data as { id: string }).id === runId).map((e) => (e.data as { status: string }).status);
    expect(mine.at(-1)).toBe('succeeded');
    // statuses arrive in order and each once
    expect(new Set(mine).size).toBe(mine.length);
    const order = ['queued', 'running', 'succeeded'];
    for (let i = 1; i < mine.length; i++) expect(order.indexOf(mine[i]!)).toBeGreaterThan(order.indexOf(mine[i - 1]!));
    const fractions = events.filter((e) => e.event === 'progress' && (e.data as { runId: string }).runId === runId).map((e) => (e.data as { fraction: number }).fraction);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
  });

  it('takes only all-runs tickets, and an all-runs ticket opens no single run\'s stream', async () => {
    const run = (await s.app.inject({ url: '/api/v1/runs?limit=1', headers: s.as('viewer') })).json().runs[0] as { id: string };
    const forRun = (await s.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: s.as('viewer'), payload: { runId: run.id } })).json() as { ticket: string };
    const forAll = (await s.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: s.as('viewer'), payload: {} })).json() as { ticket: string };
    const refused = await s.app.inject({ url: `/api/v1/runs/events?ticket=${encodeURIComponent(forRun.ticket)}` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await s.app.inject({ url: `/api/v1/runs/${run.id}/events?ticket=${encodeURIComponent(forAll.ticket)}` })).statusCode).toBe(401);
    // nor any other route
    expect((await s.app.inject({ url: `/api/v1/runs?ticket=${encodeURIComponent(forAll.ticket)}` })).statusCode).toBe(401);
    expect((await fetch(`${base}/api/v1/runs/events`)).status).toBe(401);
  });
});
