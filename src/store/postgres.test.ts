/**
 * The store suite on PostgreSQL (WATTSHIFT_TEST_PG_URL, default the local cluster). Each run
 * creates and drops its own databases. Skipped, with the reason, only where PostgreSQL is
 * unreachable and CI is not set; in CI an unreachable server fails the run.
 */
import { describe, it } from 'vitest';
import { postgresDatabases } from '../../test/helpers/databases.ts';
import { runStoreCases } from './store.case.ts';

const pg = await postgresDatabases();

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
