/**
 * Scratch databases for store tests and benchmarks: SQLite files in a temporary folder, or
 * PostgreSQL databases with unique names (created and dropped here, so parallel test files do
 * not collide). PostgreSQL is found at WATTSHIFT_TEST_PG_URL (default: the local cluster with
 * user and password postgres). When it is unreachable the caller skips, except in CI (CI=true),
 * where that is an error: CI must exercise both databases.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The server the PostgreSQL tests use. */
export const TEST_PG_URL = process.env.WATTSHIFT_TEST_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** A source of fresh, empty databases of one kind. */
export interface ScratchDatabases {
  kind: 'sqlite' | 'postgres';
  /** A new empty database's location (a file path or a postgres:// URL). */
  create(): Promise<string>;
  /** Removes every database made here (close the stores first). */
  dropAll(): Promise<void>;
}

/** SQLite files in a new temporary folder. */
export function sqliteDatabases(): ScratchDatabases {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-store-test-'));
  let n = 0;
  return {
    kind: 'sqlite',
    create: () => Promise.resolve(join(dir, `db-${++n}.sqlite`)),
    dropAll: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** A URL naming another database on the same server. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** PostgreSQL scratch databases, or why PostgreSQL cannot be used here (never in CI). */
export async function postgresDatabases(): Promise<ScratchDatabases | { skipReason: string }> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    const why = `PostgreSQL is unreachable at ${TEST_PG_URL.replace(/:[^:@/]*@/, ':***@')} (${(e as Error).message}); set WATTSHIFT_TEST_PG_URL or start a local cluster`;
    if (process.env.CI) throw new Error(`${why}. CI must run the PostgreSQL tests (see .ci/run).`);
    await admin.end().catch(() => undefined);
    return { skipReason: why };
  }
  const made: string[] = [];
  return {
    kind: 'postgres',
    async create() {
      const name = `wattshift_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database "${name}"`);
      made.push(name);
      return withDatabase(TEST_PG_URL, name);
    },
    async dropAll() {
      for (const name of made.splice(0)) {
        // A closed pool's connections may take a moment to leave; killing them (WITH FORCE) at
        // once makes their clients raise errors nobody listens to any more.
        for (let attempt = 0; ; attempt++) {
          try {
            await admin.query(`drop database if exists "${name}"${attempt >= 50 ? ' with (force)' : ''}`);
            break;
          } catch (e) {
            if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e; // 55006: in use
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
      await admin.end();
    },
  };
}
