/**
 * A pool of workers that runs jobs: submit a job, get its result as a promise. The in-process
 * implementation runs a module's default export in worker threads (tinypool); a queue on Redis
 * (BullMQ) can implement the same interface for workers on other machines.
 *
 * The server's runs have a pool of their own (src/runs/pool-executor.ts): a stored run is not a
 * job with a result but a process with a status, progress, a cancel and an end to record in the
 * store, which this job-to-result interface (the one a queue can also serve) does not carry.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { CancelledError } from '../errors/index.ts';
import { tsxEsmApi } from './spawn-ts-worker.ts';

/** Where a pool stands. */
export interface PoolProgress {
  submitted: number;
  completed: number;
  failed: number;
  /** Submitted and not yet settled (running or waiting). */
  pending: number;
}

/** Runs jobs of type `J` to results of type `R`, at most `size` at a time. */
export interface WorkPool<J, R> {
  /** Jobs that run at once. */
  readonly size: number;
  /** Runs a job; rejects with a CancelledError when the pool or `signal` cancels it. */
  submit(job: J, options?: { signal?: AbortSignal }): Promise<R>;
  /** Counts of jobs so far. */
  progress(): PoolProgress;
  /** Cancels every pending job (each rejects with a CancelledError); the pool stays usable. */
  cancel(): void;
  /** Cancels what is pending and releases the workers. */
  close(): Promise<void>;
}

/** Options of {@link ThreadWorkPool}. */
export interface ThreadWorkPoolOptions<D> {
  /** Module whose default export runs one job (a `.ts` file beside its caller, compiled or not). */
  entry: URL;
  /** Workers (default: available cores). */
  size?: number;
  /** Data every worker receives once (`poolData()` inside the job module), e.g. the scenario. */
  data?: D;
  /** Called after each job settles. */
  onProgress?: (p: PoolProgress) => void;
}

/** A {@link WorkPool} of worker threads in this process (tinypool). */
export class ThreadWorkPool<J, R, D = unknown> implements WorkPool<J, R> {
  readonly size: number;
  private readonly pool: Tinypool;
  private readonly onProgress: ((p: PoolProgress) => void) | undefined;
  private all = ThreadWorkPool.controller();
  private counts: PoolProgress = { submitted: 0, completed: 0, failed: 0, pending: 0 };

  constructor(options: ThreadWorkPoolOptions<D>) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.onProgress = options.onProgress;
    const source = options.entry.href.endsWith('.ts') && import.meta.url.endsWith('.ts');
    const entry = options.entry.href.endsWith('.ts') && !source ? new URL(options.entry.href.replace(/\.ts$/, '.js')) : options.entry;
    this.pool = new Tinypool({
      // from TypeScript source a worker first registers tsx, then imports the job module
      filename: source ? fileURLToPath(new URL('./ts-job-bootstrap.mjs', import.meta.url)) : fileURLToPath(entry),
      workerData: { data: options.data, entry: entry.href, tsxApi: source ? tsxEsmApi() : undefined },
      minThreads: this.size,
      maxThreads: this.size,
      isolateWorkers: false,
    });
  }

  /** Every pending job listens to this one signal: no listener limit (a sweep submits thousands). */
  private static controller(): AbortController {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  }

  submit(job: J, options: { signal?: AbortSignal } = {}): Promise<R> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.all.signal]) : this.all.signal;
    this.counts.submitted++;
    this.counts.pending++;
    const settle = (ok: boolean) => {
      this.counts.pending--;
      if (ok) this.counts.completed++;
      else this.counts.failed++;
      this.onProgress?.(this.progress());
    };
    return (this.pool.run(job, { signal }) as Promise<R>).then(
      (r) => {
        settle(true);
        return r;
      },
      (e: unknown) => {
        settle(false);
        if (signal.aborted) throw new CancelledError('the job was cancelled');
        throw e;
      },
    );
  }

  progress(): PoolProgress {
    return { ...this.counts };
  }

  cancel(): void {
    this.all.abort();
    this.all = ThreadWorkPool.controller();
  }

  async close(): Promise<void> {
    this.all.abort();
    await this.pool.destroy();
  }
}

/** Inside a job module: the pool's data (`ThreadWorkPoolOptions.data`). */
export function poolData<D>(): D {
  return (Tinypool.workerData as { data: D }).data;
}
