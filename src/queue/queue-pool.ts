/**
 * A {@link WorkPool} whose jobs run on a BullMQ queue in Redis, on `wattshift worker` processes
 * on any machine that reaches Redis and the store. Each job gets a fixed id (`<batch>-<n>`, or
 * `<batch>-<key>` when the submitter names its jobs);
 * a worker writes the job's outcome to the store under that id (first write wins), and this
 * pool reads results from the store, never from Redis. So:
 *
 * - a worker killed mid-job: BullMQ sees its lock expire and gives the job to another worker;
 *   a second run writes nothing if the first had written;
 * - a job that fails every one of its tries: the last error is stored and the job's promise
 *   rejects with a {@link JobFailedError};
 * - Redis restarted and the queue lost (no persistence): jobs Redis no longer knows and the
 *   store has no result for are added again (safe: writes are idempotent);
 * - cancel: waiting jobs are removed from Redis; a job already running finishes on its worker
 *   and its result is ignored.
 *
 * Completion events from Redis (QueueEvents) only wake the pool up; a periodic check of the
 * store (and, when nothing has finished for a while, of Redis) settles anything an event missed.
 */
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { CancelledError } from '../errors/index.ts';
import { newId } from '../store/ids.ts';
import type { PoolProgress, WorkPool } from '../workers/pool.ts';
import { DEFAULT_QUEUE, probeRedis, redisOptions } from './connection.ts';
import type { JobOutcome, JobResults } from './job-results.ts';
import type { RedisLocation } from './redis-url.ts';

/** Tries of a job before it counts as failed (poisoned), by default. */
export const DEFAULT_ATTEMPTS = 3;

/** What a queue job carries: the batch it belongs to and its input. */
export interface QueueJobData<J = unknown> {
  batch: string;
  input: J;
}

/** A job that failed every try; `reason` is the last error, as stored. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
  constructor(
    readonly jobId: string,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`queue job ${jobId} failed after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${reason}`);
  }
}

/** Options of {@link QueueWorkPool.open}. */
export interface QueueWorkPoolOptions {
  redis: RedisLocation;
  /** Where workers write outcomes (the store they share with this process). */
  results: JobResults;
  /** The job's name: which handler a worker runs (e.g. `sweep-point`). */
  jobName: string;
  queueName?: string;
  /** Id prefix of this pool's jobs (default: a new ULID). */
  batch?: string;
  /** Tries per job before it is failed (default 3). */
  attempts?: number;
  /** First retry delay, ms, doubled per try (default 500). */
  backoffMs?: number;
  /** How often the store is checked for results events may have missed, ms (default 2,000). */
  reconcileMs?: number;
  onProgress?: (p: PoolProgress) => void;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  data: QueueJobData;
  detach: () => void;
}

/** Jobs run by `wattshift worker` processes through Redis. Open with {@link QueueWorkPool.open}. */
export class QueueWorkPool<J, R> implements WorkPool<J, R> {
  readonly batch: string;
  private readonly pending = new Map<string, Pending<R>>();
  private toAdd: Array<{ name: string; data: QueueJobData; opts: JobsOptions }> = [];
  private addScheduled = false;
  private readonly toFetch = new Set<string>();
  private fetchScheduled = false;
  private seq = 0;
  private counts: PoolProgress = { submitted: 0, completed: 0, failed: 0, pending: 0 };
  private lastSettledAtMs = Date.now();
  private reconciling = false;
  private readonly timer: NodeJS.Timeout;
  private readonly chores = new Set<Promise<unknown>>();
  private closed = false;
  /** The last error the Redis clients reported (they reconnect on their own). */
  lastRedisError: Error | undefined;

  private constructor(
    private readonly opts: QueueWorkPoolOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    /** Workers connected to the queue when the pool opened. */
    readonly size: number,
  ) {
    this.batch = opts.batch ?? newId(Date.now());
    events.on('completed', ({ jobId }) => {
      if (!this.pending.has(jobId)) return;
      this.toFetch.add(jobId);
      this.scheduleFetch();
    });
    events.on('failed', ({ jobId }) => {
      if (this.pending.has(jobId)) this.chore(this.checkFailed([jobId]));
    });
    this.timer = setInterval(() => this.chore(this.reconcile()), opts.reconcileMs ?? 2_000);
    this.timer.unref();
  }

  /** Connects to Redis (failing within seconds when nothing answers) and starts listening. */
  static async open<J, R>(opts: QueueWorkPoolOptions): Promise<QueueWorkPool<J, R>> {
    await probeRedis(opts.redis);
    const connection = redisOptions(opts.redis);
    const name = opts.queueName ?? DEFAULT_QUEUE;
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    let last: Error | undefined;
    queue.on('error', (e) => (last = e));
    events.on('error', (e) => (last = e));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const pool = new QueueWorkPool<J, R>(opts, queue, events, await queue.getWorkersCount());
    pool.lastRedisError = last;
    queue.on('error', (e) => (pool.lastRedisError = e));
    events.on('error', (e) => (pool.lastRedisError = e));
    return pool;
  }

  /**
   * Runs a job. `key` names it within the batch (letters, digits, `-`, `_`, `.`; unique within
   * the batch): a job that stands for a fixed unit of work keeps one id however often it runs.
   */
  submit(job: J, options: { signal?: AbortSignal; key?: string } = {}): Promise<R> {
    if (this.closed) return Promise.reject(new CancelledError('the queue pool is closed'));
    if (options.key !== undefined && !/^[\w.-]+$/.test(options.key)) return Promise.reject(new RangeError(`a queue job key has only letters, digits, "-", "_" and ".", got "${options.key}"`));
    const id = `${this.batch}-${options.key ?? this.seq++}`;
    if (this.pending.has(id)) return Promise.reject(new RangeError(`queue job ${id} is already pending`));
    const data: QueueJobData = { batch: this.batch, input: job };
    this.counts.submitted++;
    this.counts.pending++;
    return new Promise<R>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => this.drop([id]);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, data, detach: () => signal?.removeEventListener('abort', onAbort) });
      if (signal?.aborted) return onAbort();
      this.toAdd.push({ name: this.opts.jobName, data, opts: this.jobOptions(id) });
      if (!this.addScheduled) {
        this.addScheduled = true;
        setImmediate(() => this.chore(this.flushAdds()));
      }
    });
  }

  progress(): PoolProgress {
    return { ...this.counts };
  }

  cancel(): void {
    this.drop([...this.pending.keys()]);
  }

  async close(): Promise<void> {
    this.cancel();
    this.closed = true;
    clearInterval(this.timer);
    while (this.chores.size > 0) await Promise.allSettled([...this.chores]);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }

  private jobOptions(jobId: string): JobsOptions {
    return {
      jobId,
      attempts: this.opts.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 500 },
      // the store keeps results; Redis keeps failed jobs a day for inspection
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    };
  }

  /** Runs background work; its errors end the jobs it was for, never the process. */
  private chore(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => {
      this.lastRedisError = e as Error;
    });
    this.chores.add(tracked);
    void tracked.finally(() => this.chores.delete(tracked));
  }

  private async flushAdds(): Promise<void> {
    this.addScheduled = false;
    const jobs = this.toAdd.filter((j) => this.pending.has(j.opts.jobId!));
    this.toAdd = [];
    for (let i = 0; i < jobs.length; i += 1_000) await this.queue.addBulk(jobs.slice(i, i + 1_000));
  }

  private scheduleFetch(): void {
    if (this.fetchScheduled) return;
    this.fetchScheduled = true;
    setImmediate(() => {
      this.fetchScheduled = false;
      const ids = [...this.toFetch];
      this.toFetch.clear();
      this.chore(this.settleFromStore(ids));
    });
  }

  /** Settles the jobs among `ids` that have a stored outcome; returns those still without one. */
  private async settleFromStore(ids: string[]): Promise<string[]> {
    const open = ids.filter((id) => this.pending.has(id));
    if (open.length === 0) return [];
    const found = await this.opts.results.get(open);
    for (const [id, outcome] of found) this.settle(id, outcome);
    return open.filter((id) => !found.has(id));
  }

  private settle(id: string, outcome: JobOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.detach();
    this.counts.pending--;
    this.lastSettledAtMs = Date.now();
    if (outcome.status === 'succeeded') {
      this.counts.completed++;
      this.opts.onProgress?.(this.progress());
      p.resolve(outcome.result as R);
    } else {
      this.counts.failed++;
      this.opts.onProgress?.(this.progress());
      p.reject(new JobFailedError(id, outcome.attempts, outcome.error.message));
    }
  }

  /** Jobs Redis reports failed for good: the error is stored (unless a worker stored one) and reported. */
  private async checkFailed(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!this.pending.has(id)) continue;
      if ((await this.queue.getJobState(id)) !== 'failed') continue; // it will be retried
      const job = await this.queue.getJob(id);
      const reason = job?.failedReason || 'the job failed without a reason';
      await this.opts.results.record(id, this.batch, { status: 'failed', error: { message: reason } }, { attempts: job?.attemptsMade ?? 0 });
      await this.settleFromStore([id]);
    }
  }

  /**
   * Settles whatever the store has; when nothing has finished for a while, asks Redis about the
   * rest: a job Redis has lost (restart without persistence) is added again, a failed one reported.
   */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.pending.size === 0) return;
    this.reconciling = true;
    try {
      const quietMs = Date.now() - this.lastSettledAtMs;
      const open = await this.settleFromStore([...this.pending.keys()]);
      if (open.length === 0 || quietMs < (this.opts.reconcileMs ?? 2_000)) return;
      const lost: string[] = [];
      const failed: string[] = [];
      for (let i = 0; i < open.length; i += 200) {
        const states = await Promise.all(open.slice(i, i + 200).map((id) => this.queue.getJobState(id)));
        states.forEach((s, k) => {
          if (s === 'unknown') lost.push(open[i + k]!);
          else if (s === 'failed') failed.push(open[i + k]!);
        });
      }
      await this.checkFailed(failed);
      // a lost job may have just finished (its result written, then removed from Redis)
      const missing = await this.settleFromStore(lost);
      const again = missing.map((id) => ({ name: this.opts.jobName, data: this.pending.get(id)!.data, opts: this.jobOptions(id) }));
      if (again.length > 0) await this.queue.addBulk(again);
    } finally {
      this.reconciling = false;
    }
  }

  /** Rejects these jobs with a CancelledError and removes them from Redis where they still wait. */
  private drop(ids: string[]): void {
    const dropped = ids.filter((id) => this.pending.has(id));
    for (const id of dropped) {
      const p = this.pending.get(id)!;
      this.pending.delete(id);
      p.detach();
      this.counts.pending--;
      this.counts.failed++;
      p.reject(new CancelledError('the job was cancelled'));
    }
    if (dropped.length === 0) return;
    this.opts.onProgress?.(this.progress());
    // a running job is locked by its worker and stays; it finishes and its result is ignored
    this.chore(Promise.all(dropped.map((id) => this.queue.remove(id).catch(() => 0))));
  }
}
