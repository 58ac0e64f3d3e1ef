/**
 * The values the store hands out and takes in. Times are UTC epoch milliseconds (`…AtMs`),
 * sizes are bytes, ids are ULIDs (26 characters, sortable by creation time) except scenario
 * ids, which are the bundle's SHA-256 (64 hex characters).
 */
import type { Ledger } from '../simulate/ledger.ts';
import type { TimeGrid } from '../time/grid.ts';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Where a run is in its life. Terminal: succeeded, failed, interrupted, cancelled. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

/** Every run status. */
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled'];

/** Statuses a run never leaves. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'interrupted', 'cancelled'];

/** Why a run failed: the fields of the problem details the API returns. */
export interface RunError {
  /** Stable code, e.g. SCENARIO_INVALID, PLAN_INFEASIBLE, INTERNAL, RUN_INTERRUPTED. */
  code: string;
  message: string;
  /** Where in the input (file, line, column, JSON path), for input errors. */
  location?: { file?: string; line?: number; column?: number; path?: string };
  details?: string[];
}

/** One run of a command on a stored scenario. */
export interface Run {
  id: string;
  scenarioId: string;
  /** The use case: simulate, plan, planEvent, compare, flex, dr, finance, sweep, … */
  command: string;
  options: JsonObject;
  status: RunStatus;
  /** 0–1. */
  progress: number;
  phase: string | null;
  error: RunError | null;
  softwareVersion: string;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  /** Last change of any field. */
  updatedAtMs: number;
  /** Milliseconds per phase (load, plan, simulate, report, …), set when the run ends. */
  timings: Record<string, number> | null;
  /** Id of the API token that asked for the run (null from the command line). */
  createdBy: string | null;
  /** The run this one repeats. */
  rerunOf: string | null;
  /** Last sign of life from the process running it (start, progress, heartbeat). */
  heartbeatAtMs: number | null;
  /** Which process runs it (e.g. `host:pid` or a queue worker id). */
  leaseOwner: string | null;
  /** A remark such as why the run was interrupted. */
  note: string | null;
}

/** What is needed to create a run (it starts queued). */
export interface NewRun {
  scenarioId: string;
  command: string;
  options?: JsonObject;
  softwareVersion: string;
  createdBy?: string | null;
  rerunOf?: string | null;
}

/** Filters and paging of `runs.list` (newest first). */
export interface RunQuery {
  status?: RunStatus | RunStatus[];
  scenarioId?: string;
  command?: string;
  createdBy?: string;
  /** Page size: default 50, at most 500. */
  limit?: number;
  /** The `next` cursor of the previous page. */
  cursor?: string;
}

/** A page of runs. */
export interface RunPage {
  runs: Run[];
  /** Cursor of the next (older) page, or null at the end. */
  next: string | null;
}

/** summary: the summary.json document; document: other JSON; artefact: any other file. */
export type ResultKind = 'summary' | 'document' | 'artefact';

/** A file a run produced, as handed to `runs.complete`. */
export interface ResultInput {
  /** Relative path such as `summary.json`, `bills.json`, `report.html` (forward slashes). */
  name: string;
  /** e.g. application/json, text/csv, text/html. */
  mediaType: string;
  /** Text is stored as UTF-8; text in pieces (as report writers stream it) is joined first. */
  content: string | Uint8Array | Iterable<string> | AsyncIterable<string>;
  /** Default: summary for summary.json, document for JSON media types, artefact otherwise. */
  kind?: ResultKind;
}

/** A stored result (without its bytes). */
export interface StoredResult {
  runId: string;
  name: string;
  kind: ResultKind;
  mediaType: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  sizeBytes: number;
}

/** A stored result with its content. */
export interface ResultContent extends StoredResult {
  content: Buffer;
}

/** A stored result's bytes as kept (for serving `Content-Encoding: br` without re-encoding). */
export interface EncodedResult extends StoredResult {
  /** 'identity' or 'br'. */
  encoding: 'identity' | 'br';
  data: Buffer;
}

/** Everything a finished run wrote, committed together with the status change. */
export interface Completion {
  results: ResultInput[];
  /**
   * The simulator's ledger and each site's IANA time zone (same order as `ledger.sites`);
   * `chunkSteps` (default 744, 31 days of hours) sets the steps per stored chunk.
   */
  ledger?: { ledger: Ledger; siteTimeZones: string[]; chunkSteps?: number };
  timings?: Record<string, number>;
  note?: string;
}

/** What `runs.complete` did. */
export interface CompletionOutcome {
  run: Run;
  /** False when the run had already succeeded (a repeated completion writes nothing). */
  written: boolean;
}

/** A file of a scenario bundle. */
export interface BundleFile {
  /** Relative path inside the bundle, forward slashes, no `..`. */
  path: string;
  content: Uint8Array;
}

/** A scenario and the series files it names, as one unit. */
export interface ScenarioBundle {
  /** Path of the scenario file (YAML or JSON) among `files`. */
  entry: string;
  files: BundleFile[];
}

/** A stored scenario bundle (without file contents). */
export interface ScenarioInfo {
  /** SHA-256 of the bundle's canonical listing (see bundle.ts). */
  id: string;
  name: string;
  entry: string;
  sizeBytes: number;
  createdAtMs: number;
  createdBy: string | null;
  files: Array<{ path: string; sha256: string; sizeBytes: number }>;
}

/** A page of scenarios, newest first. */
export interface ScenarioPage {
  scenarios: Array<Omit<ScenarioInfo, 'files'> & { fileCount: number }>;
  next: string | null;
}

/** A bundle written to a temporary folder. */
export interface MaterialisedBundle {
  dir: string;
  /** Absolute path of the scenario file inside `dir`. */
  entryPath: string;
  /** Removes the folder. */
  cleanup(): Promise<void>;
}

/** A stored ledger's shape. */
export interface LedgerInfo {
  runId: string;
  policy: string;
  grid: TimeGrid;
  /** Steps per stored chunk of a column. */
  chunkSteps: number;
  sites: Array<{ index: number; id: string; timeZone: string; workloads: Array<{ workload: number; id: string; type: 'inference' | 'training' | 'batch' }> }>;
  /** Site columns (every site has them), e.g. gridImportKW. */
  siteColumns: string[];
  /** Workload columns, `workload:<id>:<field>` (0 at sites the workload does not use). */
  workloadColumns: string[];
}

/** A paged read of a ledger. Rows are ordered by site (ledger order), then step. */
export interface LedgerQuery {
  /** Site ids; default all. */
  sites?: string[];
  /** Steps starting at or after this instant (UTC ms); default the grid's start. */
  fromMs?: number;
  /** Steps starting before this instant (UTC ms); default the grid's end. */
  toMs?: number;
  /** Column names; default every site column. */
  columns?: string[];
  /** Rows per page: default 1,000, at most 100,000. */
  limit?: number;
  /** The `next` cursor of the previous page (with the same query). */
  cursor?: string;
}

/** One row of a ledger page. */
export interface LedgerRow {
  site: string;
  step: number;
  /** Start of the step, UTC ms. */
  timeMs: number;
  /** Start of the step in the site's zone, ISO 8601 with offset. */
  localTime: string;
  /** One value per requested column, in order (NaN only if the simulator wrote NaN). */
  values: number[];
}

/** A page of ledger rows. */
export interface LedgerPage {
  columns: string[];
  rows: LedgerRow[];
  next: string | null;
}

/** Roles of API tokens, weakest first: viewer reads, operator runs and cancels, admin manages. */
export type Role = 'viewer' | 'operator' | 'admin';

/** Every role, weakest first. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** A token as listed (never with its secret). */
export interface TokenInfo {
  id: string;
  name: string | null;
  role: Role;
  createdAtMs: number;
  lastUsedAtMs: number | null;
  revokedAtMs: number | null;
}

/** A new token: the secret is shown this once and never stored. */
export interface CreatedToken extends TokenInfo {
  secret: string;
}
