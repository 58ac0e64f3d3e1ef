/**
 * Starting and stopping a whole server: the store, the run executor (worker threads, or the one
 * the caller passes in, e.g. the work queue's), the validator and the HTTP server; what
 * `wattshift serve` does. At start, runs a previous process left queued or running are marked
 * interrupted (or, with a shared database, only those whose heartbeat is stale). Stopping lets
 * requests finish, aborts running runs and records them as interrupted. An executor whose runs
 * execute elsewhere (queue workers) is left its runs at start and stop.
 */
import { availableParallelism } from 'node:os';
import type { FastifyServerOptions } from 'fastify';
import type { RunExecutor } from '../runs/executor.ts';
import { PoolExecutor, PoolValidator } from '../runs/pool-executor.ts';
import { createVtn, openadrVtn, VTN_PREFIX, type Vtn, type VtnOptions } from '../openadr/vtn/index.ts';
import { openStore, type Store } from '../store/index.ts';
import type { App } from './context.ts';
import type { ServerOptions } from './options.ts';
import { buildServer } from './server.ts';

/** Settings of a started server. */
export interface StartOptions extends Partial<ServerOptions> {
  /** Database: a SQLite file or a postgres:// URL. */
  db: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Runs executed at once (default: the number of cores). */
  workers?: number;
  /** Runs that may wait (default 100). */
  maxQueue?: number;
  /**
   * Other processes execute runs on the same database: do not interrupt every unfinished run at
   * start; instead, every 30 s, interrupt runs whose heartbeat is older than a minute.
   */
  sharedDatabase?: boolean;
  logger?: FastifyServerOptions['logger'];
  /**
   * Makes the run executor instead of the in-process thread pool (`serve --queue`: runs on queue
   * workers). `workers` is then unused.
   */
  executor?: (deps: { store: Store; logError: (message: string, detail: string) => void }) => Promise<RunExecutor>;
  /** Serve the OpenADR 3.1 VTN at /openadr3/3.1.0 on the same port and database (default true; docs/openadr.md). */
  vtn?: boolean;
  /** Settings of that VTN (callback allow-list, MQTT notifier, token issuers); the store is the server's. */
  vtnOptions?: Omit<VtnOptions, 'store'>;
}

/** A running server. */
export interface StartedServer {
  app: App;
  store: Store;
  /** The URL it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Runs found unfinished at start and marked interrupted. */
  interrupted: string[];
  /** The VTN served at /openadr3/3.1.0 (null with `vtn: false`). */
  vtn: Vtn | null;
  /** Stops taking requests and runs, records running runs as interrupted, closes the database. */
  stop(): Promise<void>;
}

/** How long a run's heartbeat may be silent before another process declares it dead (shared databases). */
const LEASE_MS = 60_000;

/** Opens everything and listens. */
export async function startServer(o: StartOptions): Promise<StartedServer> {
  const store = await openStore(o.db);
  let executor: RunExecutor | undefined;
  let validator: PoolValidator | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let vtn: Vtn | null = null;
  try {
    const app0: { app?: App } = {};
    const logError = (message: string, detail: string): void => void app0.app?.log.error({ detail }, message);
    executor = o.executor
      ? await o.executor({ store, logError })
      : new PoolExecutor({
          store,
          location: o.db,
          size: o.workers ?? availableParallelism(),
          ...(o.maxQueue !== undefined ? { maxQueue: o.maxQueue } : {}),
          logError,
        });
    // runs executed elsewhere go on without this server: nothing of theirs is interrupted here
    const elsewhere = executor.executesElsewhere === true;
    const interrupted = elsewhere
      ? []
      : o.sharedDatabase
      ? await store.runs.markInterrupted({ staleBeforeMs: Date.now() - LEASE_MS, note: 'no sign of life from the process running it for a minute' })
      : await store.runs.markInterrupted({ note: 'the server stopped before the run finished' });
    if (o.sharedDatabase && !elsewhere) {
      sweep = setInterval(() => void store.runs.markInterrupted({ staleBeforeMs: Date.now() - LEASE_MS, note: 'no sign of life from the process running it for a minute' }).catch(() => undefined), LEASE_MS / 2);
      sweep.unref();
    }
    validator = new PoolValidator();
    const { db: _db, host, port, workers: _w, maxQueue: _q, sharedDatabase: _s, vtn: withVtn, vtnOptions, executor: _e, ...serverOptions } = o;
    const app = await buildServer({ store, executor, validator }, serverOptions);
    app0.app = app;
    // the VTN is its own plugin (its own OAuth2 tokens, scopes and problem answers) over the same store
    if (withVtn !== false) {
      const v = await createVtn({ ...vtnOptions, store });
      vtn = v;
      app.addHook('onClose', async () => v.close());
      await app.register(openadrVtn, { prefix: VTN_PREFIX, vtn: v });
    }
    await app.listen({ host, port });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const ex = executor, va = validator;
    let stopping: Promise<void> | undefined;
    return {
      app,
      store,
      url: `http://${shownHost}:${actualPort}`,
      interrupted,
      vtn,
      stop: () =>
        (stopping ??= (async () => {
          if (sweep) clearInterval(sweep);
          await app.close();
          await ex.close();
          await va.close();
          if (!o.sharedDatabase && !elsewhere) await store.runs.markInterrupted({ note: 'the server stopped before the run finished' });
          await store.close();
        })()),
    };
  } catch (e) {
    if (sweep) clearInterval(sweep);
    await vtn?.close().catch(() => undefined);
    await executor?.close().catch(() => undefined);
    await validator?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
