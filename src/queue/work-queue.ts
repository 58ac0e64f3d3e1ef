/**
 * The submitting side of the work queue, as a use case's dependency: a Redis location and the
 * store shared with the workers, checked at once (both must answer before a long run starts).
 */
import { Queue } from 'bullmq';
import type { SubproblemExecutorFactory } from '../decompose/executor.ts';
import type { SweepPoolFactory } from '../finance/sweep.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { PoolProgress } from '../workers/pool.ts';
import { DEFAULT_QUEUE, probeRedis, redisOptions } from './connection.ts';
import { parseRedisUrl, type RedisLocation } from './redis-url.ts';
import { QueueExecutor } from './subproblem-jobs.ts';
import { openSweepQueuePool } from './sweep-jobs.ts';

/** Options of {@link openWorkQueue}. */
export interface WorkQueueOptions {
  /** `redis://HOST:PORT` (the `--queue` option). */
  queue: string;
  /** The store the workers also use: a SQLite file (one machine) or a postgres:// URL. */
  db: string;
  queueName?: string;
  /** Tries per job before it counts as failed (default 3). */
  attempts?: number;
  /** A decomposed plan: most sites per job (default 8). */
  packSites?: number;
  /** A decomposed plan: keep each job's stored result after its window (default: removed). */
  keepResults?: boolean;
  onProgress?: (p: PoolProgress) => void;
}

/** An open connection to the queue and the store. */
export interface WorkQueue {
  readonly redis: RedisLocation;
  readonly store: Store;
  /** Runs a sweep's points on the queue (a use case's `sweepPool` dependency). */
  readonly sweepPool: SweepPoolFactory;
  /** Runs a decomposed plan's site subproblems on the queue (a use case's `subproblemExecutor` dependency). */
  readonly subproblemExecutor: SubproblemExecutorFactory;
  /** Workers connected to the queue now. */
  workers(): Promise<number>;
  close(): Promise<void>;
}

/** Checks that Redis answers and opens the store. */
export async function openWorkQueue(opts: WorkQueueOptions): Promise<WorkQueue> {
  const redis = parseRedisUrl(opts.queue);
  await probeRedis(redis);
  const store = await openStore(opts.db);
  return {
    redis,
    store,
    sweepPool: (data) =>
      openSweepQueuePool(
        {
          redis,
          store,
          ...(opts.queueName ? { queueName: opts.queueName } : {}),
          ...(opts.attempts ? { attempts: opts.attempts } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        },
        data,
      ),
    subproblemExecutor: (run) =>
      QueueExecutor.open(
        {
          redis,
          store,
          ...(opts.queueName ? { queueName: opts.queueName } : {}),
          ...(opts.attempts ? { attempts: opts.attempts } : {}),
          ...(opts.packSites ? { packSites: opts.packSites } : {}),
          ...(opts.keepResults ? { keepResults: true } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        },
        run,
      ),
    async workers() {
      const q = new Queue(opts.queueName ?? DEFAULT_QUEUE, { connection: redisOptions(redis) });
      try {
        return await q.getWorkersCount();
      } finally {
        await q.close();
      }
    },
    close: () => store.close(),
  };
}
