/**
 * A run of `wattshift serve --queue` as a queue job. The server stores the run (queued) and
 * adds a job `run-<run id>` carrying only the run's id; a `wattshift worker` executes it with
 * executeRun in one of its threads (the same body as the server's own thread pool), so the
 * scenario comes from the store by its bundle and the results go to the store in the run's one
 * completion transaction. The store is the record; Redis only carries the work and its events:
 *
 * - progress: the worker reports `started` and each progress step as the job's progress, which
 *   the server hears through QueueEvents and relays to its event streams;
 * - a worker killed mid-run: BullMQ sees the job's lock expire and gives it to another worker,
 *   which finds the run `running` under a lease that is not its own, puts it back to `queued`
 *   and executes it afresh (a second completion of a run writes nothing, so results appear once);
 * - a cancel: the API records it in the store; the worker notices at the run's next progress or
 *   heartbeat write, or at its own check of the store every second, and stops the run at its
 *   next checkpoint; a run that has not stopped after a grace period has its thread terminated;
 * - an error of the run itself (bad input, an infeasible plan) is stored by executeRun and is
 *   not retried: the same run fails the same way everywhere. What is retried is the loss of the
 *   thread or of the store; on the last try the run is recorded failed with that error.
 */
import { hostname } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import type { RunEnd } from '../runs/execute-run.ts';
import type { FromWorker, RunTask, ToWorker } from '../runs/run-worker.ts';
import { INTERNAL_CODE } from '../runs/problem.ts';
import { isStoreError, TERMINAL_STATUSES, type Store } from '../store/index.ts';
import type { Json } from '../store/types.ts';
import { workerModuleUrl } from '../workers/spawn-ts-worker.ts';
import type { JobHandler } from './worker.ts';

/** Name of a run's queue job. */
export const RUN_JOB = 'serve-run';
/** Batch under which run jobs' outcomes are stored (queue_results). */
export const RUN_BATCH = 'runs';
const PREFIX = 'run-';

/** The queue job id of a run: one job per run, so adding it twice adds it once. */
export function runJobId(runId: string): string {
  return `${PREFIX}${runId}`;
}

/** The run id of a run job's id, or undefined for another kind of job. */
export function runIdOfJob(jobId: string | undefined): string | undefined {
  return jobId?.startsWith(PREFIX) ? jobId.slice(PREFIX.length) : undefined;
}

/** What a run job carries. */
export interface RunJobInput {
  runId: string;
  /** Least time between progress writes to the store, ms. */
  progressIntervalMs?: number;
}

/** What the worker reports as the job's progress. */
export type RunJobProgress = { type: 'started' } | { type: 'progress'; fraction: number; phase: string | null };

/** What the worker stores as the job's outcome: how the run ended. */
export interface RunJobResult {
  runId: string;
  status: string;
  code: string | null;
}

/** Options of {@link runJobHandler}. */
export interface RunJobHandlerOptions {
  /** The worker's store (runs, bundles, results). */
  store: Store;
  /** The same database's location, which each thread opens. */
  location: string;
  /** Runs executed at once (threads). */
  threads: number;
  /** How often the store is checked for a cancel, ms (default 1,000). */
  cancelCheckMs?: number;
  /** How long a cancelled run may take to stop before its thread is terminated, ms (default 15,000). */
  cancelGraceMs?: number;
  /** Internal errors of runs, with their stack. */
  logError?: (message: string, detail: string) => void;
}

const WORKER = workerModuleUrl(new URL('../runs/run-worker.ts', import.meta.url));
const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);

/** The worker side: a handler for run jobs, with its threads. */
export function runJobHandler(o: RunJobHandlerOptions): { handler: JobHandler; close(): Promise<void> } {
  // threads start with the first run and end when idle for a minute
  let pool: Tinypool | undefined;
  const threads = () => (pool ??= new Tinypool({ filename: WORKER, minThreads: 0, maxThreads: Math.max(1, o.threads), idleTimeout: 60_000, isolateWorkers: false }));
  const { store } = o;

  const handler: JobHandler = async (raw, ctx) => {
    const { runId, progressIntervalMs } = raw as RunJobInput;
    const result = (end: RunEnd): Json => ({ runId, status: end.status, code: end.error?.code ?? null }) satisfies RunJobResult;
    const run = await store.runs.get(runId);
    if (!run) throw new Error(`run ${runId} is not in this worker's store (${store.location}); start the worker with the server's --db`);
    if (isTerminal(run.status)) return result(run);
    const owner = `queue:${hostname()}:${process.pid}:${ctx.jobId}#${ctx.attempt}`;
    if (run.status === 'running') {
      // an earlier try died mid-run (BullMQ gave the job to this worker): start the run afresh
      try {
        await store.runs.requeue(runId);
      } catch (e) {
        if (!isStoreError(e, 'CONFLICT')) throw e;
      }
    }
    const { port1, port2 } = new MessageChannel();
    const hardStop = new AbortController();
    let cancelled = false;
    port1.on('message', (m: FromWorker) => {
      const report = (p: RunJobProgress): void => void ctx.progress?.(p as unknown as Json).catch(() => undefined);
      if (m.type === 'started') report({ type: 'started' });
      else if (m.type === 'progress') report({ type: 'progress', fraction: m.fraction, phase: m.phase });
      else o.logError?.(m.message, m.error);
    });
    // a cancel through the API is written to the store: stop the run, and its thread if it will not stop
    const watch = setInterval(() => {
      void store.runs.get(runId).then((now) => {
        if (cancelled || !now || now.status !== 'cancelled') return;
        cancelled = true;
        port1.postMessage({ type: 'abort', shutdown: false } satisfies ToWorker);
        setTimeout(() => hardStop.abort(), o.cancelGraceMs ?? 15_000).unref();
      }, () => undefined);
    }, o.cancelCheckMs ?? 1_000);
    watch.unref();
    const task: RunTask = { kind: 'run', runId, location: o.location, owner, port: port2, ...(progressIntervalMs !== undefined ? { progressIntervalMs } : {}) };
    try {
      const end = (await threads().run(task, { transferList: [port2], signal: hardStop.signal })) as RunEnd;
      return result(end);
    } catch (e) {
      const now = await store.runs.get(runId).catch(() => undefined);
      if (now && isTerminal(now.status)) return result(now);
      if (cancelled) {
        const r = await store.runs.cancel(runId, 'cancelled; its thread was stopped after the grace period').catch(() => store.runs.get(runId));
        return result({ status: r?.status ?? 'cancelled', error: r?.error ?? null });
      }
      // the thread died (out of memory, a crash): retried; on the last try the run is failed
      o.logError?.(`run ${runId}: its thread ended (try ${ctx.attempt} of ${ctx.attempts ?? 1})`, e instanceof Error ? (e.stack ?? e.message) : String(e));
      if (ctx.attempt >= (ctx.attempts ?? 1)) {
        await store.runs
          .fail(runId, { code: INTERNAL_CODE, message: `the worker thread executing this run stopped unexpectedly on each of ${ctx.attempt} tries (for example out of memory); the worker logged it` })
          .catch(() => undefined);
      }
      throw e;
    } finally {
      clearInterval(watch);
      port1.close();
    }
  };
  return {
    handler,
    async close() {
      await pool?.destroy();
    },
  };
}
