/**
 * `wattshift vtn`: clients (secret alone on the last line), a VEN made with its client, serve
 * until SIGTERM; a VTN killed outright in the middle of a burst has lost nothing it answered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { BIN, ROOT, runInProcess } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-vtn-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `wattshift vtn serve` on a free port; resolves with its URL once it prints it. */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'vtn', 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /VTN at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`vtn serve exited with ${code}: ${out}`)));
  });
  return { child, url, out: () => out };
}

async function token(url: string, id: string, secret: string): Promise<string> {
  const r = await fetch(`${url}/auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }) });
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('wattshift vtn', () => {
  it('client create/list/revoke; --ven-name makes the VEN with its targets; subscriptions lists delivery health', async () => {
    const db = join(dir, 'a.db');
    const ven = await runInProcess(['vtn', 'client', 'create', '--role', 'ven', '--ven-name', 'site-phoenix', '--targets', 'phoenix,srp', '--db', db]);
    expect(ven.code).toBe(0);
    const secret = ven.out.trimEnd().split('\n').at(-1)!;
    expect(secret).toMatch(/^oadr_[A-Za-z0-9_-]{43}$/);
    const id = /client_id: (\S+)/.exec(ven.out)![1]!;
    const list = JSON.parse((await runInProcess(['vtn', 'client', 'list', '--db', db, '--json'])).out) as { id: string; role: string; name: string }[];
    expect(list).toEqual([expect.objectContaining({ id, role: 'ven', name: 'site-phoenix' })]);
    expect((await runInProcess(['vtn', 'client', 'create', '--role', 'ven', '--ven-name', 'site-phoenix', '--db', db])).err).toMatch(/cannot create VEN "site-phoenix": a VEN named "site-phoenix" already exists/);
    expect((await runInProcess(['vtn', 'client', 'create', '--role', 'bl', '--ven-name', 'x', '--db', db])).code).toBe(2);
    expect((await runInProcess(['vtn', 'subscriptions', '--db', db])).out).toBe('no subscriptions\n');
    const revoked = await runInProcess(['vtn', 'client', 'revoke', id, '--db', db]);
    expect(revoked.out).toContain(`revoked client ${id} (ven)`);
    expect((await runInProcess(['vtn', 'client', 'revoke', 'nobody', '--db', db])).code).toBe(2);
  });

  it('serve answers on the port it prints and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'b.db');
    const created = await runInProcess(['vtn', 'client', 'create', '--role', 'bl', '--json', '--db', db]);
    const { clientId, clientSecret } = JSON.parse(created.out) as { clientId: string; clientSecret: string };
    const child = spawn(process.execPath, [BIN, 'vtn', 'serve', '--db', db, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /VTN at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    const token = await fetch(`${url}/auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }) });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const programs = await fetch(`${url}/programs`, { headers: { authorization: `Bearer ${access_token}` } });
    expect([programs.status, await programs.json()]).toEqual([200, []]);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toContain('VTN stopped');
  });

  it('a VTN killed with SIGKILL mid-burst lost nothing it answered: events, their queued notifications and the subscription are there after a restart', async () => {
    const db = join(dir, 'c.db');
    const { clientId, clientSecret } = JSON.parse((await runInProcess(['vtn', 'client', 'create', '--role', 'bl', '--json', '--db', db])).out) as { clientId: string; clientSecret: string };
    // the callback never answers during the first life, so notifications stay queued
    const hits: string[] = [];
    let answer = false;
    const cb = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (!answer) return;
        hits.push((JSON.parse(text) as { object: { id: string } }).object.id);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => cb.listen(0, '127.0.0.1', r));
    const cbUrl = `http://127.0.0.1:${(cb.address() as AddressInfo).port}/hook`;
    const args = ['--db', db, '--allow-callbacks', '127.0.0.1', '--allow-http-callbacks'];
    const first = await serve(args);
    try {
      const t = await token(first.url, clientId, clientSecret);
      const post = (path: string, body: unknown) => fetch(`${first.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const sub = (await (await post('/subscriptions', { clientName: 'ops', objectOperations: [{ objects: ['EVENT'], operations: ['CREATE'], callbackUrl: cbUrl, bearerToken: 'hook' }] })).json()) as { id: string };
      const prog = (await (await post('/programs', { programName: 'crash' })).json()) as { id: string };
      // 16 writers post events one after another; the process is killed after 60 answers
      const answered: string[] = [];
      let killed = false;
      const exited = new Promise<NodeJS.Signals | null>((r) => first.child.once('exit', (_c, sig) => r(sig)));
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; !killed; i++) {
            try {
              const r = await post('/events', { programID: prog.id, eventName: `e-${w}-${i}` });
              if (r.status === 201) answered.push(((await r.json()) as { id: string }).id);
            } catch {
              return; // the connection died with the process
            }
            if (answered.length >= 60 && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          }
        }),
      );
      expect(await exited).toBe('SIGKILL');
      expect(answered.length).toBeGreaterThanOrEqual(60);
      // straight from the database: every answered event with its queued notification
      const store = await openStore(db);
      let queued: Set<string>;
      try {
        const events = new Set((await store.db.selectFrom('oadr_events').select('id').execute()).map((r) => r.id));
        expect(answered.filter((id) => !events.has(id))).toEqual([]);
        queued = new Set((await store.db.selectFrom('oadr_deliveries').select('body_json').where('subscription_id', '=', sub.id).execute()).map((r) => (JSON.parse(r.body_json) as { object: { id: string } }).object.id));
        expect(answered.filter((id) => !queued.has(id))).toEqual([]);
      } finally {
        await store.close();
      }
      // second life: the subscription and events are served, and queued notifications go out
      answer = true;
      const second = await serve(args);
      try {
        const t2 = await token(second.url, clientId, clientSecret);
        const get = async (path: string) => (await fetch(`${second.url}${path}`, { headers: { authorization: `Bearer ${t2}` } })).json() as Promise<{ id: string }>;
        expect((await get(`/subscriptions/${sub.id}`)).id).toBe(sub.id);
        for (const id of answered.slice(0, 5)) expect((await get(`/events/${id}`)).id).toBe(id);
        // deliveries the dead process had claimed wait out their claim (60 s); the rest go now
        for (let i = 0; i < 100 && hits.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(hits.length).toBeGreaterThan(0);
        expect(hits.filter((id) => !queued.has(id))).toEqual([]);
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
      cb.closeAllConnections();
      cb.close();
    }
  }, 60_000);
});
