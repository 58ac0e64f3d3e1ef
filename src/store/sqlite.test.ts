/** The store suite on SQLite files, plus what is particular to SQLite. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteDatabases } from '../../test/helpers/databases.ts';
import { isStoreError } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openStore, parseLocation } from './open.ts';
import { cachingDatabase } from './sqlite.ts';
import { runStoreCases } from './store.case.ts';

const CHILD = fileURLToPath(new URL('../../test/store/store-child.ts', import.meta.url));

/** Runs the child script in another process; resolves with its standard output. */
function child(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', CHILD, ...args], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim())));
  });
}

describe('SQLite store', () => {
  runStoreCases('sqlite', () => Promise.resolve(sqliteDatabases()));
});

describe('SQLite specifics', () => {
  const dbs = sqliteDatabases();
  afterAll(() => dbs.dropAll());

  it('runs in WAL mode with foreign keys on and full fsync', async () => {
    const file = await dbs.create();
    const store = await openStore(file);
    await store.close();
    const raw = new Sqlite(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const again = await openStore(`sqlite:${file}`);
    const { sql } = await import('kysely');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(again.db);
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(again.db);
    expect(fk.rows[0]!.foreign_keys).toBe(1);
    expect(sync.rows[0]!.synchronous).toBe(2); // FULL
    await again.close();
  });

  it('reads locations: paths, sqlite: and file: URLs, postgres URLs; refuses others', () => {
    expect(parseLocation('data/w.db')).toEqual({ dialect: 'sqlite', file: 'data/w.db' });
    expect(parseLocation('sqlite:data/w.db')).toEqual({ dialect: 'sqlite', file: 'data/w.db' });
    expect(parseLocation('sqlite:///var/w.db')).toEqual({ dialect: 'sqlite', file: '/var/w.db' });
    expect(parseLocation('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
    expect(parseLocation('file:///var/w.db')).toEqual({ dialect: 'sqlite', file: '/var/w.db' });
    expect(parseLocation('postgresql://u:p@h/db')).toEqual({ dialect: 'postgres', url: 'postgresql://u:p@h/db' });
    expect(() => parseLocation('mysql://u:secret@h/db')).toThrow(/"mysql:\/\/u:\*\*\*@h\/db" is not a database wattshift can open/);
    expect(() => parseLocation('  ')).toThrow(/no database given/);
  });

  it('says clearly when the folder is missing or the file is not a database', async () => {
    const e1 = await openStore('/nonexistent-folder-xyz/w.db').catch((e: unknown) => e);
    expect(isStoreError(e1, 'URL_INVALID') && e1.message).toMatch(/folder \/nonexistent-folder-xyz .* does not exist/);
    const file = await dbs.create();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'this is not a database, just text long enough to have a header of a hundred bytes or so, and more');
    const e2 = await openStore(file).catch((e: unknown) => e);
    expect(isStoreError(e2, 'URL_INVALID') && e2.message).toMatch(/is not a SQLite database/);
  });

  it('two processes opening a new database at once apply the migrations exactly once', async () => {
    const file = await dbs.create();
    const [a, b] = await Promise.all([child('open', file), child('open', file)]);
    expect([...(JSON.parse(a) as number[]), ...(JSON.parse(b) as number[])].sort((x, y) => x - y)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('a second process waits for the write lock instead of failing', async () => {
    const file = await dbs.create();
    const a = await openStore(file);
    let committedAtMs = 0;
    let other: Promise<string> | undefined;
    await a.transaction(async (trx) => {
      await trx.insertInto('tokens').values({ id: 'A', name: null, role: 'admin', secret_sha256: 'a', created_at_ms: 1, last_used_at_ms: null, revoked_at_ms: null }).execute();
      other = child('token', file); // its open and insert need the write lock we hold
      await new Promise((r) => setTimeout(r, 1500));
      committedAtMs = Date.now();
    });
    const { id, doneAtMs } = JSON.parse(await other!) as { id: string; doneAtMs: number };
    expect(doneAtMs).toBeGreaterThanOrEqual(committedAtMs);
    expect((await a.tokens.list()).map((x) => x.id).sort()).toEqual(['A', id].sort());
    await a.close();
  });
});

describe('statement cache', () => {
  it('reuses statements by SQL text, drops the least recently used, never shares one still iterating', () => {
    const raw = new Sqlite(':memory:');
    const db = cachingDatabase(raw, 2);
    const a = db.prepare('select 1 as x');
    expect(db.prepare('select 1 as x')).toBe(a);
    const b = db.prepare('select 2 as x');
    db.prepare('select 1 as x'); // a is now the most recent
    db.prepare('select 3 as x'); // evicts b
    expect(db.prepare('select 1 as x')).toBe(a);
    expect(db.prepare('select 2 as x')).not.toBe(b);
    // a statement in the middle of an iteration is busy: another caller gets its own
    const it = a.iterate();
    it.next();
    const other = db.prepare('select 1 as x');
    expect(other).not.toBe(a);
    expect(other.get()).toEqual({ x: 1 });
    it.return?.();
    expect(db.prepare('select 1 as x')).toBe(a);
    db.close();
  });
});
