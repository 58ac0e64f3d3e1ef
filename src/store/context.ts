import { StoreError } from './errors.ts';

/** What every repository of one store shares: the database handle, its dialect and a clock. */
import type { Db, DialectName } from './database.ts';

/** Shared state of one open store. */
export interface StoreContext {
  readonly db: Db;
  readonly dialect: DialectName;
  /** Current time, UTC epoch ms (replaceable in tests). */
  readonly now: () => number;
  /** One transaction (SQLite: BEGIN IMMEDIATE). */
  transaction<T>(fn: (trx: Db) => Promise<T>): Promise<T>;
}

/** Checks a page size. */
export function pageLimit(limit: number | undefined, fallback: number, max: number, what: string): number {
  const n = limit ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new StoreError('QUERY_INVALID', `${what} limit must be an integer from 1 to ${max}, got ${String(limit)}`, { limit });
  return n;
}
