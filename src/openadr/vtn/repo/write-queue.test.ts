/**
 * Group commit on SQLite and PostgreSQL: a burst costs a few transactions, every answered write
 * is stored, and a write that fails (a 409 it caught from the database, or an unexpected error)
 * takes nothing else with it and leaves nothing of itself: on PostgreSQL a failed statement
 * aborts the transaction, and committing it anyway would silently drop writes already answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../store/database.ts';
import { openStore, type Store } from '../../../store/index.ts';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../../../../test/helpers/databases.ts';
import { VtnError } from '../problem.ts';
import { constraintAsConflict } from './common.ts';
import { WriteQueue } from './write-queue.ts';

const insert = (trx: Db, name: string) =>
  trx.insertInto('oadr_programs').values({ id: `id-${name}`, program_name: name, created_at_ms: 1, modified_at_ms: 1, body_json: '{}' }).execute().catch(constraintAsConflict);

async function names(store: Store): Promise<string[]> {
  return (await store.db.selectFrom('oadr_programs').select('program_name').orderBy('program_name').execute()).map((r) => r.program_name);
}

function cases(databases: () => Promise<ScratchDatabases>): void {
  let dbs: ScratchDatabases;
  let store: Store;
  beforeAll(async () => {
    dbs = await databases();
    store = await openStore(await dbs.create());
  });
  afterAll(async () => {
    await store?.close();
    await dbs?.dropAll();
  });

  it('commits a burst of 100 writes in a few transactions, each answered only once stored', async () => {
    // no time bound: the burst's size alone decides the batches
    const q = new WriteQueue(store, 1, 1, Number.POSITIVE_INFINITY);
    const done = await Promise.all(Array.from({ length: 100 }, (_, i) => q.run(async (trx) => (await insert(trx, `burst-${String(i).padStart(3, '0')}`), i))));
    expect(done).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect((await names(store)).filter((n) => n.startsWith('burst-'))).toHaveLength(100);
    expect(q.commits).toBeGreaterThanOrEqual(1);
    expect(q.commits).toBeLessThanOrEqual(5);
  });

  it('cuts a batch after its time bound: the first writes are answered before the last ones run', async () => {
    const q = new WriteQueue(store, 1, 1, 5);
    const log: string[] = [];
    const done = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        q
          .run(async (trx) => {
            log.push(`run ${i}`);
            await insert(trx, `timed-${String(i).padStart(2, '0')}`);
            // each write holds its transaction 2 ms: about three fit in the 5 ms bound
            await new Promise((r) => setTimeout(r, 2));
            return i;
          })
          .then((v) => (log.push(`answered ${v}`), v)),
      ),
    );
    expect(done).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // in order, and the first write is answered (committed) before the last one runs
    expect(log.filter((e) => e.startsWith('run'))).toEqual(Array.from({ length: 12 }, (_, i) => `run ${i}`));
    expect(log.indexOf('answered 0')).toBeLessThan(log.indexOf('run 11'));
    expect(q.commits).toBeGreaterThanOrEqual(3);
    expect((await names(store)).filter((n) => n.startsWith('timed-'))).toHaveLength(12);
  });

  it('lets what the first batch scheduled for the next turn (the broker handing its notifications to their sockets) run before the next batch', async () => {
    const q = new WriteQueue(store, 1, 1, 3);
    const log: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        q
          .run(async (trx) => {
            log.push(`run ${i}`);
            await insert(trx, `handed-${String(i).padStart(2, '0')}`);
            // hold the batch without giving the event loop a turn, as a burst of writes does
            const until = performance.now() + 1;
            while (performance.now() < until);
            return i;
          })
          // as the embedded broker does: a message published on the answer reaches its socket a turn later
          .then((v) => {
            log.push(`answered ${v}`);
            setImmediate(() => log.push(`handed over ${v}`));
          }),
      ),
    );
    await new Promise((r) => setImmediate(r));
    // every notification is handed over before the next batch's first write runs
    for (let i = 0; i < 12; i++) {
      const answered = log.indexOf(`answered ${i}`);
      const nextRun = log.findIndex((e, k) => k > answered && e.startsWith('run'));
      if (nextRun >= 0) expect(log.indexOf(`handed over ${i}`), log.join(', ')).toBeLessThan(nextRun);
    }
    expect(q.commits).toBeGreaterThanOrEqual(2);
  });

  it('a 409 caught from the database undoes only its own write, wherever it sits in the batch', async () => {
    // no time bound: the four writes share one batch however slow the machine
    const q = new WriteQueue(store, 5, 1, Number.POSITIVE_INFINITY);
    await q.run((trx) => insert(trx, 'taken'));
    const results = await Promise.allSettled([
      q.run((trx) => insert(trx, 'first')),
      // writes a row, then hits the unique name: its own row must go too
      q.run(async (trx) => {
        await insert(trx, 'half-done');
        await insert(trx, 'taken');
      }),
      q.run((trx) => insert(trx, 'middle')),
      q.run((trx) => insert(trx, 'taken')), // the last write of the batch fails
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    const err = (results[3] as PromiseRejectedResult).reason as VtnError;
    expect(err).toBeInstanceOf(VtnError);
    expect(err.status).toBe(409);
    // SQLite: the four shared one transaction (savepoints); PostgreSQL: that transaction was
    // rolled back and the four run alone, the two good ones committed
    expect(q.commits).toBe(dbs.kind === 'sqlite' ? 2 : 3);
    const stored = await names(store);
    expect(stored).toEqual(expect.arrayContaining(['first', 'middle', 'taken']));
    expect(stored).not.toContain('half-done');
  });

  it('an unexpected error fails only its own write: the batch is retried one write at a time', async () => {
    const q = new WriteQueue(store, 5, 1);
    const results = await Promise.allSettled([
      q.run((trx) => insert(trx, 'before-crash')),
      q.run(() => Promise.reject(new Error('disk on fire'))),
      q.run((trx) => insert(trx, 'after-crash')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toBe('disk on fire');
    expect(await names(store)).toEqual(expect.arrayContaining(['before-crash', 'after-crash']));
  });
}

describe('WriteQueue on SQLite', () => {
  cases(() => Promise.resolve(sqliteDatabases()));
});

const pg = await postgresDatabases();
if ('skipReason' in pg) {
  describe.skip(`WriteQueue on PostgreSQL (skipped: ${pg.skipReason})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('WriteQueue on PostgreSQL', () => {
    cases(() => Promise.resolve(pg));
  });
}
