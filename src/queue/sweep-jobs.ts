/**
 * Design-sweep points as queue jobs. The submitting side stores the scenario bundle once and
 * sends each point as (bundle id, spec, policy, index, values): inputs travel by content
 * address, not as copies of the scenario. The worker side fetches the bundle once and
 * evaluates points in worker threads, so a long point never blocks the lock renewals of the
 * worker's event loop.
 */
import { scenarioBundle } from '../app/scenario-bundle.ts';
import type { SweepJob, SweepJobResult, SweepPoolData } from '../finance/sweep-job.ts';
import type { SweepValue } from '../finance/sweep-spec.ts';
import type { Store } from '../store/store.ts';
import type { Json } from '../store/types.ts';
import { ThreadWorkPool, type PoolProgress, type WorkPool } from '../workers/pool.ts';
import { BundleCache } from './bundle-cache.ts';
import { JobResults } from './job-results.ts';
import { QueueWorkPool } from './queue-pool.ts';
import type { RedisLocation } from './redis-url.ts';
import type { SweepPointThreadJob } from './sweep-point-thread.ts';
import type { JobHandler } from './worker.ts';

/** Name of a sweep point's queue jobs. */
export const SWEEP_POINT_JOB = 'sweep-point';

/** What a sweep point job carries. */
export interface SweepPointInput {
  /** Scenario bundle id in the store. */
  bundle: string;
  /** The scenario's name as the user gave it (for messages). */
  file: string;
  spec: string;
  policy: string;
  index: number;
  values: SweepValue[];
}

/** Where a sweep's points go: the queue's Redis, and the store shared with the workers. */
export interface SweepQueueTarget {
  redis: RedisLocation;
  store: Store;
  queueName?: string;
  /** Tries per point (default 3). */
  attempts?: number;
  onProgress?: (p: PoolProgress) => void;
}

/** A pool for one sweep on the queue: stores the scenario bundle, then sends points by its id. */
export async function openSweepQueuePool(target: SweepQueueTarget, data: SweepPoolData): Promise<WorkPool<SweepJob, SweepJobResult>> {
  const { scenario } = await target.store.scenarios.put(scenarioBundle(data.scenario), { name: data.scenario.file });
  const inner = await QueueWorkPool.open<SweepPointInput, SweepJobResult>({
    redis: target.redis,
    results: new JobResults(target.store),
    jobName: SWEEP_POINT_JOB,
    ...(target.queueName ? { queueName: target.queueName } : {}),
    ...(target.attempts ? { attempts: target.attempts } : {}),
    ...(target.onProgress ? { onProgress: target.onProgress } : {}),
  });
  const fixed = { bundle: scenario.id, file: data.scenario.file, spec: data.spec, policy: data.policy };
  return {
    size: inner.size,
    submit: (job, options) => inner.submit({ ...fixed, index: job.index, values: job.values }, options),
    progress: () => inner.progress(),
    cancel: () => inner.cancel(),
    close: () => inner.close(),
  };
}

/** The worker side: a handler for sweep point jobs, with its threads and fetched bundles. */
export function sweepPointHandler(store: Store, threads: number): { handler: JobHandler; close(): Promise<void> } {
  const bundles = new BundleCache(store);
  // threads start with the first job of this kind
  let threads_: ThreadWorkPool<SweepPointThreadJob, SweepJobResult> | undefined;
  const pool = () => (threads_ ??= new ThreadWorkPool<SweepPointThreadJob, SweepJobResult>({ entry: new URL('./sweep-point-thread.ts', import.meta.url), size: threads }));
  const handler: JobHandler = async (raw) => {
    const input = raw as SweepPointInput;
    const b = await bundles.get(input.bundle, input.file);
    const result = await pool().submit({
      key: `${input.bundle}\n${input.policy}\n${input.spec}`,
      scenario: { file: input.file, baseDir: b.baseDir, data: b.data },
      spec: input.spec,
      policy: input.policy,
      index: input.index,
      values: input.values,
    });
    return result as unknown as Json;
  };
  return {
    handler,
    async close() {
      await threads_?.close();
      await bundles.close();
    },
  };
}
