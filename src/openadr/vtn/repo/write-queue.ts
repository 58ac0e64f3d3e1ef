/**
 * Group commit: writes that arrive while a transaction is being committed are run together in
 * the next transaction, so a burst of N requests costs a few commits (each an fsync on SQLite with
 * synchronous=FULL, ~3 ms here) instead of N. A caller's promise settles only after its
 * transaction has committed, so an answered write is durable.
 *
 * A write function must do its checks (and throw a VtnError) before it writes anything: a
 * VtnError from one function is that caller's answer and does not undo the others. Any other
 * error (a constraint violated meanwhile) aborts the batch; its writes are then retried one per
 * transaction, so only the write at fault fails.
 */
import type { Db } from '../../../store/database.ts';
import type { Store } from '../../../store/store.ts';
import { VtnError } from '../problem.ts';

/** Most writes committed in one transaction. */
export const MAX_BATCH = 256;

interface Pending {
  fn: (trx: Db) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Serialises and batches the VTN's writes. */
export class WriteQueue {
  readonly #queue: Pending[] = [];
  #running = false;
  /** Transactions committed (for the benchmark's report). */
  commits = 0;

  constructor(private readonly store: Store) {}

  /** Runs `fn` in a transaction (shared with other writes queued meanwhile); settles after commit. */
  run<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        let outcomes: Outcome[] | undefined;
        try {
          outcomes = await this.#transaction(batch);
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
      this.#running = false;
    }
  }

  async #transaction(batch: Pending[]): Promise<Outcome[]> {
    const out = await this.store.transaction(async (trx) => {
      const results: Outcome[] = [];
      for (const p of batch) {
        try {
          results.push({ ok: true, value: await p.fn(trx) });
        } catch (e) {
          if (e instanceof VtnError) results.push({ ok: false, error: e });
          else throw e;
        }
      }
      return results;
    });
    this.commits++;
    return out;
  }
}

function settle(p: Pending, o: Outcome): void {
  if (o.ok) p.resolve(o.value);
  else p.reject(o.error);
}
