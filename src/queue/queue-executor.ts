/**
 * The run executor of `wattshift serve --queue redis://…`: runs are BullMQ jobs executed by
 * `wattshift worker` processes on any machine that reaches Redis and the store (run-jobs.ts),
 * instead of the server's own threads. The server stores the run, adds its job and relays what
 * Redis tells it (QueueEvents: a worker started the run, its progress, its end) to the event
 * streams, so the dashboard follows a queued run as it follows a local one. The store stays
 * the record: a worker writes statuses and results there, and the server reads a run's end
 * from it.
 *
 * - cancel: the API records the cancel in the store first; a waiting job is then removed from
 *   Redis, and a running one is stopped by its worker, which sees the cancel in the store (within
 *   about a second) and stops the run at its next checkpoint, or terminates its thread after a
 *   grace period. Whatever a cancelled run computes is never stored (a cancelled run cannot
 *   complete).
 * - a job that fails every try (its worker thread or the store lost each time): the run is
 *   recorded failed with the last error, by the worker on its last try or by this server when
 *   Redis reports the job failed for good.
 * - runs outlive the server: stopping it leaves queued and running runs to the workers, and a
 *   server started later follows them. At start and every 30 s, a run the store has as queued
 *   or running whose job Redis no longer knows (Redis restarted without persistence) gets its
 *   job again (adding a run's job twice adds it once: its id is the run's).
 */
import { EventEmitter } from 'node:events';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { INTERNAL_CODE } from '../runs/problem.ts';
import { QueueFullError, type ExecutorStats, type QueueSlot, type RunEvent, type RunExecutor } from '../runs/executor.ts';
import { QueueSlots } from '../runs/queue-slots.ts';
import { isStoreError, TERMINAL_STATUSES, type Store } from '../store/index.ts';
import { DEFAULT_QUEUE, probeRedis, redisOptions } from './connection.ts';
import { DEFAULT_ATTEMPTS, type QueueJobData } from './queue-pool.ts';
import type { RedisLocation } from './redis-url.ts';
import { RUN_BATCH, RUN_JOB, runIdOfJob, runJobId, type RunJobInput, type RunJobProgress } from './run-jobs.ts';

/** Options of {@link QueueExecutor.open}. */
export interface QueueExecutorOptions {
  redis: RedisLocation;
  /** The server's store, shared with the workers. */
  store: Store;
  queueName?: string;
  /** Runs of this server that may wait for a worker (default 100). */
  maxQueue?: number;
  /** Tries of a run's job before the run is failed (default 3). */
  attempts?: number;
  /** First retry delay, ms, doubled per try (default 1,000). */
  backoffMs?: number;
  /** Least time between a run's progress writes to the store, ms (the worker's default is 1,000). */
  progressIntervalMs?: number;
  /** Errors of the queue and of recording runs' ends. */
  logError?: (message: string, detail: string) => void;
}

/** How long a stopping server waits for Redis, ms. */
const CLOSE_WAIT_MS = 5_000;
/** How often runs whose jobs Redis lost are looked for, ms. */
const RECOVER_EVERY_MS = 30_000;

const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);
const detail = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/** Runs executed by queue workers through Redis. Open with {@link QueueExecutor.open}. */
export class QueueExecutor implements RunExecutor {
  /** Runs are executed by other processes and go on when this server stops. */
  readonly executesElsewhere = true;
  private readonly events = new EventEmitter();
  /** Runs of this server waiting for a worker, and those a worker has started. */
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly slots = new QueueSlots();
  private closing = false;
  private recovering = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly chores = new Set<Promise<unknown>>();
  private readonly maxQueue: number;
  /** Workers connected when the server started (for its start line). */
  workersAtStart = 0;
  /** Workers connected at the last look (every 10 s): the executor's size in its stats. */
  private workers = 0;
  private workerTimer: NodeJS.Timeout | undefined;
  /** Runs whose jobs were added again at start (Redis had lost them). */
  resubmitted: string[] = [];

  private constructor(
    private readonly o: QueueExecutorOptions,
    private readonly queue: Queue,
    private readonly queueEvents: QueueEvents,
  ) {
    this.maxQueue = o.maxQueue ?? 100;
    this.events.setMaxListeners(0);
    queueEvents.on('progress', ({ jobId, data }) => {
      const runId = runIdOfJob(jobId);
      if (!runId || typeof data !== 'object' || data === null) return;
      const p = data as RunJobProgress;
      if (p.type === 'started') {
        this.waiting.delete(runId);
        this.running.add(runId);
        this.emit({ type: 'status', runId, status: 'running', atMs: Date.now() });
      } else if (p.type === 'progress') this.emit({ type: 'progress', runId, fraction: p.fraction, phase: p.phase, atMs: Date.now() });
    });
    queueEvents.on('completed', ({ jobId }) => {
      const runId = runIdOfJob(jobId);
      if (runId) this.chore(this.ended(runId));
    });
    queueEvents.on('failed', ({ jobId, failedReason }) => {
      const runId = runIdOfJob(jobId);
      if (runId) this.chore(this.failed(runId, failedReason));
    });
    queueEvents.on('error', (e) => this.o.logError?.('queue events: Redis error', detail(e)));
    queue.on('error', (e) => this.o.logError?.('queue: Redis error', detail(e)));
  }

  /** Connects to Redis (failing within seconds when nothing answers) and gives runs Redis lost their jobs again. */
  static async open(o: QueueExecutorOptions): Promise<QueueExecutor> {
    await probeRedis(o.redis);
    const connection = redisOptions(o.redis);
    const name = o.queueName ?? DEFAULT_QUEUE;
    const queue = new Queue<QueueJobData<RunJobInput>>(name, { connection });
    const events = new QueueEvents(name, { connection });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      const ex = new QueueExecutor(o, queue as Queue, events);
      ex.workersAtStart = ex.workers = await queue.getWorkersCount();
      ex.workerTimer = setInterval(() => ex.chore(queue.getWorkersCount().then((n) => (ex.workers = n))), 10_000);
      ex.workerTimer.unref();
      ex.resubmitted = await ex.recover();
      ex.timer = setInterval(() => ex.chore(ex.recover().then((ids) => ids.length > 0 && o.logError?.(`${ids.length} run(s) whose jobs Redis had lost were queued again`, ids.join(', ')))), RECOVER_EVERY_MS);
      ex.timer.unref();
      return ex;
    } catch (e) {
      await Promise.allSettled([events.close(), queue.close()]);
      throw e;
    }
  }

  reserve(): QueueSlot {
    return this.slots.reserve(
      this.closing,
      (reserved) => {
        if (this.waiting.size + reserved < this.maxQueue) return undefined;
        return new QueueFullError(`the run queue is full (${this.waiting.size} runs of this server wait for a worker, at most ${this.maxQueue}); retry later or start more workers`, 30);
      },
      (runId) => {
        this.waiting.add(runId);
        this.emit({ type: 'status', runId, status: 'queued', atMs: Date.now() });
        this.chore(
          this.add(runId).catch(async (e: unknown) => {
            // Redis refused the job (not a lost connection: commands wait through those)
            this.o.logError?.(`run ${runId}: its job could not be queued`, detail(e));
            this.waiting.delete(runId);
            await this.o.store.runs.fail(runId, { code: INTERNAL_CODE, message: 'the run could not be sent to the work queue; the server logged it' }).catch(() => undefined);
            await this.ended(runId);
          }),
        );
      },
    );
  }

  cancel(runId: string): boolean {
    const held = this.waiting.delete(runId) || this.running.has(runId);
    // a waiting job leaves Redis; a running one is locked by its worker, which stops the run on
    // seeing the cancel in the store (the API wrote it before calling this)
    this.chore(this.queue.remove(runJobId(runId)).catch(() => 0));
    if (held && !this.running.has(runId)) this.emit({ type: 'status', runId, status: 'cancelled', atMs: Date.now() });
    return held;
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.events.on(runId, listener);
    return () => this.events.off(runId, listener);
  }

  /** Runs of this server waiting and running, and the workers connected to the queue (as `size`). */
  stats(): ExecutorStats {
    return { running: this.running.size, queued: this.waiting.size, size: this.workers, maxQueue: this.maxQueue };
  }

  /** Stops listening; runs stay with the workers (and queued in Redis). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    clearInterval(this.workerTimer);
    // jobs being added wait through a Redis outage; a stopping server waits for them a while only
    const settled = (async () => {
      while (this.chores.size > 0) await Promise.allSettled([...this.chores]);
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    await Promise.race([Promise.allSettled([this.queueEvents.close(), this.queue.close()]), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
  }

  private add(runId: string): Promise<unknown> {
    const data: QueueJobData<RunJobInput> = { batch: RUN_BATCH, input: { runId, ...(this.o.progressIntervalMs !== undefined ? { progressIntervalMs: this.o.progressIntervalMs } : {}) } };
    const opts: JobsOptions = {
      jobId: runJobId(runId),
      attempts: this.o.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.o.backoffMs ?? 1_000 },
      // the store keeps the run; Redis keeps failed jobs a day for inspection
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    };
    return this.queue.add(RUN_JOB, data, opts);
  }

  private emit(e: RunEvent): void {
    this.events.emit(e.runId, e);
    this.events.emit('*', e);
  }

  /** Runs background work; its errors are logged, never thrown. */
  private chore(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => this.o.logError?.('queue executor', detail(e)));
    this.chores.add(tracked);
    void tracked.finally(() => this.chores.delete(tracked));
  }

  /** A run's job ended: its status, as the worker stored it. */
  private async ended(runId: string): Promise<void> {
    this.waiting.delete(runId);
    this.running.delete(runId);
    const run = await this.o.store.runs.get(runId);
    if (run && isTerminal(run.status)) this.emit({ type: 'status', runId, status: run.status, error: run.error, atMs: Date.now() });
  }

  /** A try of a run's job failed: on the last one, the run is failed with the job's error (unless its worker recorded it). */
  private async failed(runId: string, reason: string): Promise<void> {
    const id = runJobId(runId);
    if ((await this.queue.getJobState(id)) !== 'failed') return; // it will be tried again
    const job = await this.queue.getJob(id);
    const tries = job?.attemptsMade ?? this.o.attempts ?? DEFAULT_ATTEMPTS;
    try {
      await this.o.store.runs.fail(runId, { code: INTERNAL_CODE, message: `the run's queue job failed on each of its ${tries} ${tries === 1 ? 'try' : 'tries'}; the last error: ${reason || 'none given'}` });
    } catch (e) {
      if (!isStoreError(e, 'CONFLICT')) throw e;
    }
    await this.ended(runId);
  }

  /** Runs the store has as queued or running whose job Redis does not know: their job is added again. */
  private async recover(): Promise<string[]> {
    if (this.recovering || this.closing) return [];
    this.recovering = true;
    try {
      return await this.recoverNow();
    } finally {
      this.recovering = false;
    }
  }

  private async recoverNow(): Promise<string[]> {
    const again: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.o.store.runs.list({ status: ['queued', 'running'], limit: 200, ...(cursor ? { cursor } : {}) });
      for (const run of page.runs) {
        // a run executed by a server's own threads (another server on the same database) is not the queue's
        if (run.status === 'running' && !run.leaseOwner?.startsWith('queue:')) continue;
        if ((await this.queue.getJobState(runJobId(run.id))) !== 'unknown') continue;
        await this.add(run.id);
        again.push(run.id);
      }
      cursor = page.next ?? undefined;
    } while (cursor);
    return again;
  }
}
