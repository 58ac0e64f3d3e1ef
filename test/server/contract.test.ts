/**
 * The script contract of `wattshift serve` (docs/api.md), exactly, as a process test: the URL
 * line, tokens from `wattshift token create` (the secret alone on the last line), the OpenAPI
 * document and the dashboard without a token, 401 without a token and 403 for a viewer on
 * POST /api/v1/runs, 202 with an id for an operator, statuses from the documented set, and a
 * summary equal to `wattshift simulate --json` for the same example.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../cli/run-cli.ts';
import { call, startServe, type ServeProcess } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-contract-'));
let server: ServeProcess | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Drops what differs between two runs of the same command: durations. */
function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !/Seconds$|Ms$/.test(k)).map(([k, x]) => [k, withoutTimings(x)]));
  return v;
}

describe('wattshift serve: the script contract', () => {
  it('serves the bundled example end to end as documented', async () => {
    const db = join(dir, 'contract.db');
    server = await startServe(db);
    const port = new URL(server.url).port;
    expect(server.out()).toContain(`http://127.0.0.1:${port}`);

    const token = (role: string): string => {
      const r = runProcess(['token', 'create', '--role', role, '--db', db]);
      expect(r.code, r.err).toBe(0);
      const last = r.out.trimEnd().split('\n').pop()!;
      expect(last).toMatch(/^ws_[A-Za-z0-9_-]{43}$/);
      return last;
    };
    const operator = token('operator');
    const viewer = token('viewer');
    token('admin');

    const openapi = await call(`${server.url}/openapi.json`, null);
    expect(openapi.status).toBe(200);
    expect(openapi.json().openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/runs');
    const dashboard = await call(`${server.url}/`, null);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-type')).toMatch(/^text\/html/);

    const body = { example: 'texas-single-site', command: 'simulate' };
    expect((await call(`${server.url}/api/v1/runs`, null, { method: 'POST', body })).status).toBe(401);
    expect((await call(`${server.url}/api/v1/runs`, viewer, { method: 'POST', body })).status).toBe(403);
    const started = await call(`${server.url}/api/v1/runs`, operator, { method: 'POST', body });
    expect(started.status, started.text).toBe(202);
    const id = started.json().id as string;
    expect(typeof id).toBe('string');

    const seen = new Set<string>();
    let status = '';
    const t0 = Date.now();
    while (Date.now() - t0 < 240_000) {
      const r = await call(`${server.url}/api/v1/runs/${id}`, viewer);
      status = r.json().status;
      seen.add(status);
      if (!['queued', 'running'].includes(status)) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(status).toBe('succeeded');
    for (const st of seen) expect(['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled']).toContain(st);

    const summary = await call(`${server.url}/api/v1/runs/${id}/summary`, viewer);
    expect(summary.status).toBe(200);
    const cli = runProcess(['simulate', 'examples/texas-single-site.yaml', '--json']);
    expect(cli.code, cli.err).toBe(0);
    expect(withoutTimings(summary.json())).toEqual(withoutTimings(JSON.parse(cli.out)));

    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 300_000);
});
