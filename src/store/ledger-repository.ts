/** The ledger repository: the functions of ledgers.ts bound to a store. */
import type { Ledger } from '../simulate/ledger.ts';
import type { StoreContext } from './context.ts';
import { ledgerInfo, loadLedger, readLedger } from './ledgers.ts';
import type { LedgerRepository } from './store.ts';
import type { LedgerInfo, LedgerPage, LedgerQuery } from './types.ts';

/** SQL-backed ledgers. */
export class SqlLedgerRepository implements LedgerRepository {
  constructor(private readonly ctx: StoreContext) {}

  info(runId: string): Promise<LedgerInfo | undefined> {
    return ledgerInfo(this.ctx.db, runId);
  }

  read(runId: string, query?: LedgerQuery): Promise<LedgerPage> {
    return readLedger(this.ctx.db, runId, query);
  }

  load(runId: string): Promise<Ledger> {
    return loadLedger(this.ctx.db, runId);
  }
}
