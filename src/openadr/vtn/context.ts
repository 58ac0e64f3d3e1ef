/**
 * What every part of the VTN shares: the store, the write queue (group commit), the outbox of
 * notifications, the clock and the hooks run after a commit (publish MQTT messages, wake the
 * webhook sender).
 */
import type { Db } from '../../store/database.ts';
import type { Store } from '../../store/store.ts';
import type { Outbox, Publication } from './notify/outbox.ts';
import type { CallbackGuard } from './notify/callback-guard.ts';
import { WriteQueue } from './repo/write-queue.ts';
import type { Change } from './types.ts';

/** Limits of lists. */
export const DEFAULT_PAGE_LIMIT = 50;

/** The shared state of one VTN. */
export class VtnContext {
  readonly writes: WriteQueue;

  constructor(
    readonly store: Store,
    readonly outbox: Outbox,
    readonly guard: CallbackGuard,
    readonly now: () => number,
    private readonly afterCommit: (publications: Publication[]) => void,
    writeBatchMaxMs?: number,
  ) {
    this.writes = new WriteQueue(store, undefined, undefined, writeBatchMaxMs);
  }

  /**
   * Runs a write in the shared transaction; the changes it returns are turned into notifications
   * in the same transaction, and published once it has committed. `after` runs once the
   * notifications are recorded (deletes that must see the rows first).
   */
  async change<T>(fn: (trx: Db) => Promise<{ result: T; changes: Change[]; after?: () => Promise<unknown> }>): Promise<T> {
    const { result, publications } = await this.writes.run(async (trx) => {
      try {
        const { result: r, changes, after } = await fn(trx);
        // the outbox reads the subscriptions once per transaction: a write that changes them
        // makes it read them again, before its own notifications and after
        const subscriptions = changes.some((c) => c.objectType === 'SUBSCRIPTION');
        if (subscriptions) this.outbox.forget(trx);
        const pubs: Publication[] = [];
        for (const c of changes) pubs.push(...(await this.outbox.record(trx, c)));
        if (after) await after();
        if (subscriptions) this.outbox.forget(trx);
        return { result: r, publications: pubs };
      } catch (e) {
        // the write is undone (to its savepoint, or with its batch): so is what it read
        this.outbox.forget(trx);
        throw e;
      }
    });
    this.afterCommit(publications);
    return result;
  }
}
