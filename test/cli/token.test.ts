/** `wattshift token`: the scripting contract (secret alone on the last line) and its errors. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { runInProcess, runProcess } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-token-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wattshift token', () => {
  it('create prints the secret alone on the last line; it verifies with its role; revoke ends it', async () => {
    const db = join(dir, 'a.db');
    const r = runProcess(['token', 'create', '--role', 'operator', '--name', 'ci', '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const secret = lines.at(-1)!;
    expect(secret).toMatch(/^ws_[A-Za-z0-9_-]{43}$/);
    expect(r.out.endsWith(`${secret}\n`)).toBe(true);
    const store = await openStore(db);
    const who = await store.tokens.verify(secret);
    expect(who).toMatchObject({ role: 'operator', name: 'ci' });
    await store.close();

    const list = await runInProcess(['token', 'list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ id: who!.id, role: 'operator', name: 'ci', revokedAtMs: null })]);
    expect(list.out).not.toContain(secret.slice(3));

    const revoke = await runInProcess(['token', 'revoke', who!.id, '--db', db]);
    expect(revoke.code).toBe(0);
    expect(revoke.out).toContain(`revoked token ${who!.id}`);
    const again = await openStore(db);
    expect(await again.tokens.verify(secret)).toBeNull();
    await again.close();
    expect((await runInProcess(['token', 'list', '--db', db])).out).toBe('no tokens\n');
    expect((await runInProcess(['token', 'list', '--all', '--db', db])).out).toMatch(/operator\s+ci/);
  });

  it('takes the database from WATTSHIFT_DB', async () => {
    const db = join(dir, 'env.db');
    process.env.WATTSHIFT_DB = db;
    try {
      const r = await runInProcess(['token', 'create', '--role', 'viewer']);
      expect(r.code).toBe(0);
      const store = await openStore(db);
      expect(await store.tokens.verify(r.out.trimEnd().split('\n').at(-1)!)).toMatchObject({ role: 'viewer' });
      await store.close();
    } finally {
      delete process.env.WATTSHIFT_DB;
    }
  });

  it('bad input exits with code 2 and says what is valid', async () => {
    const db = join(dir, 'b.db');
    const bad = await runInProcess(['token', 'create', '--role', 'root', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Allowed choices are viewer, operator, admin/);
    expect((await runInProcess(['token', 'create', '--db', db])).err).toMatch(/required option '--role <role>'/);
    const noDb = await runInProcess(['token', 'list']);
    expect([noDb.code, noDb.err]).toEqual([2, expect.stringMatching(/name the database with --db FILE .* or set WATTSHIFT_DB/)]);
    const missing = await runInProcess(['token', 'revoke', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--db', db]);
    expect([missing.code, missing.err]).toEqual([2, 'error [NOT_FOUND]: token 01ARZ3NDEKTSV4RRFFQ69G5FAV does not exist\n']);
    const folder = await runInProcess(['token', 'list', '--db', join(dir, 'no-such-folder', 'x.db')]);
    expect([folder.code, folder.err]).toEqual([2, expect.stringMatching(/^error \[URL_INVALID\]: folder .*no-such-folder .* does not exist; create it first/)]);
  });
});
