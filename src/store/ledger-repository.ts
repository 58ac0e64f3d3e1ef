/** The ledger repository: the functions of ledgers.ts bound to a store. */
import type { Ledger } from '../simulate/ledger.ts';
import type { StoreContext } from './context.ts';
import { ledgerInfo, loadLedger, readLedger } from './ledgers.ts';
import type { LedgerRepository } from './store.ts';
import type { LedgerInfo, LedgerPage, LedgerQuery } from './types.ts';

/** Ledger shapes kept per store (a stored ledger never changes, so a kept one is never stale). */
const INFO_CACHE_SIZE = 64;

/** SQL-backed ledgers. */
export class SqlLedgerRepository implements LedgerRepository {
  private readonly infos = new Map<string, LedgerInfo>();

  constructor(private readonly ctx: StoreContext) {}

  /** The ledger's shape (kept once found: every page read needs it). Shared: do not change it. */
  async info(runId: string): Promise<LedgerInfo | undefined> {
    const kept = this.infos.get(runId);
    if (kept) {
      this.infos.delete(runId);
      this.infos.set(runId, kept);
      return kept;
    }
    const info = await ledgerInfo(this.ctx.db, runId);
    if (info) {
      if (this.infos.size >= INFO_CACHE_SIZE) this.infos.delete(this.infos.keys().next().value as string);
      this.infos.set(runId, info);
    }
    return info;
  }

  async read(runId: string, query?: LedgerQuery): Promise<LedgerPage> {
    return readLedger(this.ctx.db, runId, query, await this.info(runId));
  }

  load(runId: string, opts?: { sites?: string[] }): Promise<Ledger> {
    return loadLedger(this.ctx.db, runId, opts);
  }
}
