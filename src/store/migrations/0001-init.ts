/**
 * 0001: blobs, scenario bundles, runs, results, ledgers and API tokens.
 * Times are UTC epoch milliseconds (bigint); JSON is text; statuses, kinds and roles are
 * checked by the database as well as by the repositories.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';
import { bytesType, type Migration } from './types.ts';

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const bytes = bytesType(dialect);
  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull().check(sql`encoding in ('identity', 'br')`))
    .addColumn('stored_bytes', 'bigint', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scenarios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('entry_path', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('scenarios_created').on('scenarios').columns(['created_at_ms']).execute();

  await db.schema
    .createTable('scenario_files')
    .addColumn('scenario_id', 'text', (c) => c.notNull().references('scenarios.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('blob_sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scenario_files_pk', ['scenario_id', 'path'])
    .execute();
  await db.schema.createIndex('scenario_files_blob').on('scenario_files').columns(['blob_sha256']).execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scenario_id', 'text', (c) => c.notNull().references('scenarios.id'))
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled')`),
    )
    .addColumn('progress', 'double precision', (c) => c.notNull().check(sql`progress >= 0 and progress <= 1`))
    .addColumn('phase', 'text')
    .addColumn('error_json', 'text')
    .addColumn('software_version', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('started_at_ms', 'bigint')
    .addColumn('finished_at_ms', 'bigint')
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('timings_json', 'text')
    .addColumn('created_by', 'text')
    .addColumn('rerun_of', 'text', (c) => c.references('runs.id'))
    .addColumn('heartbeat_at_ms', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('runs_status').on('runs').columns(['status', 'id']).execute();
  await db.schema.createIndex('runs_scenario').on('runs').columns(['scenario_id', 'id']).execute();
  await db.schema.createIndex('runs_rerun_of').on('runs').columns(['rerun_of']).execute();

  await db.schema
    .createTable('results')
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('summary', 'document', 'artefact')`))
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('blob_sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('results_pk', ['run_id', 'name'])
    .execute();
  await db.schema.createIndex('results_blob').on('results').columns(['blob_sha256']).execute();

  await db.schema
    .createTable('ledgers')
    .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('step_minutes', 'integer', (c) => c.notNull())
    .addColumn('steps', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('chunk_steps', 'integer', (c) => c.notNull())
    .addColumn('meta_json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_sites')
    .addColumn('run_id', 'text', (c) => c.notNull().references('ledgers.run_id').onDelete('cascade'))
    .addColumn('site_index', 'integer', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('workloads_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_sites_pk', ['run_id', 'site_index'])
    .execute();

  await db.schema
    .createTable('ledger_chunks')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('site_index', 'integer', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_chunks_pk', ['run_id', 'site_index', 'column_name', 'chunk'])
    .addForeignKeyConstraint('ledger_chunks_site', ['run_id', 'site_index'], 'ledger_sites', ['run_id', 'site_index'], (c) => c.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer', 'operator', 'admin')`))
    .addColumn('secret_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at_ms', 'bigint')
    .addColumn('revoked_at_ms', 'bigint')
    .execute();
}

/** The first schema. */
export const init: Migration = { version: 1, name: 'init', up };
