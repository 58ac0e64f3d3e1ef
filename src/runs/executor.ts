/**
 * The run executor: what the HTTP server needs from whatever executes runs, so an in-process
 * worker pool (the default, pool-executor.ts) and a job queue on other machines are
 * interchangeable. Runs are created in the store first (status queued); the executor executes
 * them (executeRun) and reports what happens to the runs it holds. `wattshift serve --queue`
 * passes in the queue's executor (src/queue/queue-executor.ts) instead of the thread pool.
 * The store stays the record: statuses, progress and results are written there by whoever
 * executes the run.
 */
import type { RunError, RunStatus } from '../store/index.ts';

/** Something that happened to a run, for live streams (server-sent events). */
export type RunEvent =
  /** The run's status changed (queued, running, or a terminal status with its error). */
  | { type: 'status'; runId: string; status: RunStatus; error?: RunError | null; atMs: number }
  /** The run advanced: fraction 0–1 of the whole run, and the phase it is in. */
  | { type: 'progress'; runId: string; fraction: number; phase: string | null; atMs: number };

/** A place in the queue, taken before the run is created so a full queue refuses cleanly. */
export interface QueueSlot {
  /** Queues the stored run in this place. */
  submit(runId: string): void;
  /** Gives the place back (the run could not be created). */
  release(): void;
}

/** The queue is full: the API answers 503 with Retry-After. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  /** Seconds after which a retry may find room. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Counts of what the executor holds. */
export interface ExecutorStats {
  /** Runs executing now. */
  running: number;
  /** Runs waiting for a place. */
  queued: number;
  /** Runs executed at once. */
  size: number;
  /** Runs that may wait at once. */
  maxQueue: number;
}

/** Executes stored runs off the request thread. */
export interface RunExecutor {
  /**
   * Runs are executed by other processes (queue workers) and go on when the server stops: the
   * server then leaves unfinished runs as they are at start and stop instead of interrupting them.
   */
  readonly executesElsewhere?: boolean;
  /** Takes a place in the queue, or throws {@link QueueFullError}. */
  reserve(): QueueSlot;
  /**
   * Stops a run this executor holds: a queued run leaves the queue, a running one is aborted
   * (it stops at its next checkpoint; after a grace period its worker is terminated). Returns
   * false when the run is not held here. The caller records the cancellation in the store.
   */
  cancel(runId: string): boolean;
  /** Listens to a run's events (or every run's with `'*'`); returns the function that stops listening. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void;
  stats(): ExecutorStats;
  /**
   * Stops taking runs, aborts the running ones and waits for them to stop (their status is
   * left for `runs.markInterrupted`); queued runs stay queued in the store.
   */
  close(): Promise<void>;
}
