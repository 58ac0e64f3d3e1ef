/**
 * What every route file gets: the store, the executor, the validator, the options, and small
 * helpers shared by routes (views of runs and scenarios, immutable result documents cached by
 * their hash, one site's ledger cached for charts).
 */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ScenarioValidator } from '../runs/pool-executor.ts';
import type { RunExecutor } from '../runs/executor.ts';
import type { Ledger } from '../simulate/ledger.ts';
import type { Run, ScenarioInfo, Store, TokenInfo } from '../store/index.ts';
import type { TicketSigner } from './auth.ts';
import { HttpError } from './http-error.ts';
import type { ServerOptions } from './options.ts';

/** The Fastify instance with zod schemas. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Shared by the route files. */
export interface RouteContext {
  store: Store;
  executor: RunExecutor;
  validator: ScenarioValidator;
  options: ServerOptions;
  tickets: TicketSigner;
  /** Result documents by content hash (immutable, so never stale). */
  documents: LruCache<Buffer>;
  /** One site's ledger by `runId|siteId` (a finished run's ledger never changes). */
  siteLedgers: LruCache<Promise<Ledger>>;
  /** Currency of a run with stored results, by run id (results never change once stored). */
  currencies: LruCache<string>;
  /** Scenario ids of the bundled examples, once stored. */
  exampleIds: Map<string, string>;
}

/** API prefix of version 1. */
export const API = '/api/v1';

/** A small least-recently-used map with a budget (entries, or the sum of a size function). */
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; size: number }>();
  private used = 0;
  constructor(
    private readonly budget: number,
    private readonly sizeOf: (v: V) => number = () => 1,
  ) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(value);
    if (size > this.budget) return;
    const old = this.map.get(key);
    if (old) {
      this.used -= old.size;
      this.map.delete(key);
    }
    this.map.set(key, { value, size });
    this.used += size;
    for (const [k, e] of this.map) {
      if (this.used <= this.budget) break;
      this.map.delete(k);
      this.used -= e.size;
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.used -= e.size;
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Links of a run (relative to the server). */
export function runLinks(id: string): Record<string, string> {
  const base = `${API}/runs/${id}`;
  return {
    self: base,
    events: `${base}/events`,
    summary: `${base}/summary`,
    result: `${base}/result`,
    files: `${base}/files`,
    report: `${base}/files/report.html`,
    ledger: `${base}/ledger`,
    bills: `${base}/bills`,
    charts: `${base}/charts/power`,
    cancel: `${base}/cancel`,
    rerun: `${base}/rerun`,
  };
}

/** A run as the API shows it. */
export function runView(r: Run): Record<string, unknown> {
  return {
    id: r.id,
    scenarioId: r.scenarioId,
    command: r.command,
    options: r.options,
    status: r.status,
    progress: r.progress,
    phase: r.phase,
    error: r.error,
    softwareVersion: r.softwareVersion,
    createdAt: iso(r.createdAtMs)!,
    startedAt: iso(r.startedAtMs),
    finishedAt: iso(r.finishedAtMs),
    updatedAt: iso(r.updatedAtMs)!,
    timings: r.timings,
    createdBy: r.createdBy,
    rerunOf: r.rerunOf,
    note: r.note,
    links: runLinks(r.id),
  };
}

/** A scenario as the API shows it. */
export function scenarioView(s: Omit<ScenarioInfo, 'files'> & { files?: ScenarioInfo['files']; fileCount?: number }): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    entry: s.entry,
    sizeBytes: s.sizeBytes,
    createdAt: iso(s.createdAtMs)!,
    createdBy: s.createdBy,
    ...(s.files ? { files: s.files } : {}),
    ...(s.fileCount !== undefined ? { fileCount: s.fileCount } : {}),
    links: { self: `${API}/scenarios/${s.id}`, runs: `${API}/runs?scenarioId=${s.id}` },
  };
}

/** A token as the API shows it (never its secret). */
export function tokenView(t: TokenInfo): Record<string, unknown> {
  return { id: t.id, name: t.name, role: t.role, createdAt: iso(t.createdAtMs)!, lastUsedAt: iso(t.lastUsedAtMs), revokedAt: iso(t.revokedAtMs) };
}

/** The run, or 404. */
export async function getRun(ctx: RouteContext, id: string): Promise<Run> {
  const run = await ctx.store.runs.get(id);
  if (!run) throw new HttpError('NOT_FOUND', `run ${id} does not exist`);
  return run;
}
