/**
 * What the queue benchmarks stand on: a private redis-server (the tests' own starter), a
 * temporary folder for their SQLite stores, and `wattshift worker` processes started and stopped
 * as the tests start them, one job at a time each. The workers print no line per job: that is
 * not part of what is measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQueueWorker, stopProcess, type CliProcess } from '../test/helpers/cli-process.ts';
import { startRedis } from '../test/helpers/redis-server.ts';

/** A private Redis, a folder and the worker processes started on them. */
export interface BenchQueue {
  /** The redis-server's URL. */
  redisUrl: string;
  /** A temporary folder for stores, removed by {@link BenchQueue.dispose}. */
  dir: string;
  /** Starts `count` workers on the store at `db` (extra `wattshift worker` options after the usual ones) and waits until each takes jobs. */
  addWorkers(db: string, count?: number, extra?: string[]): Promise<void>;
  /** Workers started so far. */
  workerCount(): number;
  /** Stops the workers as Ctrl-C does, then Redis, and removes the folder. */
  dispose(): Promise<void>;
}

/** Starts a private redis-server and makes a temporary folder named after the benchmark. */
export async function startBenchQueue(name: string): Promise<BenchQueue> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), `wattshift-bench-${name}-`));
  const workers: CliProcess[] = [];
  return {
    redisUrl: redis.url,
    dir,
    async addWorkers(db, count = 1, extra = []) {
      const started = await Promise.allSettled(Array.from({ length: count }, () => startQueueWorker(redis.url, db, extra, { log: false })));
      for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    },
    workerCount: () => workers.length,
    async dispose() {
      await Promise.all(workers.map(stopProcess));
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
