/**
 * Use case `worker`: a queue worker process's life. Opens the store, connects to Redis, takes
 * jobs until `signal` aborts (Ctrl-C), then finishes the jobs it holds and stops. Every kind
 * of job wattshift sends (sweep points, finance valuations, packs of a decomposed plan's site
 * subproblems, runs of `serve --queue`) has its handler here.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../errors/index.ts';
import { openStore } from '../store/open.ts';
import { JobResults } from './job-results.ts';
import { parseRedisUrl, type RedisLocation } from './redis-url.ts';
import { SUBPROBLEM_JOB, subproblemHandler } from './subproblem-jobs.ts';
import { RUN_JOB, runJobHandler } from './run-jobs.ts';
import { SWEEP_POINT_JOB, sweepPointHandler } from './sweep-jobs.ts';
import { VALUATION_JOB, valuationHandler } from './valuation-jobs.ts';
import { startQueueWorker, type WorkerEvent } from './worker.ts';

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** `redis://HOST:PORT`. */
  queue: string;
  /** The store the submitters use (a SQLite file on one machine, postgres:// across machines). */
  db: string;
  /** Jobs at once, each in its own thread (default: available cores). */
  concurrency?: number | string;
  queueName?: string;
  /** Lock duration, ms: how soon a job of a killed worker goes to another (default 30,000). */
  lockMs?: number | string;
  /** Stops the worker (after the jobs it holds). */
  signal?: AbortSignal;
  onEvent?: (e: WorkerEvent) => void;
  /** Internal errors of server runs executed here, with their stack. */
  logError?: (message: string, detail: string) => void;
  /** Called once the worker takes jobs. */
  onReady?: (info: { id: string; redis: RedisLocation; concurrency: number; store: string }) => void;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  id: string;
  completed: number;
  failed: number;
}

function wholeNumber(v: number | string | undefined, option: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError('OPTION_INVALID', `${option} must be a whole number from ${min} to ${max}, found "${String(v)}"`, { path: option });
  return n;
}

/** Runs a queue worker until `signal` aborts. */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerSummary> {
  const redis = parseRedisUrl(opts.queue);
  const concurrency = wholeNumber(opts.concurrency, '--concurrency', 1, 256) ?? availableParallelism();
  const lockMs = wholeNumber(opts.lockMs, '--lock-ms', 1_000, 3_600_000);
  if (opts.signal?.aborted) return { id: '-', completed: 0, failed: 0 };
  const store = await openStore(opts.db);
  const sweep = sweepPointHandler(store, concurrency);
  const valuation = valuationHandler(store, concurrency);
  const subproblems = subproblemHandler(store, concurrency);
  const runs = runJobHandler({ store, location: opts.db, threads: concurrency, ...(opts.logError ? { logError: opts.logError } : {}) });
  const counts = { completed: 0, failed: 0 };
  try {
    const worker = await startQueueWorker({
      redis,
      results: new JobResults(store),
      handlers: { [SWEEP_POINT_JOB]: sweep.handler, [VALUATION_JOB]: valuation.handler, [SUBPROBLEM_JOB]: subproblems.handler, [RUN_JOB]: runs.handler },
      concurrency,
      ...(opts.queueName ? { queueName: opts.queueName } : {}),
      ...(lockMs ? { lockMs } : {}),
      onEvent: (e) => {
        if (e.type === 'completed') counts.completed++;
        if (e.type === 'failed') counts.failed++;
        opts.onEvent?.(e);
      },
    });
    opts.onReady?.({ id: worker.id, redis, concurrency, store: store.location });
    await new Promise<void>((resolve) => {
      if (!opts.signal) return; // runs until the process ends
      if (opts.signal.aborted) resolve();
      opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await worker.close();
    return { id: worker.id, ...counts };
  } finally {
    await sweep.close();
    await valuation.close();
    await subproblems.close();
    await runs.close();
    await store.close();
  }
}
