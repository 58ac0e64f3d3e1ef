/**
 * A server for route tests: a scratch database (SQLite file, or PostgreSQL), the real worker-
 * thread executor and validator, a token of each role, and helpers to call it with
 * `app.inject` and wait for runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PoolExecutor, PoolValidator } from '../../src/runs/pool-executor.ts';
import type { App } from '../../src/server/context.ts';
import { buildServer, type BuildOptions } from '../../src/server/server.ts';
import { openStore, type Role, type Store } from '../../src/store/index.ts';
import { base, PRICE_CSV } from './fuzz-scenarios.ts';

/** A running test server. */
export interface TestServer {
  app: App;
  store: Store;
  executor: PoolExecutor;
  location: string;
  /** A token secret of each role. */
  tokens: Record<Role, string>;
  /** Headers with a role's token. */
  as(role: Role): Record<string, string>;
  /** Waits until a run is no longer queued or running; returns its view. */
  waitFor(runId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions extends BuildOptions {
  /** A database location (default: a new SQLite file). */
  location?: string;
  workers?: number;
  maxQueue?: number;
  cancelGraceMs?: number;
}

/** Starts a server on a scratch database. */
export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-server-test-'));
  const location = o.location ?? join(dir, 'db.sqlite');
  const store = await openStore(location);
  const executor = new PoolExecutor({ store, location, size: o.workers ?? 1, maxQueue: o.maxQueue ?? 100, cancelGraceMs: o.cancelGraceMs ?? 15_000, progressIntervalMs: 100 });
  const validator = new PoolValidator();
  const { location: _l, workers: _w, maxQueue: _m, cancelGraceMs: _c, ...options } = o;
  const app = await buildServer({ store, executor, validator }, options);
  const tokens = {
    viewer: (await store.tokens.create('viewer', 'test viewer')).secret,
    operator: (await store.tokens.create('operator', 'test operator')).secret,
    admin: (await store.tokens.create('admin', 'test admin')).secret,
  };
  const as = (role: Role): Record<string, string> => ({ authorization: `Bearer ${tokens[role]}` });
  return {
    app,
    store,
    executor,
    location,
    tokens,
    as,
    async waitFor(runId, timeoutMs = 120_000) {
      const t0 = Date.now();
      for (;;) {
        const r = await app.inject({ url: `/api/v1/runs/${runId}`, headers: as('viewer') });
        const run = r.json() as Record<string, unknown>;
        if (run.status !== 'queued' && run.status !== 'running') return run;
        if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} still ${String(run.status)} after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async close() {
      await app.close();
      await executor.close();
      await validator.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The small base scenario (48 h, one site) as an upload body, with its price series. */
export function smallScenarioUpload(mutate?: (s: Record<string, unknown>) => void, name = 'small'): Record<string, unknown> {
  const s = base();
  s.name = name;
  mutate?.(s);
  return { scenario: stringify(s), entry: 'small.yaml', files: { 'price.csv': { text: PRICE_CSV } } };
}
