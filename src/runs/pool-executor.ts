/**
 * The embedded run executor: a bounded pool of worker threads (tinypool) in the server's
 * process, with a bounded FIFO queue in front. Each worker executes one run at a time with its
 * own store connection (executeRun), so the server's event loop only routes requests and
 * relays progress. A queued run is cancelled by leaving the queue; a running one by a message
 * to its worker (it stops at the next checkpoint of the use case), and if it has not stopped
 * after a grace period, its worker thread is terminated. A run whose worker dies is recorded
 * as failed. The pool also validates uploaded bundles, in a separate thread so uploads do not
 * wait behind long runs.
 *
 * Not the generic ThreadWorkPool (src/workers/pool.ts): that pool maps pure jobs to results on
 * threads that share one scenario, while a run here needs its own message port (progress, a cancel
 * with a grace period), a bounded queue with reservations, and its end recorded in the store when
 * its thread dies.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import Tinypool from 'tinypool';
import { isStoreError, type ScenarioBundle, type Store } from '../store/index.ts';
import { workerModuleUrl } from '../workers/spawn-ts-worker.ts';
import type { RunEnd } from './execute-run.ts';
import { INTERNAL_CODE } from './problem.ts';
import { QueueFullError, type ExecutorStats, type QueueSlot, type RunEvent, type RunExecutor } from './executor.ts';
import { QueueSlots } from './queue-slots.ts';
import type { FromWorker, RunTask, ToWorker, ValidateResult, ValidateTask } from './run-worker.ts';

/** Options of the in-process executor. */
export interface PoolExecutorOptions {
  /** The store the server uses (failures of dead workers are recorded through it). */
  store: Store;
  /** The same database's location, which each worker thread opens (a file or postgres:// URL). */
  location: string;
  /** Runs executed at once (default: the number of cores). */
  size: number;
  /** Runs that may wait (default 100). */
  maxQueue?: number;
  /** How long a cancelled run may take to stop before its worker is terminated, ms (default 15,000). */
  cancelGraceMs?: number;
  /** Least time between progress writes of a run, ms (default 1,000). */
  progressIntervalMs?: number;
  /** Where internal errors of runs are logged. */
  logError?: (message: string, detail: string) => void;
}

/** Checks uploaded scenario bundles off the request thread. */
export interface ScenarioValidator {
  validate(bundle: ScenarioBundle): Promise<ValidateResult>;
  close(): Promise<void>;
}

const WORKER = workerModuleUrl(new URL('./run-worker.ts', import.meta.url));

/** A run executing in a worker. */
interface Running {
  port: MessagePort;
  hardStop: AbortController;
  cancelled: boolean;
}

/** Database locations a worker thread cannot share with the main thread. */
function checkShareable(location: string): void {
  if (/^sqlite::memory:$|^:memory:$/.test(location.trim())) {
    throw new RangeError('the in-process executor needs a database file or a postgres:// URL that its worker threads can open; an in-memory SQLite database cannot be shared');
  }
}

/** The in-process, worker-thread run executor. */
export class PoolExecutor implements RunExecutor {
  private readonly pool: Tinypool;
  private readonly events = new EventEmitter();
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Running>();
  private readonly slots = new QueueSlots();
  private closing = false;
  private readonly idle = new Set<() => void>();
  private readonly maxQueue: number;
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(private readonly o: PoolExecutorOptions) {
    checkShareable(o.location);
    if (!Number.isInteger(o.size) || o.size < 1) throw new RangeError(`executor size must be a positive whole number, got ${o.size}`);
    this.maxQueue = o.maxQueue ?? 100;
    this.events.setMaxListeners(0);
    // Threads are kept between runs (warm modules, an open store connection) and end when idle for a minute.
    this.pool = new Tinypool({ filename: WORKER, minThreads: 0, maxThreads: o.size, idleTimeout: 60_000, isolateWorkers: false });
  }

  reserve(): QueueSlot {
    return this.slots.reserve(
      this.closing,
      (reserved) => {
        const free = this.o.size - this.running.size;
        if (this.queue.length + reserved < this.maxQueue + Math.max(0, free)) return undefined;
        return new QueueFullError(`the run queue is full (${this.running.size} running, ${this.queue.length} waiting, at most ${this.maxQueue}); retry later`, this.retryAfter());
      },
      (runId) => {
        this.queue.push(runId);
        this.emit({ type: 'status', runId, status: 'queued', atMs: Date.now() });
        this.pump();
      },
    );
  }

  /** Seconds a client should wait: a rough share of a run per queued run. */
  private retryAfter(): number {
    return Math.min(300, 5 + Math.ceil((this.queue.length / this.o.size) * 10));
  }

  cancel(runId: string): boolean {
    const i = this.queue.indexOf(runId);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.emit({ type: 'status', runId, status: 'cancelled', atMs: Date.now() });
      return true;
    }
    const r = this.running.get(runId);
    if (!r) return false;
    if (!r.cancelled) {
      r.cancelled = true;
      r.port.postMessage({ type: 'abort', shutdown: false } satisfies ToWorker);
      setTimeout(() => r.hardStop.abort(), this.o.cancelGraceMs ?? 15_000).unref();
    }
    return true;
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.events.on(runId, listener);
    return () => this.events.off(runId, listener);
  }

  stats(): ExecutorStats {
    return { running: this.running.size, queued: this.queue.length, size: this.o.size, maxQueue: this.maxQueue };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    for (const r of this.running.values()) r.port.postMessage({ type: 'abort', shutdown: true } satisfies ToWorker);
    if (this.running.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.cancelGraceMs ?? 15_000);
        timer.unref();
        this.idle.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await this.pool.destroy();
  }

  private emit(e: RunEvent): void {
    this.events.emit(e.runId, e);
    this.events.emit('*', e);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.o.size && this.queue.length > 0) this.start(this.queue.shift() as string);
  }

  private start(runId: string): void {
    const { port1, port2 } = new MessageChannel();
    const hardStop = new AbortController();
    const entry: Running = { port: port1, hardStop, cancelled: false };
    this.running.set(runId, entry);
    port1.on('message', (m: FromWorker) => {
      if (m.type === 'started') this.emit({ type: 'status', runId, status: 'running', atMs: Date.now() });
      else if (m.type === 'progress') this.emit({ type: 'progress', runId, fraction: m.fraction, phase: m.phase, atMs: Date.now() });
      else this.o.logError?.(m.message, m.error);
    });
    const task: RunTask = { kind: 'run', runId, location: this.o.location, owner: `${this.owner}:${runId}`, port: port2, progressIntervalMs: this.o.progressIntervalMs };
    (this.pool.run(task, { transferList: [port2], signal: hardStop.signal }) as Promise<RunEnd>)
      .then((end) => this.finish(runId, end))
      .catch(async (e: unknown) => this.finish(runId, await this.afterWorkerLoss(runId, entry, e)))
      .catch((e: unknown) => this.o.logError?.(`run ${runId}: could not record its end`, e instanceof Error ? (e.stack ?? e.message) : String(e)));
  }

  /** A worker that died or was terminated: records what became of its run. */
  private async afterWorkerLoss(runId: string, entry: Running, e: unknown): Promise<RunEnd> {
    const { store } = this.o;
    const now = await store.runs.get(runId);
    if (!now || now.status !== 'running') return { status: now?.status ?? 'failed', error: now?.error ?? null };
    if (this.closing) return { status: 'running', error: null };
    if (entry.cancelled) {
      const r = await store.runs.cancel(runId, 'cancelled; its worker was stopped after the grace period').catch(() => store.runs.get(runId));
      return { status: r?.status ?? 'cancelled', error: r?.error ?? null };
    }
    this.o.logError?.(`run ${runId}: its worker thread ended`, e instanceof Error ? (e.stack ?? e.message) : String(e));
    const error = { code: INTERNAL_CODE, message: 'the worker executing this run stopped unexpectedly (for example out of memory); the server logged it' };
    try {
      await store.runs.fail(runId, error);
    } catch (failError) {
      if (!isStoreError(failError, 'CONFLICT')) throw failError;
    }
    return { status: 'failed', error };
  }

  private finish(runId: string, end: RunEnd): void {
    const entry = this.running.get(runId);
    this.running.delete(runId);
    entry?.port.close();
    if (end.status !== 'running') this.emit({ type: 'status', runId, status: end.status, error: end.error ?? null, atMs: Date.now() });
    if (this.running.size === 0) for (const f of this.idle) f();
    this.pump();
  }
}

/** Validates bundles in a worker thread of their own. */
export class PoolValidator implements ScenarioValidator {
  private readonly pool = new Tinypool({ filename: WORKER, minThreads: 0, maxThreads: 1, idleTimeout: 60_000, maxQueue: 64 });

  async validate(bundle: ScenarioBundle): Promise<ValidateResult> {
    if (this.pool.queueSize >= 64) throw new QueueFullError('too many scenario uploads are being checked; retry shortly', 5);
    const task: ValidateTask = { kind: 'validate', bundle };
    return (await this.pool.run(task)) as ValidateResult;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
