/**
 * The store's contract: repositories over one SQL database (SQLite or PostgreSQL). The server,
 * the job queue and the command line use only this; `openStore` in open.ts returns one.
 */
import type { Ledger } from '../simulate/ledger.ts';
import type { Db, DialectName } from './database.ts';
import type { MigrationReport } from './migrate.ts';
import type {
  CompletionOutcome,
  Completion,
  CreatedToken,
  EncodedResult,
  LedgerInfo,
  LedgerPage,
  LedgerQuery,
  MaterialisedBundle,
  NewRun,
  ResultContent,
  Role,
  Run,
  RunError,
  RunPage,
  RunQuery,
  ScenarioBundle,
  ScenarioInfo,
  ScenarioPage,
  StoredResult,
  TokenInfo,
} from './types.ts';

/** Content-addressed scenario bundles. */
export interface ScenarioRepository {
  /** Stores a bundle (deduplicated: the same bundle gives the same id and is stored once). */
  put(bundle: ScenarioBundle, meta: { name: string; createdBy?: string | null }): Promise<{ scenario: ScenarioInfo; created: boolean }>;
  get(id: string): Promise<ScenarioInfo | undefined>;
  list(query?: { limit?: number; cursor?: string }): Promise<ScenarioPage>;
  /** The bundle's files in memory (hashes checked). Throws NOT_FOUND. */
  readBundle(id: string): Promise<ScenarioBundle>;
  /** Writes the bundle into a new temporary folder (or `dir`, which must be empty or absent). */
  materialise(id: string, dir?: string): Promise<MaterialisedBundle>;
}

/** Runs and their life cycle. Illegal transitions throw StoreError CONFLICT. */
export interface RunRepository {
  /** A new queued run. Throws NOT_FOUND for an unknown scenario or rerunOf. */
  create(input: NewRun): Promise<Run>;
  get(id: string): Promise<Run | undefined>;
  list(query?: RunQuery): Promise<RunPage>;
  /** queued → running; records the start, the owner and a first heartbeat. */
  start(id: string, opts?: { owner?: string }): Promise<Run>;
  /** Progress (0–1) and phase of a running run; also a heartbeat. */
  progress(id: string, progress: number, phase?: string | null): Promise<Run>;
  /** A sign of life from the running run's process (refused if `owner` differs from the lease). */
  heartbeat(id: string, owner?: string): Promise<Run>;
  /**
   * running → succeeded with every result (and the ledger) in ONE transaction: readers never see
   * a succeeded run without its results. Completing an already succeeded run writes nothing.
   */
  complete(id: string, completion: Completion): Promise<CompletionOutcome>;
  /** queued or running → failed, with the problem details. */
  fail(id: string, error: RunError, opts?: { timings?: Record<string, number> }): Promise<Run>;
  /** queued or running → cancelled. */
  cancel(id: string, note?: string): Promise<Run>;
  /**
   * running → queued, its start, lease and progress cleared: the process running it is gone
   * (a queue worker killed mid-run) and the run is handed to another. Throws CONFLICT when the
   * run is not running.
   */
  requeue(id: string): Promise<Run>;
  /**
   * queued/running → interrupted (call at server start: no run stays "running" after a crash).
   * With `staleBeforeMs`, only runs whose last heartbeat (or update) is older than that
   * instant: how a multi-process deployment tells dead runs from live ones.
   * Returns the ids marked.
   */
  markInterrupted(opts?: { note?: string; staleBeforeMs?: number }): Promise<string[]>;
}

/** A run's result documents and files. */
export interface ResultRepository {
  list(runId: string): Promise<StoredResult[]>;
  /** Content (hash checked), or undefined. */
  get(runId: string, name: string): Promise<ResultContent | undefined>;
  /** A JSON result parsed, or undefined. */
  getJson<T = unknown>(runId: string, name: string): Promise<T | undefined>;
  /** The stored bytes and their encoding, for passing Brotli through to HTTP clients. */
  getEncoded(runId: string, name: string): Promise<EncodedResult | undefined>;
}

/** Stored ledgers: columnar, compressed, read by page. */
export interface LedgerRepository {
  info(runId: string): Promise<LedgerInfo | undefined>;
  /** A page of rows. Throws NOT_FOUND (no ledger) or QUERY_INVALID. */
  read(runId: string, query?: LedgerQuery): Promise<LedgerPage>;
  /**
   * The whole ledger as the simulator returned it (bit-exact), or only the `sites` named (in
   * ledger order; a chart of one site decodes one site). Throws NOT_FOUND, or QUERY_INVALID
   * for an unknown site.
   */
  load(runId: string, opts?: { sites?: string[] }): Promise<Ledger>;
}

/** API tokens: hashed at rest, checked in constant time. */
export interface TokenRepository {
  /** A new token; its secret is returned this once. */
  create(role: Role, name?: string | null): Promise<CreatedToken>;
  /** The token's id and role, or null for an unknown, malformed or revoked secret. */
  verify(secret: string): Promise<{ id: string; role: Role; name: string | null } | null>;
  list(opts?: { includeRevoked?: boolean }): Promise<TokenInfo[]>;
  get(id: string): Promise<TokenInfo | undefined>;
  /** Revokes a token (idempotent). Throws NOT_FOUND. */
  revoke(id: string): Promise<TokenInfo>;
}

/** An open store. */
export interface Store {
  readonly dialect: DialectName;
  /** The database location with any password hidden. */
  readonly location: string;
  /** What the migration pass at open did. */
  readonly migrations: MigrationReport;
  readonly scenarios: ScenarioRepository;
  readonly runs: RunRepository;
  readonly results: ResultRepository;
  readonly ledgers: LedgerRepository;
  readonly tokens: TokenRepository;
  /** The Kysely handle, for features that add their own tables by migrations. */
  readonly db: Db;
  /** Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE). Never use `db` inside `fn`. */
  transaction<T>(fn: (trx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
