/**
 * `wattshift serve` carries the OpenADR 3.1 VTN at /openadr3/3.1.0 on the same port and database:
 * its own OAuth2 tokens (not API tokens), its own problem answers, out of the API's OpenAPI
 * document and rate limit; `vtn: false` (`--no-vtn`) leaves it out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OAuthClients } from '../../src/openadr/vtn/index.ts';
import { startServer, type StartedServer } from '../../src/server/start.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-vtn-mount-'));
const started: StartedServer[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, vtn?: boolean): Promise<StartedServer> {
  const s = await startServer({ db: join(dir, `${name}.sqlite`), host: '127.0.0.1', port: 0, workers: 1, ...(vtn === undefined ? {} : { vtn }) });
  started.push(s);
  return s;
}

describe('the VTN inside wattshift serve', () => {
  it('answers OpenADR with its own tokens, beside the API, on one database', async () => {
    const s = await start('with');
    const base = `${s.url}/openadr3/3.1.0`;
    const none = await fetch(`${base}/programs`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { status: number }).status).toBe(401);
    const server = (await (await fetch(`${base}/auth/server`)).json()) as { tokenURL: string };
    expect(server.tokenURL).toBe(`${base}/auth/token`);
    const client = await new OAuthClients(s.store, Date.now).create('bl', { name: 'utility' });
    const tok = await fetch(server.tokenURL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }).toString() });
    expect(tok.status).toBe(200);
    const { access_token: token } = (await tok.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const made = await fetch(`${base}/programs`, { method: 'POST', headers: auth, body: JSON.stringify({ programName: 'peak-2026' }) });
    expect(made.status).toBe(201);
    const list = (await (await fetch(`${base}/programs`, { headers: auth })).json()) as Array<{ programName: string }>;
    expect(list.map((p) => p.programName)).toEqual(['peak-2026']);
    // an OpenADR token is not an API token, and the API's document does not list the VTN
    expect((await fetch(`${s.url}/api/v1/runs`, { headers: auth })).status).toBe(401);
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/openadr3'))).toBe(false);
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1'))).toBe(true);
  });

  it('is left out with vtn: false', async () => {
    const s = await start('without', false);
    expect((await fetch(`${s.url}/openadr3/3.1.0/auth/server`)).status).toBe(404);
  });
});
