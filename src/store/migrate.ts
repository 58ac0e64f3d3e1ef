/**
 * Applies the numbered migrations at open, all pending ones in one transaction (both SQLite and
 * PostgreSQL have transactional DDL, so a failed migration leaves the schema as it was).
 * Concurrent openers serialise on a lock: SQLite's write lock (BEGIN IMMEDIATE), a PostgreSQL
 * transaction-level advisory lock. A database migrated by a newer wattshift is refused.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DialectName } from './database.ts';
import { StoreError } from './errors.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** Key of the PostgreSQL advisory lock held while migrating ("wattshift" in ASCII, truncated). */
const PG_MIGRATION_LOCK = 0x7761747473686966n & 0x7fffffffffffffffn;

/** What a migration pass did. */
export interface MigrationReport {
  /** Versions applied now. */
  applied: number[];
  /** Schema version after the pass. */
  version: number;
}

/** Checks that versions run 1, 2, 3, … with names. */
function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
  });
}

/** Brings the schema up to the newest known version; refuses a newer database. */
export async function migrate(db: Kysely<Database>, dialect: DialectName, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): Promise<MigrationReport> {
  checkList(migrations);
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(PG_MIGRATION_LOCK.toString())}::bigint)`.execute(trx);
    await trx.schema
      .createTable('wattshift_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    const done = await trx.selectFrom('wattshift_migrations').select(['version', 'name']).orderBy('version').execute();
    const known = migrations.length;
    const newest = done.at(-1);
    if (newest && newest.version > known) {
      throw new StoreError(
        'SCHEMA_TOO_NEW',
        `the database is at schema version ${newest.version} (${newest.name}) but this wattshift knows versions up to ${known}; upgrade wattshift, or open another database`,
        { databaseVersion: newest.version, knownVersion: known },
      );
    }
    for (const row of done) {
      const m = migrations[row.version - 1];
      if (!m || m.name !== row.name) {
        throw new StoreError(
          'SCHEMA_MISMATCH',
          `the database records migration ${row.version} as "${row.name}" but this wattshift's migration ${row.version} is "${m?.name ?? 'missing'}"; the database was made by a different build`,
          { version: row.version, databaseName: row.name, codeName: m?.name },
        );
      }
    }
    const applied: number[] = [];
    for (const m of migrations.slice(done.length)) {
      await m.up(trx as unknown as Kysely<unknown>, dialect);
      await trx.insertInto('wattshift_migrations').values({ version: m.version, name: m.name, applied_at_ms: now() }).execute();
      applied.push(m.version);
    }
    return { applied, version: known };
  });
}
