/**
 * Opens a store from a location:
 * - `postgres://…` or `postgresql://…` → a PostgreSQL pool;
 * - `sqlite:FILE`, `sqlite::memory:`, `file:` URLs or a plain path → a SQLite file (created if
 *   missing; its folder must exist).
 * Pending migrations are applied before the store is returned.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database, Db, DialectName } from './database.ts';
import { StoreError } from './errors.ts';
import { migrate, type MigrationReport } from './migrate.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import { SqlLedgerRepository } from './ledger-repository.ts';
import { openPostgres, redactUrl } from './postgres.ts';
import { SqlResultRepository } from './results.ts';
import { SqlRunRepository } from './runs.ts';
import { SqlScenarioRepository } from './scenarios.ts';
import { openSqlite } from './sqlite.ts';
import type { Store } from './store.ts';
import { SqlTokenRepository } from './tokens.ts';
import type { StoreContext } from './context.ts';

/**
 * Errors meaning the server is not there or will not let us in: refused, unknown host, timeout,
 * unknown database (3D000), bad password (28P01), login not allowed (28000), too many
 * connections (53300), starting up or shutting down (57P03).
 */
const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', '3D000', '28P01', '28000', '53300', '57P03']);

/** Options of openStore. */
export interface OpenOptions {
  /** Clock (UTC epoch ms); tests pass a fake one. */
  now?: () => number;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
  /** Migrations to apply (default: all of this version). Tests pass a longer list. */
  migrations?: readonly Migration[];
}

/** Where a location points. */
export type StoreLocation = { dialect: 'postgres'; url: string } | { dialect: 'sqlite'; file: string };

/** Parses a store location. Throws URL_INVALID. */
export function parseLocation(location: string): StoreLocation {
  const loc = location.trim();
  if (!loc) throw new StoreError('URL_INVALID', 'no database given; pass a SQLite file path or a postgres:// URL');
  if (/^postgres(ql)?:\/\//i.test(loc)) return { dialect: 'postgres', url: loc };
  if (/^file:/i.test(loc)) return { dialect: 'sqlite', file: fileURLToPath(loc) };
  if (/^sqlite:/i.test(loc)) {
    const rest = loc.slice('sqlite:'.length);
    if (rest === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
    const file = rest.startsWith('//') ? rest.slice(2) : rest;
    if (!file) throw new StoreError('URL_INVALID', `"${location}" names no file; use sqlite:path/to/file.db`);
    return { dialect: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(loc)) {
    throw new StoreError('URL_INVALID', `"${redactUrl(loc)}" is not a database wattshift can open; use a SQLite file path (or sqlite:FILE) or a postgres:// URL`);
  }
  if (loc === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
  return { dialect: 'sqlite', file: loc };
}

/** The store over one database. */
class SqlStore implements Store {
  readonly scenarios: SqlScenarioRepository;
  readonly runs: SqlRunRepository;
  readonly results: SqlResultRepository;
  readonly ledgers: SqlLedgerRepository;
  readonly tokens: SqlTokenRepository;
  #closed = false;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    readonly location: string,
    readonly migrations: MigrationReport,
    now: () => number,
  ) {
    const ctx: StoreContext = { db, dialect, now, transaction: (fn) => this.transaction(fn) };
    this.scenarios = new SqlScenarioRepository(ctx);
    this.runs = new SqlRunRepository(ctx);
    this.results = new SqlResultRepository(ctx);
    this.ledgers = new SqlLedgerRepository(ctx);
    this.tokens = new SqlTokenRepository(ctx);
  }

  transaction<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}

/** Opens a store and applies pending migrations. */
export async function openStore(location: string, opts: OpenOptions = {}): Promise<Store> {
  const where = parseLocation(location);
  let db: Kysely<Database>;
  let shown: string;
  if (where.dialect === 'sqlite') {
    if (where.file !== ':memory:') {
      const dir = dirname(resolve(where.file));
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StoreError('URL_INVALID', `folder ${dir} for the SQLite database ${where.file} does not exist; create it first`, { file: where.file });
      if (existsSync(where.file) && statSync(where.file).isDirectory()) throw new StoreError('URL_INVALID', `${where.file} is a folder; name a database file`, { file: where.file });
    }
    try {
      db = openSqlite(where.file);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new StoreError('URL_INVALID', `${where.file} is not a SQLite database`, { file: where.file });
      throw new StoreError('URL_INVALID', `cannot open SQLite database ${where.file}: ${(e as Error).message}`, { file: where.file });
    }
    shown = where.file;
  } else {
    db = openPostgres(where.url, opts.maxConnections === undefined ? {} : { maxConnections: opts.maxConnections });
    shown = redactUrl(where.url);
  }
  const now = opts.now ?? Date.now;
  try {
    const report = await migrate(db, where.dialect, opts.migrations ?? MIGRATIONS, now);
    return new SqlStore(db, where.dialect, shown, report, now);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    const code = (e as { code?: string }).code ?? '';
    if (where.dialect === 'postgres' && !(e instanceof StoreError) && PG_UNAVAILABLE.has(code)) {
      throw new StoreError('UNAVAILABLE', `cannot use PostgreSQL at ${shown}: ${(e as Error).message} (${code})`, { code });
    }
    throw e;
  }
}
