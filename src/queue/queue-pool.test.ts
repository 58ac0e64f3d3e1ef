// The queue pool and worker against a real redis-server (started here on a free port) and a
// SQLite store: results come back by job id, a poisoned job stops after its tries with its error
// stored, a cancel removes the waiting jobs, and a retried job's second result is not written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { redisSkipReason, startRedis, type TestRedis } from '../../test/helpers/redis-server.ts';
import { sqliteDatabases } from '../../test/helpers/databases.ts';
import { CancelledError } from '../errors/index.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { redisOptions } from './connection.ts';
import { JobResults } from './job-results.ts';
import { JobFailedError, QueueWorkPool } from './queue-pool.ts';
import { parseRedisUrl } from './redis-url.ts';
import { startQueueWorker, type QueueWorker } from './worker.ts';

const skip = redisSkipReason();
if (skip) console.warn(`skipping the queue tests: ${skip}`);

type Job = { x: number; ms?: number; poison?: boolean };

describe.skipIf(skip !== undefined)('QueueWorkPool with a queue worker', () => {
  let redis: TestRedis;
  let store: Store;
  let worker: QueueWorker;
  const dbs = sqliteDatabases();
  const calls = new Map<number, number>();
  const queueName = 'pool-test';

  beforeAll(async () => {
    redis = await startRedis();
    store = await openStore(await dbs.create());
    worker = await startQueueWorker({
      redis: parseRedisUrl(redis.url),
      results: new JobResults(store),
      queueName,
      concurrency: 2,
      handlers: {
        square: async (input) => {
          const j = input as Job;
          calls.set(j.x, (calls.get(j.x) ?? 0) + 1);
          if (j.ms) await new Promise((r) => setTimeout(r, j.ms));
          if (j.poison) throw new Error(`point ${j.x} always fails`);
          return j.x * j.x;
        },
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await store?.close();
    await redis?.dispose();
    await dbs.dropAll();
  });

  const open = (o: { attempts?: number; batch?: string } = {}) =>
    QueueWorkPool.open<Job, number>({ redis: parseRedisUrl(redis.url), results: new JobResults(store), jobName: 'square', queueName, backoffMs: 50, ...o });

  it('runs jobs on the worker and returns each result by its job id, counting them', async () => {
    const pool = await open();
    try {
      expect(pool.size).toBe(1); // one worker connected
      const xs = Array.from({ length: 40 }, (_, i) => i + 1);
      expect(await Promise.all(xs.map((x) => pool.submit({ x })))).toEqual(xs.map((x) => x * x));
      expect(pool.progress()).toEqual({ submitted: 40, completed: 40, failed: 0, pending: 0 });
      const stored = await new JobResults(store).batch(pool.batch);
      expect(stored).toHaveLength(40);
      expect(stored.every((o) => o.status === 'succeeded' && o.attempts === 1 && o.worker === worker.id)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('stops a poisoned job after its tries, with its error stored and reported; the others complete', async () => {
    const pool = await open({ attempts: 3 });
    try {
      const bad = pool.submit({ x: 1001, poison: true });
      const good = pool.submit({ x: 7 });
      const err = await bad.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect((err as JobFailedError).attempts).toBe(3);
      expect((err as Error).message).toMatch(/failed after 3 tries: point 1001 always fails/);
      expect(calls.get(1001)).toBe(3);
      expect(await good).toBe(49);
      const stored = (await new JobResults(store).get([(err as JobFailedError).jobId])).get((err as JobFailedError).jobId);
      expect(stored).toMatchObject({ status: 'failed', attempts: 3, error: { message: 'point 1001 always fails', name: 'Error' } });
    } finally {
      await pool.close();
    }
  });

  it('cancel rejects every pending job and removes the waiting ones from Redis', async () => {
    const pool = await open();
    const queue = new Queue(queueName, { connection: redisOptions(parseRedisUrl(redis.url)) });
    try {
      const jobs = Array.from({ length: 30 }, (_, i) => pool.submit({ x: 2000 + i, ms: 200 }));
      await new Promise((r) => setTimeout(r, 300));
      pool.cancel();
      const settled = await Promise.allSettled(jobs);
      const done = settled.filter((s) => s.status === 'fulfilled').length;
      expect(done).toBeLessThanOrEqual(4); // 2 at a time, 200 ms each, for 300 ms
      expect(settled.filter((s) => s.status === 'rejected' && s.reason instanceof CancelledError)).toHaveLength(30 - done);
      await pool.close(); // waits for the removals
      expect(await queue.getWaitingCount()).toBe(0);
      await new Promise((r) => setTimeout(r, 500)); // what was running has finished
      const ran = [...calls.keys()].filter((x) => x >= 2000).length;
      expect(ran).toBeGreaterThan(0);
      expect(ran).toBeLessThanOrEqual(6); // at most a few started before the cancel: 2 at a time, 200 ms each
    } finally {
      await queue.close();
    }
  });

  it('a job whose result is stored already is not run again and keeps its first result', async () => {
    const batch = 'rerun';
    const results = new JobResults(store);
    // as if a worker had written the result and died before telling Redis
    expect(await results.record(`${batch}-0`, batch, { status: 'succeeded', result: -1 }, { attempts: 1, worker: 'gone' })).toBe(true);
    expect(await results.record(`${batch}-0`, batch, { status: 'succeeded', result: -2 }, { attempts: 1, worker: 'late' })).toBe(false);
    const pool = await open({ batch });
    try {
      expect(await pool.submit({ x: 3000 })).toBe(-1);
      expect(calls.get(3000)).toBeUndefined();
      expect(await pool.submit({ x: 3001 })).toBe(3001 * 3001);
    } finally {
      await pool.close();
    }
  });

  it('fails within seconds, naming the option, when no Redis answers', async () => {
    const err = await QueueWorkPool.open({ redis: parseRedisUrl('redis://127.0.0.1:1'), results: new JobResults(store), jobName: 'x' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no Redis server answered at redis:\/\/127\.0\.0\.1:1 .*ECONNREFUSED.*--queue/);
  });
});
