/**
 * The store: scenarios, runs, results, ledgers and API tokens in SQLite or PostgreSQL.
 *
 * @example
 * const store = await openStore('wattshift.db');            // or 'postgres://…'
 * const { scenario } = await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': text }), { name: 'texas' });
 * const run = await store.runs.create({ scenarioId: scenario.id, command: 'simulate', softwareVersion: '0.1.0' });
 * await store.runs.start(run.id);
 * await store.runs.complete(run.id, { results: [{ name: 'summary.json', mediaType: 'application/json', content }] });
 */
export { openStore, parseLocation, type OpenOptions, type StoreLocation } from './open.ts';
export type { Store, ScenarioRepository, RunRepository, ResultRepository, LedgerRepository, TokenRepository } from './store.ts';
export * from './types.ts';
export { StoreError, isStoreError, STORE_ERROR_STATUS, type StoreErrorCode } from './errors.ts';
export { makeBundle, bundleId, listBundle, bundlePath, readFromBundle, materialiseBundle } from './bundle.ts';
export { roleAllows, isRole, TOKEN_PREFIX } from './tokens.ts';
export { INTERRUPTED_CODE, defaultKind } from './runs.ts';
export { SITE_COLUMNS, WORKLOAD_FIELD_NAMES, workloadColumn, DEFAULT_CHUNK_STEPS, LEDGER_PAGE_DEFAULT, LEDGER_PAGE_MAX } from './ledgers.ts';
export { encodeColumn, encodeColumnSync, decodeColumn } from './ledger-codec.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
export type { Database, Db, DialectName } from './database.ts';
export type { MigrationReport } from './migrate.ts';
