/**
 * PostgreSQL through pg's pool, seen through Kysely. 64-bit integers (epoch milliseconds, byte
 * sizes, counts) are read as JS numbers on this pool only (pg's default is strings); every
 * value the store keeps there is below 2^53.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

const INT8_OID = 20;

/** Parses an int8 as a number, refusing one that would lose precision. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${text} from PostgreSQL is beyond 2^53`);
  return n;
}

/** Opens a pool on a postgres:// URL. */
export function openPostgres(url: string, opts: { maxConnections?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** A postgres:// URL with its password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
