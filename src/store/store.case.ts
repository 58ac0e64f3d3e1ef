/**
 * The shared suite every store backend passes: `runStoreCases(databases)` runs it on SQLite
 * (sqlite.test.ts) and PostgreSQL (postgres.test.ts). Not a test file itself (vitest picks up
 * `*.test.ts` only).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScratchDatabases } from '../../test/helpers/databases.ts';
import { ledgerBits, makeLedger } from '../../test/helpers/ledger-fixture.ts';
import { makeBundle } from './bundle.ts';
import { isStoreError, type StoreErrorCode } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';
import { openStore } from './open.ts';
import type { Store } from './store.ts';
import type { Run, RunStatus } from './types.ts';
import type { DialectName } from './database.ts';

/** A controllable clock: UTC ms, moved by tests. */
class Clock {
  t = Date.UTC(2026, 0, 1, 12);
  now = (): number => this.t;
}

/** Runs `fn` and returns the StoreError code it throws. */
async function codeOf(fn: () => Promise<unknown>): Promise<StoreErrorCode> {
  try {
    await fn();
  } catch (e) {
    if (isStoreError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a StoreError');
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Runs the store conformance suite against one kind of database. */
export function runStoreCases(dialect: DialectName, make: () => Promise<ScratchDatabases>): void {
  let dbs: ScratchDatabases;
  let store: Store;
  const clock = new Clock();
  let counter = 0;
  /** A stored scenario unique to the calling test. */
  const newScenario = async (): Promise<string> => {
    const n = ++counter;
    const { scenario } = await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': `name: t${n}\n`, 'data/p.csv': 'time,price\n' }), { name: `t${n}` });
    return scenario.id;
  };
  const newRun = async (status: RunStatus = 'queued'): Promise<Run> => {
    const run = await store.runs.create({ scenarioId: await newScenario(), command: 'simulate', softwareVersion: '0.1.0-test' });
    if (status === 'queued') return run;
    await store.runs.start(run.id, { owner: 'worker-1' });
    if (status === 'running') return (await store.runs.get(run.id))!;
    if (status === 'succeeded') return (await store.runs.complete(run.id, { results: [] })).run;
    if (status === 'failed') return store.runs.fail(run.id, { code: 'INTERNAL', message: 'boom' });
    if (status === 'cancelled') return store.runs.cancel(run.id);
    await store.runs.markInterrupted();
    return (await store.runs.get(run.id))!;
  };

  beforeAll(async () => {
    dbs = await make();
    store = await openStore(await dbs.create(), { now: clock.now });
  });
  afterAll(async () => {
    await store?.close();
    await dbs?.dropAll();
  });

  describe('migrations', () => {
    // every migration this build knows, then one a later build would add
    const known = [...MIGRATIONS];
    const last = known.length;
    const extra: Migration = {
      version: last + 1,
      name: 'test-extra',
      async up(db) {
        await db.schema.createTable('test_extra').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      },
    };

    it('migrates a new database once, reopens it unchanged, adds a later migration, refuses newer or different schemas and rolls back a failing one', async () => {
      const loc = await dbs.create();
      const a = await openStore(loc);
      expect(a.migrations).toEqual({ applied: known.map((m) => m.version), version: last });
      const rows = await a.db.selectFrom('wattshift_migrations').selectAll().orderBy('version').execute();
      expect(rows.map((r) => [r.version, r.name])).toEqual(known.map((m) => [m.version, m.name]));
      expect(rows[0]).toMatchObject({ version: 1, name: 'init' });
      await a.close();
      const b = await openStore(loc);
      expect(b.migrations).toEqual({ applied: [], version: last });
      await b.close();

      // a later version of wattshift adds a table with the next migration
      const c = await openStore(loc, { migrations: [...known, extra] });
      expect(c.migrations.applied).toEqual([last + 1]);
      await c.db.insertInto('test_extra' as never).values({ id: 'x' } as never).execute();
      await c.close();

      // … after which this version refuses the database, saying why
      const err = await openStore(loc).catch((e: unknown) => e);
      expect(isStoreError(err, 'SCHEMA_TOO_NEW')).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`schema version ${last + 1} \\(test-extra\\).*knows versions up to ${last}; upgrade wattshift`));
      // … and so does a build whose next migration is a different one
      expect(await codeOf(() => openStore(loc, { migrations: [...known, { ...extra, name: 'something-else' }] }))).toBe('SCHEMA_MISMATCH');

      // a migration that fails half-way leaves neither its table nor its record
      const broken: Migration = {
        version: last + 2,
        name: 'broken',
        async up(db) {
          await db.schema.createTable('half_done').addColumn('id', 'text').execute();
          throw new Error('migration failed on purpose');
        },
      };
      await expect(openStore(loc, { migrations: [...known, extra, broken] })).rejects.toThrow('migration failed on purpose');
      const d = await openStore(loc, { migrations: [...known, extra] });
      expect(d.migrations).toEqual({ applied: [], version: last + 1 });
      await expect(d.db.selectFrom('half_done' as never).selectAll().execute()).rejects.toThrow();
      await d.close();
    });

    // In one process only PostgreSQL can be opened twice at once: better-sqlite3 waits for a lock
    // synchronously, blocking the event loop the other connection needs (sqlite.test.ts checks
    // this with two processes).
    it.runIf(dialect === 'postgres')('two pools opening a new database at once apply the migrations exactly once', async () => {
      const loc = await dbs.create();
      const [a, b] = await Promise.all([openStore(loc), openStore(loc)]);
      expect([...a.migrations.applied, ...b.migrations.applied].sort((x, y) => x - y)).toEqual(known.map((m) => m.version));
      await Promise.all([a.close(), b.close()]);
    });
  });

  it('reports where it is without a password', () => {
    if (dialect === 'postgres') expect(store.location).toMatch(/^postgres:\/\/postgres:\*\*\*@/);
    else expect(store.location).toMatch(/\.sqlite$/);
  });

  describe('scenarios', () => {
    it('stores a bundle under its content hash, once, whatever the file order', async () => {
      const files = { 'fleet.yaml': 'name: fleet\n', 'data/price.csv': 'time,price\n2023-01-01T00:00Z,10\n', 'data/w.json': '{"a":1}' };
      const a = makeBundle('fleet.yaml', files);
      const b = { entry: './fleet.yaml', files: [...a.files].reverse() };
      const first = await store.scenarios.put(a, { name: 'fleet', createdBy: 'tok1' });
      const again = await store.scenarios.put(b, { name: 'other name' });
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.scenario).toEqual(first.scenario);
      expect(first.scenario).toMatchObject({ name: 'fleet', entry: 'fleet.yaml', createdBy: 'tok1', createdAtMs: clock.t, sizeBytes: Object.values(files).join('').length });
      expect(first.scenario.files.map((f) => [f.path, f.sha256])).toEqual([
        ['data/price.csv', sha(files['data/price.csv'])],
        ['data/w.json', sha(files['data/w.json'])],
        ['fleet.yaml', sha(files['fleet.yaml'])],
      ]);
      const back = await store.scenarios.readBundle(first.scenario.id);
      expect(back.entry).toBe('fleet.yaml');
      expect(Object.fromEntries(back.files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]))).toEqual(files);
    });

    it('keeps a file shared by two scenarios once', async () => {
      const big = 'time,price\n' + Array.from({ length: 2000 }, (_, i) => `2023-01-01T00:00Z,${i}`).join('\n');
      await store.scenarios.put(makeBundle('a.yaml', { 'a.yaml': 'name: a', 'p.csv': big }), { name: 'a' });
      await store.scenarios.put(makeBundle('b.yaml', { 'b.yaml': 'name: b', 'p.csv': big }), { name: 'b' });
      const rows = await store.db.selectFrom('blobs').select(['sha256', 'encoding', 'stored_bytes', 'size_bytes']).where('sha256', '=', sha(big)).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.encoding).toBe('br'); // text compresses
      expect(rows[0]!.stored_bytes).toBeLessThan(rows[0]!.size_bytes / 3);
    });

    it('materialises a bundle into a folder the loader can read', async () => {
      const files = { 'site/s.yaml': 'name: s\n', 'site/series/p.csv': 'a,b\n' };
      const { scenario } = await store.scenarios.put(makeBundle('site/s.yaml', files), { name: 's' });
      const m = await store.scenarios.materialise(scenario.id);
      try {
        expect(m.entryPath).toBe(join(m.dir, 'site', 's.yaml'));
        expect(await readFile(join(m.dir, 'site/series/p.csv'), 'utf8')).toBe('a,b\n');
      } finally {
        await m.cleanup();
      }
    });

    it('refuses bad bundles and reports unknown ids', async () => {
      expect(await codeOf(() => store.scenarios.put(makeBundle('s.yaml', { 's.yaml': 'x', '../p.csv': 'y' }), { name: 'x' }))).toBe('BUNDLE_INVALID');
      expect(await codeOf(() => store.scenarios.put(makeBundle('missing.yaml', { 's.yaml': 'x' }), { name: 'x' }))).toBe('BUNDLE_INVALID');
      expect(await store.scenarios.get('0'.repeat(64))).toBeUndefined();
      expect(await codeOf(() => store.scenarios.readBundle('0'.repeat(64)))).toBe('NOT_FOUND');
    });

    it('detects stored bytes that no longer match their hash', async () => {
      const { scenario } = await store.scenarios.put(makeBundle('c.yaml', { 'c.yaml': 'name: corrupt-me\n' }), { name: 'c' });
      const h = scenario.files[0]!.sha256;
      await store.db.updateTable('blobs').set({ data: Buffer.from('name: tampered\n') }).where('sha256', '=', h).execute();
      expect(await codeOf(() => store.scenarios.readBundle(scenario.id))).toBe('CORRUPT');
    });

    it('lists scenarios newest first, every one exactly once across pages', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock.t += 1000;
        ids.push(await newScenario());
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.scenarios.list({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.scenarios.map((s) => s.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    });
  });

  describe('runs', () => {
    it('creates a queued run with its inputs', async () => {
      const scenarioId = await newScenario();
      const run = await store.runs.create({ scenarioId, command: 'plan', options: { policy: 'optimal', horizonHours: 48 }, softwareVersion: '1.2.3', createdBy: 'tok' });
      expect(run).toMatchObject({ scenarioId, command: 'plan', options: { policy: 'optimal', horizonHours: 48 }, status: 'queued', progress: 0, softwareVersion: '1.2.3', createdBy: 'tok', createdAtMs: clock.t, startedAtMs: null, finishedAtMs: null, error: null, rerunOf: null });
      expect(run.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(await store.runs.get(run.id)).toEqual(run);
      const again = await store.runs.create({ scenarioId, command: 'plan', softwareVersion: '1.2.3', rerunOf: run.id });
      expect(again.rerunOf).toBe(run.id);
      expect(again.id > run.id).toBe(true);
    });

    it('refuses a run on an unknown scenario or rerunning an unknown run', async () => {
      expect(await codeOf(() => store.runs.create({ scenarioId: 'f'.repeat(64), command: 'simulate', softwareVersion: '0' }))).toBe('NOT_FOUND');
      const scenarioId = await newScenario();
      expect(await codeOf(() => store.runs.create({ scenarioId, command: 'simulate', softwareVersion: '0', rerunOf: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }))).toBe('NOT_FOUND');
    });

    it('records start, progress and heartbeats, and checks the lease owner', async () => {
      const run = await newRun();
      clock.t += 5000;
      const started = await store.runs.start(run.id, { owner: 'host:1' });
      expect(started).toMatchObject({ status: 'running', startedAtMs: clock.t, heartbeatAtMs: clock.t, leaseOwner: 'host:1' });
      clock.t += 1000;
      const p = await store.runs.progress(run.id, 0.25, 'simulate');
      expect(p).toMatchObject({ progress: 0.25, phase: 'simulate', heartbeatAtMs: clock.t });
      clock.t += 1000;
      expect((await store.runs.heartbeat(run.id, 'host:1')).heartbeatAtMs).toBe(clock.t);
      expect(await codeOf(() => store.runs.heartbeat(run.id, 'host:2'))).toBe('CONFLICT');
      await expect(store.runs.progress(run.id, 1.5)).rejects.toThrow(/between 0 and 1/);
      await expect(store.runs.progress(run.id, NaN)).rejects.toThrow(/between 0 and 1/);
      // its process died: the run goes back to the queue, and a new owner starts it afresh
      const back = await store.runs.requeue(run.id);
      expect(back).toMatchObject({ status: 'queued', startedAtMs: null, heartbeatAtMs: null, leaseOwner: null, progress: 0, phase: null });
      expect(await codeOf(() => store.runs.heartbeat(run.id, 'host:1'))).toBe('CONFLICT');
      expect((await store.runs.start(run.id, { owner: 'host:2' })).leaseOwner).toBe('host:2');
    });

    it('allows exactly the documented status transitions', async () => {
      const ops = {
        start: (id: string) => store.runs.start(id),
        progress: (id: string) => store.runs.progress(id, 0.5),
        heartbeat: (id: string) => store.runs.heartbeat(id),
        complete: (id: string) => store.runs.complete(id, { results: [] }),
        fail: (id: string) => store.runs.fail(id, { code: 'X', message: 'x' }),
        cancel: (id: string) => store.runs.cancel(id),
        requeue: (id: string) => store.runs.requeue(id),
      } as const;
      // Which operations each status accepts (complete on a succeeded run is an idempotent no-op).
      const allowed: Record<RunStatus, Array<keyof typeof ops>> = {
        queued: ['start', 'fail', 'cancel'],
        running: ['progress', 'heartbeat', 'complete', 'fail', 'cancel', 'requeue'],
        succeeded: ['complete'],
        failed: [],
        interrupted: [],
        cancelled: [],
      };
      for (const status of Object.keys(allowed) as RunStatus[]) {
        for (const op of Object.keys(ops) as Array<keyof typeof ops>) {
          const run = await newRun(status);
          expect(run.status).toBe(status);
          if (allowed[status].includes(op)) await ops[op](run.id);
          else {
            expect(await codeOf(() => ops[op](run.id)), `${op} on a ${status} run`).toBe('CONFLICT');
            expect((await store.runs.get(run.id))!.status).toBe(status);
          }
        }
      }
      expect(await codeOf(() => store.runs.start('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('NOT_FOUND');
    });

    it('records failures as problem details with timings', async () => {
      const run = await newRun('running');
      clock.t += 2000;
      const failed = await store.runs.fail(run.id, { code: 'SCENARIO_INVALID', message: 'bad', location: { file: 's.yaml', line: 3, path: 'sites[0]' }, details: ['more'] }, { timings: { loadMs: 12 } });
      expect(failed).toMatchObject({ status: 'failed', finishedAtMs: clock.t, timings: { loadMs: 12 }, error: { code: 'SCENARIO_INVALID', message: 'bad', location: { file: 's.yaml', line: 3, path: 'sites[0]' }, details: ['more'] } });
    });

    it('lists runs newest first with filters, every run exactly once across pages', async () => {
      const scenarioId = await newScenario();
      const made: Run[] = [];
      for (let i = 0; i < 7; i++) made.push(await store.runs.create({ scenarioId, command: i % 2 ? 'plan' : 'simulate', softwareVersion: '0' }));
      await store.runs.start(made[2]!.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.runs.list({ scenarioId, limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.runs.length).toBeLessThanOrEqual(3);
        seen.push(...page.runs.map((r) => r.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(seen).toEqual(made.map((r) => r.id).reverse());
      expect((await store.runs.list({ scenarioId, command: 'plan' })).runs.map((r) => r.id)).toEqual([made[5]!.id, made[3]!.id, made[1]!.id]);
      expect((await store.runs.list({ scenarioId, status: 'running' })).runs.map((r) => r.id)).toEqual([made[2]!.id]);
      await expect(store.runs.list({ status: 'done' as RunStatus })).rejects.toThrow(/unknown run status "done"; valid: queued, running/);
      expect(await codeOf(() => store.runs.list({ status: 'done' as RunStatus }))).toBe('QUERY_INVALID');
      expect(await codeOf(() => store.runs.list({ limit: 501 }))).toBe('QUERY_INVALID');
      expect(await codeOf(() => store.scenarios.list({ cursor: 'x' }))).toBe('QUERY_INVALID');
    });
  });

  describe('completion', () => {
    it('writes the status, every result and the ledger together', async () => {
      const run = await newRun('running');
      const summary = JSON.stringify({ costUsd: 12.5, pue: 1.2 }, null, 2) + '\n';
      const html = '<!doctype html><title>r</title>' + '<p>row</p>'.repeat(500);
      const bytes = new Uint8Array([0, 1, 2, 255]);
      const ledger = makeLedger({ sites: 2, steps: 30 });
      clock.t += 9000;
      const out = await store.runs.complete(run.id, {
        results: [
          { name: 'summary.json', mediaType: 'application/json', content: summary },
          { name: 'bills.json', mediaType: 'application/json', content: '[]' },
          { name: 'report.html', mediaType: 'text/html; charset=utf-8', content: html },
          { name: 'raw/data.bin', mediaType: 'application/octet-stream', content: bytes },
        ],
        ledger: { ledger, siteTimeZones: ['America/Chicago', 'Asia/Tokyo'] },
        timings: { simulateMs: 40, totalMs: 55 },
      });
      expect(out.written).toBe(true);
      expect(out.run).toMatchObject({ status: 'succeeded', progress: 1, finishedAtMs: clock.t, timings: { simulateMs: 40, totalMs: 55 } });
      const list = await store.results.list(run.id);
      expect(list.map((r) => [r.name, r.kind, r.mediaType, r.sizeBytes])).toEqual([
        ['bills.json', 'document', 'application/json', 2],
        ['raw/data.bin', 'artefact', 'application/octet-stream', 4],
        ['report.html', 'artefact', 'text/html; charset=utf-8', Buffer.byteLength(html)],
        ['summary.json', 'summary', 'application/json', Buffer.byteLength(summary)],
      ]);
      expect((await store.results.get(run.id, 'summary.json'))!.content.toString('utf8')).toBe(summary);
      expect(await store.results.getJson(run.id, 'summary.json')).toEqual({ costUsd: 12.5, pue: 1.2 });
      expect([...(await store.results.get(run.id, 'raw/data.bin'))!.content]).toEqual([0, 1, 2, 255]);
      const enc = (await store.results.getEncoded(run.id, 'report.html'))!;
      expect(enc.encoding).toBe('br');
      expect(enc.data.length).toBeLessThan(Buffer.byteLength(html) / 10);
      expect(await store.results.get(run.id, 'nope.json')).toBeUndefined();
      expect(ledgerBits(await store.ledgers.load(run.id))).toEqual(ledgerBits(ledger));
      // one site alone: the same columns, bit for bit
      const last = ledger.sites[ledger.sites.length - 1]!;
      const one = await store.ledgers.load(run.id, { sites: [last.id] });
      expect(one.sites.map((s) => s.id)).toEqual([last.id]);
      expect(ledgerBits({ ...ledger, sites: [last] })).toEqual(ledgerBits(one));
      await expect(store.ledgers.load(run.id, { sites: ['nowhere'] })).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    });

    it('completing twice writes once (a retried job is harmless)', async () => {
      const run = await newRun('running');
      const results = [{ name: 'summary.json', mediaType: 'application/json', content: '{"a":1}' }];
      const [a, b] = await Promise.all([store.runs.complete(run.id, { results }), store.runs.complete(run.id, { results })]);
      expect([a.written, b.written].sort()).toEqual([false, true]);
      expect(a.run.status).toBe('succeeded');
      expect(b.run.status).toBe('succeeded');
      expect(await store.results.list(run.id)).toHaveLength(1);
    });

    it('a failure inside the completion leaves the run running with no results and no ledger', async () => {
      const run = await newRun('running');
      const triggers =
        store.dialect === 'sqlite'
          ? ["create trigger fail_chunks before insert on ledger_chunks begin select raise(abort, 'injected failure'); end"]
          : [
              "create function fail_chunks() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$",
              'create trigger fail_chunks before insert on ledger_chunks for each row execute function fail_chunks()',
            ];
      for (const t of triggers) await sql.raw(t).execute(store.db);
      try {
        await expect(
          store.runs.complete(run.id, { results: [{ name: 'summary.json', mediaType: 'application/json', content: '{"unique":"' + run.id + '"}' }], ledger: { ledger: makeLedger(), siteTimeZones: ['UTC', 'UTC'] } }),
        ).rejects.toThrow(/injected failure/);
      } finally {
        await sql.raw('drop trigger fail_chunks' + (store.dialect === 'postgres' ? ' on ledger_chunks' : '')).execute(store.db);
        if (store.dialect === 'postgres') await sql.raw('drop function fail_chunks()').execute(store.db);
      }
      expect((await store.runs.get(run.id))!.status).toBe('running');
      expect(await store.results.list(run.id)).toEqual([]);
      expect(await store.ledgers.info(run.id)).toBeUndefined();
      const orphan = await store.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha('{"unique":"' + run.id + '"}')).execute();
      expect(orphan).toEqual([]);
      // and it can still complete afterwards
      expect((await store.runs.complete(run.id, { results: [] })).run.status).toBe('succeeded');
    });

    it('refuses two results with one name, and a completion of a run that is not running', async () => {
      const run = await newRun('running');
      const r = { name: 'a.json', mediaType: 'application/json', content: '1' };
      expect(await codeOf(() => store.runs.complete(run.id, { results: [r, r] }))).toBe('CONFLICT');
      expect(await codeOf(() => store.runs.complete(run.id, { results: [{ ...r, name: '../a.json' }] }))).toBe('BUNDLE_INVALID');
      const queued = await newRun('queued');
      expect(await codeOf(() => store.runs.complete(queued.id, { results: [r] }))).toBe('CONFLICT');
      expect(await store.results.list(queued.id)).toEqual([]);
    });

    it('a rolled back transaction leaves nothing behind', async () => {
      const scenarioId = await newScenario();
      await expect(
        store.transaction(async (trx) => {
          await trx.updateTable('scenarios').set({ name: 'renamed' }).where('id', '=', scenarioId).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await store.scenarios.get(scenarioId))!.name).not.toBe('renamed');
    });
  });

  describe('interrupted runs', () => {
    it('marks queued and running runs interrupted, with a problem, and leaves finished ones alone', async () => {
      const queued = await newRun('queued');
      const running = await newRun('running');
      const done = await newRun('succeeded');
      clock.t += 1000;
      const ids = await store.runs.markInterrupted({ note: 'server restarted' });
      expect(ids).toEqual(expect.arrayContaining([queued.id, running.id]));
      expect(ids).not.toContain(done.id);
      for (const id of [queued.id, running.id]) {
        expect(await store.runs.get(id)).toMatchObject({ status: 'interrupted', note: 'server restarted', finishedAtMs: clock.t, error: { code: 'RUN_INTERRUPTED', message: 'server restarted' } });
      }
      expect((await store.runs.get(done.id))!.status).toBe('succeeded');
      expect(await store.runs.list({ status: ['queued', 'running'] })).toEqual({ runs: [], next: null });
    });

    it('with a lease cut-off, only runs without a recent heartbeat', async () => {
      await store.runs.markInterrupted();
      const dead = await newRun('running');
      clock.t += 60_000;
      const live = await newRun('running');
      clock.t += 10_000;
      await store.runs.heartbeat(live.id);
      const ids = await store.runs.markInterrupted({ staleBeforeMs: clock.t - 30_000 });
      expect(ids).toEqual([dead.id]);
      expect((await store.runs.get(live.id))!.status).toBe('running');
    });
  });

  describe('ledgers', () => {
    let runId: string;
    const ledger = makeLedger({ sites: 3, steps: 50, startMs: Date.UTC(2023, 2, 12, 6) });
    const zones = ['America/Chicago', 'Europe/Berlin', 'UTC'];
    beforeAll(async () => {
      const run = await newRun('running');
      runId = run.id;
      await store.runs.complete(runId, { results: [], ledger: { ledger, siteTimeZones: zones, chunkSteps: 7 } });
    });

    it('describes its shape', async () => {
      const info = (await store.ledgers.info(runId))!;
      expect(info.grid).toEqual(ledger.grid);
      expect(info.chunkSteps).toBe(7);
      expect(info.sites.map((s) => [s.id, s.timeZone])).toEqual([['site-0', 'America/Chicago'], ['site-1', 'Europe/Berlin'], ['site-2', 'UTC']]);
      expect(info.siteColumns).toContain('gridImportKW');
      // workloads by workload index: fleet-batch (1), w0 (10), w1 (11), w2 (12)
      expect(info.workloadColumns.filter((c) => c.endsWith(':itKW'))).toEqual(['workload:fleet-batch:itKW', 'workload:w0:itKW', 'workload:w1:itKW', 'workload:w2:itKW']);
    });

    it('reads rows with UTC and local times and the values written', async () => {
      // 2023-03-12 08:00 UTC = 03:00 CDT in Chicago (DST began at 02:00 local = 08:00 UTC)
      const page = await store.ledgers.read(runId, { sites: ['site-0'], fromMs: Date.UTC(2023, 2, 12, 7), toMs: Date.UTC(2023, 2, 12, 9), columns: ['gridImportKW', 'workload:w0:itKW', 'workload:w1:itKW'] });
      expect(page.columns).toEqual(['gridImportKW', 'workload:w0:itKW', 'workload:w1:itKW']);
      expect(page.rows.map((r) => [r.step, r.timeMs, r.localTime])).toEqual([
        [1, Date.UTC(2023, 2, 12, 7), '2023-03-12T01:00:00-06:00'],
        [2, Date.UTC(2023, 2, 12, 8), '2023-03-12T03:00:00-05:00'],
      ]);
      const s0 = ledger.sites[0]!;
      expect(page.rows.map((r) => r.values)).toEqual([
        [s0.gridImportKW[1], s0.workloads[0]!.itKW[1], 0], // w1 does not run at site-0
        [s0.gridImportKW[2], s0.workloads[0]!.itKW[2], 0],
      ]);
      expect(page.next).toBeNull();
      const berlin = await store.ledgers.read(runId, { sites: ['site-1'], limit: 1, columns: ['itKW'] });
      expect(berlin.rows[0]!.localTime).toBe('2023-03-12T07:00:00+01:00');
    });

    it('keeps NaN payloads, -0 and infinities', async () => {
      const page = await store.ledgers.read(runId, { sites: ['site-2'], limit: 4, columns: ['shortfallKW', 'importPrice', 'exportPrice', 'carbonIntensity'] });
      const bits = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
      expect(Object.is(page.rows[0]!.values[0], -0)).toBe(true);
      expect(bits(page.rows[1]!.values[1]!)).toBe(0x7ff8_0000_dead_beefn);
      expect(page.rows[2]!.values[2]).toBe(-Infinity);
      expect(page.rows[3]!.values[3]).toBe(Infinity);
    });

    it('pages cover every (site, step) of the query exactly once, in order', async () => {
      const stepMs = 3600_000, start = ledger.grid.startMs;
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(['site-0', 'site-1', 'site-2'], { minLength: 1 }),
          fc.integer({ min: -3, max: 53 }),
          fc.integer({ min: -3, max: 53 }),
          fc.integer({ min: 1, max: 40 }),
          async (sites, from, to, limit) => {
            const rows: Array<[string, number, number]> = [];
            let cursor: string | undefined;
            let pages = 0;
            do {
              const page = await store.ledgers.read(runId, { sites, fromMs: start + from * stepMs - 1, toMs: start + to * stepMs - 1, columns: ['facilityKW'], limit, ...(cursor ? { cursor } : {}) });
              expect(page.rows.length).toBeLessThanOrEqual(limit);
              rows.push(...page.rows.map((r): [string, number, number] => [r.site, r.step, r.values[0]!]));
              cursor = page.next ?? undefined;
              if (++pages > 200) throw new Error('pagination does not end');
            } while (cursor);
            const lo = Math.max(0, from), hi = Math.min(50, Math.max(0, to));
            const expected = sites.flatMap((s) => Array.from({ length: Math.max(0, hi - lo) }, (_, k): [string, number, number] => [s, lo + k, ledger.sites[Number(s.slice(5))]!.facilityKW[lo + k]!]));
            expect(rows).toEqual(expected);
          },
        ),
        { numRuns: 25, seed: 42 },
      );
    });

    it('explains bad queries', async () => {
      expect(await codeOf(() => store.ledgers.read(runId, { sites: ['nope'] }))).toBe('QUERY_INVALID');
      const err = await store.ledgers.read(runId, { columns: ['gridImportMW'] }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/unknown column "gridImportMW"; valid columns: itKW, idleItKW/);
      expect(await codeOf(() => store.ledgers.read(runId, { limit: 0 }))).toBe('QUERY_INVALID');
      expect(await codeOf(() => store.ledgers.read(runId, { fromMs: NaN }))).toBe('QUERY_INVALID');
      expect(await codeOf(() => store.ledgers.read(runId, { cursor: 'garbage' }))).toBe('QUERY_INVALID');
      const first = await store.ledgers.read(runId, { limit: 5 });
      expect(await codeOf(() => store.ledgers.read(runId, { limit: 5, sites: ['site-1'], cursor: first.next! }))).toBe('QUERY_INVALID');
      expect(await codeOf(() => store.ledgers.read('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('NOT_FOUND');
    });
  });

  describe('tokens', () => {
    it('creates a token whose secret is shown once and stored only as a hash', async () => {
      const t = await store.tokens.create('operator', 'ci bot');
      expect(t.secret).toMatch(/^ws_[A-Za-z0-9_-]{43}$/);
      expect(t).toMatchObject({ role: 'operator', name: 'ci bot', createdAtMs: clock.t, lastUsedAtMs: null, revokedAtMs: null });
      const row = await store.db.selectFrom('tokens').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(t.secret.slice(3));
      expect(row.secret_sha256).toBe(sha(t.secret));
      expect(await store.tokens.list()).toContainEqual({ id: t.id, name: 'ci bot', role: 'operator', createdAtMs: clock.t, lastUsedAtMs: null, revokedAtMs: null });
    });

    it('verifies the secret, records use at most once a minute, and forgets revoked tokens', async () => {
      const t = await store.tokens.create('viewer');
      clock.t += 1000;
      expect(await store.tokens.verify(t.secret)).toEqual({ id: t.id, role: 'viewer', name: null });
      expect((await store.tokens.get(t.id))!.lastUsedAtMs).toBe(clock.t);
      const firstUse = clock.t;
      clock.t += 10_000;
      await store.tokens.verify(t.secret);
      expect((await store.tokens.get(t.id))!.lastUsedAtMs).toBe(firstUse);
      clock.t += 60_000;
      await store.tokens.verify(t.secret);
      expect((await store.tokens.get(t.id))!.lastUsedAtMs).toBe(clock.t);
      const flipped = t.secret.slice(0, -1) + (t.secret.endsWith('A') ? 'B' : 'A');
      for (const bad of [flipped, '', 'ws_', t.secret + 'x', t.secret.replace('ws_', 'xx_'), 'Bearer ' + t.secret]) expect(await store.tokens.verify(bad)).toBeNull();
      const revoked = await store.tokens.revoke(t.id);
      expect(revoked.revokedAtMs).toBe(clock.t);
      expect(await store.tokens.verify(t.secret)).toBeNull();
      expect((await store.tokens.list()).map((x) => x.id)).not.toContain(t.id);
      expect((await store.tokens.list({ includeRevoked: true })).map((x) => x.id)).toContain(t.id);
      expect((await store.tokens.revoke(t.id)).revokedAtMs).toBe(revoked.revokedAtMs); // idempotent
      expect(await codeOf(() => store.tokens.revoke('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('NOT_FOUND');
      await expect(store.tokens.create('root' as 'admin')).rejects.toThrow(/unknown role "root"; valid: viewer, operator, admin/);
    });
  });
}
