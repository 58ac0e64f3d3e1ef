/**
 * 0003: results of jobs run on the work queue (BullMQ on Redis), keyed by the job's id. A
 * retried job writes nothing the second time (the first write wins), so a job that ran twice
 * (its worker died after writing) is never counted twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './types.ts';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('queue_results')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('batch', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('succeeded', 'failed')`))
    .addColumn('result_json', 'text')
    .addColumn('error_json', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('worker', 'text')
    .addColumn('finished_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('queue_results_batch').on('queue_results').columns(['batch']).execute();
}

/** Queue job results. */
export const queueResults: Migration = { version: 3, name: 'queue-results', up };
