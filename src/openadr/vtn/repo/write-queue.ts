/**
 * Group commit: writes that arrive while a transaction is being committed are run together in
 * the next transaction (on PostgreSQL several such batches are committed at once), so a burst of
 * N requests costs a few commits (each an fsync on SQLite with synchronous=FULL, ~3 ms here)
 * instead of N. A caller's promise settles only after its transaction has committed, so an
 * answered write is durable.
 *
 * A write that fails must take nothing else with it, nor leave half of itself behind:
 * - SQLite: each write runs inside a savepoint of the shared transaction (in-process, cheap); a
 *   VtnError (a 404, a 409 from a constraint it caught) rolls back to it, and that caller gets
 *   its answer while the others are untouched;
 * - PostgreSQL: a savepoint costs two round trips per write, twice a report's own, so instead
 *   a VtnError in a batch of several rolls the whole batch back, and its writes are run again
 *   one per transaction (where a VtnError rolls back that write alone). A failed statement
 *   leaves a PostgreSQL transaction aborted, and its COMMIT would silently drop writes already
 *   answered as stored: the batch must never be committed after one.
 * Any other error aborts the batch too; its writes are then run one per transaction, so only the
 * write at fault fails.
 */
import { sql } from 'kysely';
import type { Db } from '../../../store/database.ts';
import type { Store } from '../../../store/store.ts';
import { VtnError } from '../problem.ts';

/** Most writes committed in one transaction. */
export const MAX_BATCH = 256;
/**
 * How long a batch waits for more writes before it starts, ms. SQLite's commit (an fsync) blocks
 * the event loop, so requests arriving meanwhile reach the queue only a few turns of the loop
 * after it: without this wait every burst request would get a commit of its own.
 */
export const DEFAULT_LINGER_MS = 1;

/**
 * Longest a batch runs writes before it commits on SQLite, ms; the writes left wait for the next
 * batch. A write is answered, and its notifications go out, only after its commit, so without a
 * bound the first write of a large batch waited for all the others: the 100 site events of a
 * fleet event were written in one transaction of about 30 ms, their notifications held back
 * until its end (docs/benchmarks.md, "Bursts cut by time"). Not on PostgreSQL: a write there
 * costs round trips, often over 4 ms under load, so the bound left one report per commit and
 * halved the reports accepted per second (512/s against 975/s, same session); its batches
 * already commit side by side.
 */
export const DEFAULT_BATCH_MAX_MS = 4;

interface Pending {
  fn: (trx: Db) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Serialises and batches the VTN's writes. */
export class WriteQueue {
  readonly #queue: Pending[] = [];
  #running = 0;
  readonly #maxConcurrent: number;
  /** How long a batch runs writes before it commits, ms (see {@link DEFAULT_BATCH_MAX_MS}). */
  readonly #batchMaxMs: number;
  /** Transactions committed (for the benchmark's report). */
  commits = 0;

  /**
   * `concurrency`: batches committed at once. SQLite has one connection (its transactions run one
   * after another anyway): 1. PostgreSQL: several, so its connection pool is used (default 8 of
   * the pool's 10, leaving connections for reads). `batchMaxMs`: how long a batch runs writes
   * before it commits (default {@link DEFAULT_BATCH_MAX_MS} on SQLite, no bound on PostgreSQL).
   */
  constructor(
    private readonly store: Store,
    private readonly lingerMs = DEFAULT_LINGER_MS,
    concurrency?: number,
    batchMaxMs?: number,
  ) {
    this.#maxConcurrent = concurrency ?? (store.dialect === 'postgres' ? 8 : 1);
    this.#batchMaxMs = batchMaxMs ?? (store.dialect === 'sqlite' ? DEFAULT_BATCH_MAX_MS : Number.POSITIVE_INFINITY);
  }

  /** Runs `fn` in a transaction (shared with other writes queued meanwhile); settles after commit. */
  run<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.#running < this.#maxConcurrent) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running++;
    try {
      let carried = false;
      while (this.#queue.length > 0) {
        // writes carried over from a batch cut by time have waited already; two turns of the event
        // loop let the last batch's notifications reach their sockets first. The writes of a
        // batch are promises, which run before any I/O, and the broker hands a message to its
        // socket one turn after it is published (aedes): with one turn here the next batch ran
        // first, and a burst's notifications reached their VENs a batch late (10–30 ms at 100
        // sites)
        if (carried) await twoTurns();
        else if (this.lingerMs > 0 && this.#queue.length < MAX_BATCH) await new Promise((r) => setTimeout(r, this.lingerMs));
        const batch = this.#queue.splice(0, MAX_BATCH);
        if (batch.length === 0) break; // another batch took them meanwhile
        let outcomes: Outcome[] | undefined;
        carried = false;
        try {
          outcomes = await this.#transaction(batch);
          // the writes the time bound left out go first in the next batch
          if (outcomes.length < batch.length) {
            this.#queue.unshift(...batch.splice(outcomes.length));
            carried = true;
          }
        } catch (e) {
          if (batch.length === 1) {
            batch[0]!.reject(e);
            continue;
          }
          // one write broke the batch: run each alone so only that one fails
          for (const p of batch) {
            try {
              const [o] = await this.#transaction([p]);
              settle(p, o!);
            } catch (err) {
              p.reject(err);
            }
          }
          continue;
        }
        batch.forEach((p, i) => settle(p, outcomes[i]!));
      }
    } finally {
      this.#running--;
    }
  }

  async #transaction(batch: Pending[]): Promise<Outcome[]> {
    const savepoints = this.store.dialect === 'sqlite' && batch.length > 1;
    const out = await this.store.transaction(async (trx) => {
      const results: Outcome[] = [];
      const started = performance.now();
      for (const p of batch) {
        if (results.length > 0 && performance.now() - started > this.#batchMaxMs) break;
        if (!savepoints) {
          // a VtnError rolls back the transaction: the caller's answer when alone, else a rerun
          results.push({ ok: true, value: await p.fn(trx) });
          continue;
        }
        await sql`savepoint vtn_write`.execute(trx);
        try {
          const value = await p.fn(trx);
          await sql`release savepoint vtn_write`.execute(trx);
          results.push({ ok: true, value });
        } catch (e) {
          if (!(e instanceof VtnError)) throw e;
          await sql`rollback to savepoint vtn_write`.execute(trx);
          await sql`release savepoint vtn_write`.execute(trx);
          results.push({ ok: false, error: e });
        }
      }
      return results;
    });
    this.commits++;
    return out;
  }
}

/** Two turns of the event loop: what was scheduled for the next one runs before the caller goes on. */
function twoTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function settle(p: Pending, o: Outcome): void {
  if (o.ok) p.resolve(o.value);
  else p.reject(o.error);
}
