// A design sweep on the work queue with real processes: `wattshift worker` processes and the
// `wattshift finance --sweep --queue` command, a private redis-server and a SQLite store. The
// JSON must equal the in-process run's (points in order, numbers equal) whatever happens to a
// worker or to Redis on the way, and the store must hold every point's result exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../../src/queue/connection.ts';
import { parseRedisUrl } from '../../src/queue/redis-url.ts';
import { openStore } from '../../src/store/open.ts';
import { startCli as run, startQueueWorker as startWorker, stopProcess as stopWorker, until, type CliProcess as Proc } from '../helpers/cli-process.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server.ts';

const skip = redisSkipReason();
if (skip) console.warn(`skipping the distributed sweep tests: ${skip}`);

// 20 discount rates × 10 GPU counts = 200 points of a 6.5-hour, 15-minute scenario
const SCENARIO = 'examples/phoenix-2025.yaml';
const SWEEP = 'finance.discountRate=0.01..0.20:0.01;it.A100.gpus=200..245:5';
const POINTS = 200;
// the failure tests use the first 6 rates (60 points) to keep the suite short
const SMALL_SWEEP = 'finance.discountRate=0.01..0.06:0.01;it.A100.gpus=200..245:5';
const SMALL_POINTS = 60;


/** The finance JSON without what describes the run rather than its answer. */
function answer(text: string): unknown {
  const j = JSON.parse(text) as { sweep: Record<string, unknown> };
  const { elapsedMs: _e, workers: _w, ...sweep } = j.sweep;
  return { ...j, sweep };
}

function sweepWithQueue(url: string, db: string, sweep = SWEEP): Proc {
  return run(['finance', SCENARIO, '--sweep', sweep, '--queue', url, '--db', db, '--json']);
}

/** The in-process run's answer (its points evaluated in its own thread: no worker threads to start for points this small). */
async function inProcess(sweep: string, points: number): Promise<unknown> {
  const local = run(['finance', SCENARIO, '--sweep', sweep, '--workers', '0', '--json']);
  expect(await local.exit, local.err).toBe(0);
  const a = answer(local.out);
  expect((a as { sweep: { points: unknown[] } }).sweep.points).toHaveLength(points);
  return a;
}

/** Rows of queue_results in the store: [job id, worker]. */
async function storedResults(db: string): Promise<Array<{ job_id: string; worker: string | null; status: string }>> {
  const store = await openStore(db);
  try {
    return await store.db.selectFrom('queue_results').select(['job_id', 'worker', 'status']).execute();
  } finally {
    await store.close();
  }
}

const doneLines = (w: Proc) => (w.err.match(/ done in /g) ?? []).length;

describe.skipIf(skip !== undefined)('a design sweep on worker processes through Redis', () => {
  let dir: string;
  let reference: unknown;
  let small: unknown;
  const redises: TestRedis[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wattshift-queue-test-'));
    [reference, small] = await Promise.all([inProcess(SWEEP, POINTS), inProcess(SMALL_SWEEP, SMALL_POINTS)]);
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const r of redises) await r.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('200 points over 3 worker processes give the in-process JSON, each point stored once', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const db = join(dir, 'three.db');
    const workers = await Promise.all([0, 1, 2].map(() => startWorker(redis.url, db)));
    procs.push(...workers);
    const sweep = sweepWithQueue(redis.url, db);
    procs.push(sweep);
    expect(await sweep.exit, sweep.err).toBe(0);
    expect(answer(sweep.out)).toEqual(reference);
    expect((JSON.parse(sweep.out) as { sweep: { workers: number } }).sweep.workers).toBe(3);
    const rows = await storedResults(db);
    expect(rows).toHaveLength(POINTS);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(POINTS);
    expect(new Set(rows.map((r) => r.worker)).size).toBeGreaterThanOrEqual(2); // the work was shared
    await Promise.all(workers.map(stopWorker));
    for (const w of workers) {
      expect(w.child.exitCode).toBe(0);
      expect(w.err).toMatch(/stopped: \d+ jobs done/);
    }
  });

  it('a worker killed with SIGKILL mid-sweep: its job goes to another worker, every point exactly once', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const db = join(dir, 'kill.db');
    const events = new QueueEvents('wattshift', { connection: redisOptions(parseRedisUrl(redis.url)) });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    try {
      // short locks so the dead worker's job is taken back within seconds
      const victim = await startWorker(redis.url, db, ['--lock-ms', '2000']);
      const survivor = await startWorker(redis.url, db, ['--lock-ms', '2000']);
      procs.push(victim, survivor);
      const sweep = sweepWithQueue(redis.url, db, SMALL_SWEEP);
      procs.push(sweep);
      // it takes jobs back to back: after its 10th, it is in the middle of the next one
      await until('the victim to finish 10 points', () => doneLines(victim) >= 10);
      victim.child.kill('SIGKILL');
      // the kill lands mid-sweep (most points still to do) ...
      expect((await storedResults(db)).length).toBeLessThan(SMALL_POINTS);
      expect(await sweep.exit, sweep.err).toBe(0);
      expect(answer(sweep.out)).toEqual(small);
      const rows = await storedResults(db);
      // ... and when it lands inside a job (most runs; not every kill does), BullMQ takes that job
      // back from the dead worker: it is stored once, by the survivor
      for (const id of stalled) expect(rows.filter((r) => r.job_id === id)).toHaveLength(1);
      expect(rows).toHaveLength(SMALL_POINTS);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(SMALL_POINTS);
      expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
      await stopWorker(survivor);
    } finally {
      await events.close();
    }
  });

  for (const persistence of [true, false]) {
    it(`Redis killed and restarted mid-sweep ${persistence ? 'with an append-only file: the queue resumes' : 'without persistence: lost jobs are sent again'}`, async () => {
      const redis = await startRedis({ appendonly: persistence });
      redises.push(redis);
      const db = join(dir, `restart-${persistence}.db`);
      // short locks: a job left active and locked by a worker that lost Redis mid-job goes back to
      // the queue within seconds, not after the default 30 s lock (a run of this case once waited so)
      const workers = await Promise.all([0, 1].map(() => startWorker(redis.url, db, ['--lock-ms', '2000'])));
      procs.push(...workers);
      const sweep = sweepWithQueue(redis.url, db, SMALL_SWEEP);
      procs.push(sweep);
      await until('20 points', () => workers.reduce((a, w) => a + doneLines(w), 0) >= 20);
      await redis.stop({ crash: true });
      await new Promise((r) => setTimeout(r, 1_000));
      await redis.start();
      expect(await sweep.exit, sweep.err).toBe(0);
      expect(answer(sweep.out)).toEqual(small);
      const rows = await storedResults(db);
      expect(rows).toHaveLength(SMALL_POINTS);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(SMALL_POINTS);
      await Promise.all(workers.map(stopWorker));
    });
  }

  it('Ctrl-C on the submitting command removes its waiting jobs from Redis', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const db = join(dir, 'cancel.db');
    const queue = new Queue('wattshift', { connection: redisOptions(parseRedisUrl(redis.url)) });
    try {
      const sweep = sweepWithQueue(redis.url, db, SMALL_SWEEP); // no worker: every job waits
      procs.push(sweep);
      await until('the sweep to queue its points', async () => (await queue.getWaitingCount()) === SMALL_POINTS);
      sweep.child.kill('SIGINT');
      expect(await sweep.exit).toBe(130);
      expect(sweep.err).toMatch(/cancelled/);
      expect(sweep.err).toMatch(/no worker is connected to redis:\/\/127\.0\.0\.1:\d+ yet/);
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
