/**
 * The store suite on PostgreSQL (WATTSHIFT_TEST_PG_URL, default the local cluster). Each run
 * creates and drops its own databases. Skipped, with the reason, only where PostgreSQL is
 * unreachable and CI is not set; in CI an unreachable server fails the run.
 */
import { describe, expect, it } from 'vitest';
import { postgresDatabases } from '../../test/helpers/databases.ts';
import { isStoreError } from './errors.ts';
import { openStore } from './open.ts';
import { runStoreCases } from './store.case.ts';

const pg = await postgresDatabases();

describe('PostgreSQL that cannot be used', () => {
  it('is reported as unavailable, with the password hidden', async () => {
    const e = await openStore('postgres://someone:secret@127.0.0.1:1/nowhere').catch((x: unknown) => x);
    expect(isStoreError(e, 'UNAVAILABLE')).toBe(true);
    expect((e as Error).message).toMatch(/^cannot use PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
  });

  it.runIf(!('skipReason' in pg))('says so when the database does not exist', async () => {
    const url = new URL(process.env.WATTSHIFT_TEST_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres');
    url.pathname = '/wattshift_no_such_database';
    const e = await openStore(url.toString()).catch((x: unknown) => x);
    expect(isStoreError(e, 'UNAVAILABLE') && e.message).toMatch(/database "wattshift_no_such_database" does not exist \(3D000\)/);
  });
});

if ('skipReason' in pg) {
  console.warn(`PostgreSQL store tests skipped: ${pg.skipReason}`);
  describe.skip(`PostgreSQL store (skipped: ${pg.skipReason})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('PostgreSQL store', () => {
    runStoreCases('postgres', () => Promise.resolve(pg));
  });
}
