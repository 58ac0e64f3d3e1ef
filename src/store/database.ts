/**
 * The tables as Kysely sees them (snake_case, as stored). Repositories map rows to the camelCase
 * values of store.ts. Times are UTC epoch milliseconds in `*_at_ms` / `*_ms` columns; JSON is
 * stored as text in `*_json` columns so both databases return the exact text written.
 * A later feature adds its tables here and in a new migration.
 */
import type { Kysely } from 'kysely';

/** Which SQL database a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Applied migrations. */
export interface MigrationsTable {
  version: number;
  name: string;
  applied_at_ms: number;
}

/** Content-addressed bytes, shared by scenario files and run results. */
export interface BlobsTable {
  /** SHA-256 of the decoded content, lower-case hex. */
  sha256: string;
  /** Decoded size, bytes. */
  size_bytes: number;
  /** 'identity' or 'br' (Brotli). */
  encoding: string;
  /** Stored size, bytes. */
  stored_bytes: number;
  data: Uint8Array;
}

/** A scenario bundle (its id is the bundle hash). */
export interface ScenariosTable {
  id: string;
  name: string;
  /** Path of the scenario file inside the bundle. */
  entry_path: string;
  /** Sum of the files' sizes, bytes. */
  size_bytes: number;
  file_count: number;
  created_at_ms: number;
  created_by: string | null;
}

/** The files of a scenario bundle. */
export interface ScenarioFilesTable {
  scenario_id: string;
  path: string;
  blob_sha256: string;
  size_bytes: number;
}

/** One run of a command. */
export interface RunsTable {
  id: string;
  scenario_id: string;
  command: string;
  options_json: string;
  status: string;
  progress: number;
  phase: string | null;
  error_json: string | null;
  software_version: string;
  created_at_ms: number;
  started_at_ms: number | null;
  finished_at_ms: number | null;
  updated_at_ms: number;
  timings_json: string | null;
  created_by: string | null;
  rerun_of: string | null;
  heartbeat_at_ms: number | null;
  lease_owner: string | null;
  note: string | null;
}

/** A run's result documents and files. */
export interface ResultsTable {
  run_id: string;
  name: string;
  kind: string;
  media_type: string;
  blob_sha256: string;
  size_bytes: number;
}

/** A run's ledger: its time grid and the parts that are not per-step columns. */
export interface LedgersTable {
  run_id: string;
  policy: string;
  start_ms: number;
  step_minutes: number;
  steps: number;
  time_zone: string;
  /** Steps per stored chunk of a column. */
  chunk_steps: number;
  /** Outcomes, corrections, notes, solver statistics, energy-balance error (JSON). */
  meta_json: string;
}

/** The sites of a stored ledger. */
export interface LedgerSitesTable {
  run_id: string;
  site_index: number;
  site_id: string;
  time_zone: string;
  /** Workloads at the site: [{ workload, id, type }] (JSON). */
  workloads_json: string;
}

/** One chunk of one ledger column of one site (encoded Float64 values). */
export interface LedgerChunksTable {
  run_id: string;
  site_index: number;
  column_name: string;
  chunk: number;
  data: Uint8Array;
}

/** API tokens (only a hash of the secret is kept). */
export interface TokensTable {
  id: string;
  name: string | null;
  role: string;
  secret_sha256: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
  revoked_at_ms: number | null;
}

/** OAuth2 clients of the OpenADR VTN (only a hash of the secret is kept). */
export interface OadrClientsTable {
  id: string;
  role: string;
  name: string | null;
  secret_sha256: string;
  /** Scopes the client may ask for, space-separated. */
  scopes: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

/** Keys the VTN signs its access tokens with (JWK JSON). */
export interface OadrSigningKeysTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at_ms: number;
}

/** Columns every stored OpenADR object has. */
interface OadrObjectColumns {
  id: string;
  created_at_ms: number;
  modified_at_ms: number;
  /** The object as the API returns it (JSON). */
  body_json: string;
}

/** OpenADR programs. */
export interface OadrProgramsTable extends OadrObjectColumns {
  program_name: string;
}

/** OpenADR events. */
export interface OadrEventsTable extends OadrObjectColumns {
  program_id: string;
  event_name: string | null;
  /** Latest instant the event can be in force, UTC ms (null: open-ended). */
  end_at_ms: number | null;
}

/** OpenADR VEN objects. */
export interface OadrVensTable extends OadrObjectColumns {
  ven_name: string;
  client_id: string;
}

/** OpenADR resources of VENs. */
export interface OadrResourcesTable extends OadrObjectColumns {
  ven_id: string;
  resource_name: string;
  client_id: string;
}

/** OpenADR reports. */
export interface OadrReportsTable extends OadrObjectColumns {
  event_id: string;
  program_id: string;
  client_id: string;
  client_name: string;
}

/** OpenADR subscriptions, with their delivery health. */
export interface OadrSubscriptionsTable extends OadrObjectColumns {
  client_id: string;
  /** 'bl' or 'ven': what the subscriber may see. */
  client_role: string;
  client_name: string;
  program_id: string | null;
  /** Object types it listens to: ' EVENT REPORT '. */
  object_types: string;
  status: string;
  failures: number;
  broken_at_ms: number | null;
  last_error: string | null;
}

/** Targets of OpenADR objects, one row per (object, target). */
export interface OadrTargetsTable {
  object_type: string;
  object_id: string;
  target: string;
}

/** Webhook notifications waiting to be delivered (or given up: status dead). */
export interface OadrDeliveriesTable {
  id: string;
  subscription_id: string;
  callback_url: string;
  bearer_token: string | null;
  body_json: string;
  status: string;
  attempts: number;
  next_at_ms: number;
  last_error: string | null;
  created_at_ms: number;
}

/** The result of a job run on the work queue, written once (the first write wins). */
export interface QueueResultsTable {
  /** The queue's job id. */
  job_id: string;
  /** The batch the job belongs to (e.g. one sweep), for reading and removing together. */
  batch: string;
  /** 'succeeded' or 'failed' (failed: every try failed; `error_json` says why). */
  status: string;
  result_json: string | null;
  error_json: string | null;
  /** Tries made when the result was written. */
  attempts: number;
  /** Id of the worker that wrote it. */
  worker: string | null;
  finished_at_ms: number;
}

/** Every table of the store. */
export interface Database {
  wattshift_migrations: MigrationsTable;
  blobs: BlobsTable;
  scenarios: ScenariosTable;
  scenario_files: ScenarioFilesTable;
  runs: RunsTable;
  results: ResultsTable;
  ledgers: LedgersTable;
  ledger_sites: LedgerSitesTable;
  ledger_chunks: LedgerChunksTable;
  tokens: TokensTable;
  oadr_clients: OadrClientsTable;
  oadr_signing_keys: OadrSigningKeysTable;
  oadr_programs: OadrProgramsTable;
  oadr_events: OadrEventsTable;
  oadr_vens: OadrVensTable;
  oadr_resources: OadrResourcesTable;
  oadr_reports: OadrReportsTable;
  oadr_subscriptions: OadrSubscriptionsTable;
  oadr_targets: OadrTargetsTable;
  oadr_deliveries: OadrDeliveriesTable;
  queue_results: QueueResultsTable;
}

/** A Kysely handle on the store's tables: the database or a transaction. */
export type Db = Kysely<Database>;
