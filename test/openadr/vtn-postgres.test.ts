/**
 * The VTN conformance checklist on PostgreSQL (WATTSHIFT_TEST_PG_URL, default the local cluster;
 * a database per run, dropped at the end). Skipped with the reason where PostgreSQL is
 * unreachable, except in CI, where that fails.
 */
import { describe, it } from 'vitest';
import { postgresDatabases } from '../helpers/databases.ts';
import { runVtnCases } from './vtn.case.ts';

const pg = await postgresDatabases();

if ('skipReason' in pg) {
  console.warn(`PostgreSQL VTN tests skipped: ${pg.skipReason}`);
  describe.skip(`OpenADR VTN on PostgreSQL (skipped: ${pg.skipReason})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('OpenADR VTN on PostgreSQL', () => {
    runVtnCases('postgres', () => Promise.resolve(pg));
  });
}
