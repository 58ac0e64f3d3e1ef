/** The shape of one schema migration. */
import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** A numbered schema change, applied once, in order, inside the opening transaction. */
export interface Migration {
  /** 1, 2, 3, … without gaps; recorded in `wattshift_migrations`. */
  version: number;
  /** Short kebab-case name, recorded with the version (a mismatch stops the store opening). */
  name: string;
  /** Applies the change. `dialect` picks types that differ (BLOB vs BYTEA). */
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Column type of raw bytes in each dialect. */
export function bytesType(dialect: DialectName): 'blob' | 'bytea' {
  return dialect === 'postgres' ? 'bytea' : 'blob';
}
