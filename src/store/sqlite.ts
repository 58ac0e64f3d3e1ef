/**
 * SQLite through better-sqlite3, seen through Kysely. Settings, and why:
 * - journal_mode=WAL: readers never block the writer and a crash mid-write leaves the last
 *   committed state (the WAL is replayed or ignored at open);
 * - synchronous=FULL: each commit is fsynced, so a completed run survives power loss, not just a
 *   killed process (NORMAL may lose the last commits on power loss). Commits are few (a run's
 *   start, progress, completion) and the cost is measured in docs/benchmarks.md;
 * - foreign_keys=ON: SQLite's default is off;
 * - busy_timeout: another process (e.g. `wattshift token create` next to the server) waits for
 *   the write lock instead of failing at once;
 * - transactions start with BEGIN IMMEDIATE: they take the write lock at once, so a transaction
 *   that reads then writes cannot fail half-way when another process wrote in between;
 * - prepared statements are kept and reused by SQL text (Kysely prepares each query anew, which
 *   was a quarter of the VTN's CPU per report: `npm run bench -- vtn`, docs/benchmarks.md).
 */
import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type { Database } from './database.ts';

/** Milliseconds a writer waits for another process's write lock. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** A driver whose transactions take the write lock at BEGIN. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SQLite dialect with the driver above. */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Prepared statements kept per connection (least recently used dropped first). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely sees it, with `prepare` answered from a cache of statements by SQL
 * text. A statement still iterating (a streamed query) is not shared: a fresh one is prepared.
 */
export function cachingDatabase(raw: Sqlite.Database, size = STATEMENT_CACHE_SIZE): Pick<Sqlite.Database, 'prepare' | 'close'> {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    prepare(source: string) {
      const hit = cache.get(source);
      if (hit && !hit.busy) {
        cache.delete(source);
        cache.set(source, hit);
        return hit;
      }
      const stmt = raw.prepare(source);
      if (!hit) {
        cache.set(source, stmt);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close() {
      cache.clear();
      return raw.close();
    },
  } as Pick<Sqlite.Database, 'prepare' | 'close'>;
}

/** Opens (creating if needed) a SQLite database file, or `:memory:`. */
export function openSqlite(file: string): Kysely<Database> {
  const raw = new Sqlite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: cachingDatabase(raw) as never }) });
}
