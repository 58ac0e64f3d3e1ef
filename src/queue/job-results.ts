/**
 * Results of queue jobs in the store (table `queue_results`), keyed by job id. The first write
 * of a job wins and later ones write nothing, so a job that ran twice (its worker was killed
 * after writing, or Redis forgot it had finished) still has exactly one result.
 */
import type { Store } from '../store/store.ts';
import type { Json } from '../store/types.ts';

/** Why a job failed, as stored. */
export interface JobError {
  message: string;
  /** The error's class name or code, when it has one. */
  name?: string;
}

/** A job's stored outcome. */
export type JobOutcome =
  | { jobId: string; batch: string; status: 'succeeded'; result: Json; attempts: number; worker: string | null; finishedAtMs: number }
  | { jobId: string; batch: string; status: 'failed'; error: JobError; attempts: number; worker: string | null; finishedAtMs: number };

/** What a worker or the submitter writes for a job. */
export type NewJobOutcome = { status: 'succeeded'; result: Json } | { status: 'failed'; error: JobError };

/** Ids per query (SQLite allows 32,766 bound values; PostgreSQL 65,535). */
const CHUNK = 500;

/** Reads and writes queue job results. */
export class JobResults {
  constructor(private readonly store: Store) {}

  /** Writes a job's outcome unless one is stored already; true when this call wrote it. */
  async record(jobId: string, batch: string, outcome: NewJobOutcome, meta: { attempts: number; worker?: string | null; nowMs?: number }): Promise<boolean> {
    const r = await this.store.db
      .insertInto('queue_results')
      .values({
        job_id: jobId,
        batch,
        status: outcome.status,
        result_json: outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null,
        error_json: outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
        attempts: meta.attempts,
        worker: meta.worker ?? null,
        finished_at_ms: meta.nowMs ?? Date.now(),
      })
      .onConflict((oc) => oc.column('job_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** The stored outcomes of these jobs (those that have one). */
  async get(jobIds: readonly string[]): Promise<Map<string, JobOutcome>> {
    const out = new Map<string, JobOutcome>();
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const rows = await this.store.db.selectFrom('queue_results').selectAll().where('job_id', 'in', jobIds.slice(i, i + CHUNK)).execute();
      for (const row of rows) {
        const base = { jobId: row.job_id, batch: row.batch, attempts: Number(row.attempts), worker: row.worker, finishedAtMs: Number(row.finished_at_ms) };
        out.set(
          row.job_id,
          row.status === 'succeeded'
            ? { ...base, status: 'succeeded', result: JSON.parse(row.result_json ?? 'null') as Json }
            : { ...base, status: 'failed', error: JSON.parse(row.error_json ?? '{"message":"unknown"}') as JobError },
        );
      }
    }
    return out;
  }

  /** Every stored outcome of a batch, by job id. */
  async batch(batch: string): Promise<JobOutcome[]> {
    const ids = await this.store.db.selectFrom('queue_results').select('job_id').where('batch', '=', batch).execute();
    return [...(await this.get(ids.map((r) => r.job_id))).values()];
  }

  /** Removes these jobs' results; returns how many. */
  async remove(jobIds: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const r = await this.store.db.deleteFrom('queue_results').where('job_id', 'in', jobIds.slice(i, i + CHUNK)).executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    return n;
  }

  /** Removes a batch's results; returns how many. */
  async removeBatch(batch: string): Promise<number> {
    const r = await this.store.db.deleteFrom('queue_results').where('batch', '=', batch).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
