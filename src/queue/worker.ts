/**
 * A queue worker: takes jobs from the BullMQ queue in Redis, runs each with the handler named
 * by the job, and writes the outcome to the store under the job's id (first write wins). A job
 * whose outcome is already stored (it ran before, and its worker died before telling Redis) is
 * not run again. An error is retried by BullMQ up to the job's tries; on the last one the error
 * is stored too, so the submitter can report it.
 *
 * Handlers must not block the event loop for long: BullMQ renews a job's lock on a timer, and a
 * lock not renewed within `lockMs` makes the job count as stalled and go to another worker.
 * CPU-heavy handlers run in worker threads (see sweep-point-handler.ts).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { WattshiftError } from '../errors/index.ts';
import type { Json } from '../store/types.ts';
import { DEFAULT_QUEUE, probeRedis, redisOptions } from './connection.ts';
import type { JobError, JobResults } from './job-results.ts';
import type { QueueJobData } from './queue-pool.ts';
import type { RedisLocation } from './redis-url.ts';

/** What a handler knows about the job it runs. */
export interface JobContext {
  jobId: string;
  /** 1 for the first try. */
  attempt: number;
  /** Aborted when the worker is closing. */
  signal: AbortSignal;
  /** Tries the job has in all (the last one is `attempt === attempts`). */
  attempts?: number;
  /** Reports progress to whoever follows the job (BullMQ job progress, seen through QueueEvents). */
  progress?: (data: Json) => Promise<void>;
}

/** Runs one job's input to a JSON result (an error: the try failed). */
export type JobHandler = (input: unknown, ctx: JobContext) => Promise<Json>;

/** What the worker reports as it goes (for a log line). */
export type WorkerEvent =
  | { type: 'completed'; jobId: string; name: string; ms: number; written: boolean }
  | { type: 'skipped'; jobId: string; name: string }
  | { type: 'failed'; jobId: string; name: string; attempt: number; final: boolean; message: string }
  | { type: 'redis-error'; message: string };

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  redis: RedisLocation;
  results: JobResults;
  /** Handlers by job name. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  queueName?: string;
  /**
   * How long a job's lock lasts without renewal, ms (default 30,000): a worker killed mid-job
   * gives its job up after about this long (plus the stalled-job check interval, half of it).
   */
  lockMs?: number;
  /** Times a job may be found stalled (its worker gone) before it fails (default 2). */
  maxStalls?: number;
  onEvent?: (e: WorkerEvent) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** `host:pid:n`, as stored with each outcome it writes. */
  readonly id: string;
  /** Stops taking jobs, waits for the running ones, disconnects. */
  close(): Promise<void>;
}

let workers = 0;

/** An error as stored: its message (with the location an input error has) and its class or code. */
export function jobError(e: unknown): JobError {
  if (e instanceof WattshiftError) return { message: e.format(), name: e.code };
  if (e instanceof Error) return { message: e.message, name: e.name };
  return { message: String(e) };
}

/** Connects to Redis (failing within seconds when nothing answers) and starts taking jobs. */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const id = `${hostname()}:${process.pid}:${++workers}`;
  const closing = new AbortController();
  const emit = opts.onEvent ?? (() => {});
  const lockMs = opts.lockMs ?? 30_000;

  const process_ = async (job: Job<QueueJobData>): Promise<null> => {
    const jobId = job.id!;
    const { batch, input } = job.data;
    const t0 = performance.now();
    if ((await opts.results.get([jobId])).has(jobId)) {
      emit({ type: 'skipped', jobId, name: job.name });
      return null;
    }
    const handler = opts.handlers[job.name];
    if (!handler) throw new UnrecoverableError(`this worker has no handler for jobs named "${job.name}" (it knows ${Object.keys(opts.handlers).join(', ')}); is it an older wattshift?`);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    let result: Json;
    try {
      result = await handler(input, { jobId, attempt, signal: closing.signal, attempts, progress: (data) => job.updateProgress(data as object) });
    } catch (e) {
      const final = attempt >= attempts || e instanceof UnrecoverableError;
      const error = jobError(e);
      emit({ type: 'failed', jobId, name: job.name, attempt, final, message: error.message });
      if (final) await opts.results.record(jobId, batch, { status: 'failed', error }, { attempts: attempt, worker: id });
      throw e;
    }
    const written = await opts.results.record(jobId, batch, { status: 'succeeded', result }, { attempts: attempt, worker: id });
    emit({ type: 'completed', jobId, name: job.name, ms: performance.now() - t0, written });
    return null;
  };

  await probeRedis(opts.redis);
  const worker = new Worker<QueueJobData, null>(opts.queueName ?? DEFAULT_QUEUE, process_, {
    connection: redisOptions(opts.redis),
    concurrency: Math.max(1, opts.concurrency ?? 1),
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.round(lockMs / 2)),
    maxStalledCount: opts.maxStalls ?? 2,
    autorun: false,
  });
  worker.on('error', (e) => emit({ type: 'redis-error', message: e.message }));
  await worker.waitUntilReady();
  void worker.run().catch((e: unknown) => emit({ type: 'redis-error', message: (e as Error).message }));
  return {
    id,
    async close() {
      closing.abort();
      await worker.close();
    },
  };
}
