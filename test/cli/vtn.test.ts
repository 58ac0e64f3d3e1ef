/** `wattshift vtn`: clients (secret alone on the last line), a VEN made with its client, serve until SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runInProcess } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-vtn-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
});
