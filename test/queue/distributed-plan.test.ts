// A decomposed fleet plan on the work queue with real processes: two `wattshift worker`
// processes, `wattshift plan --queue`, a private redis-server and a SQLite store. The plan must
// equal the in-process plan (the same optimum within the decomposition's gap) even when a worker
// is killed with SIGKILL mid-plan, and the store must hold each pack's result exactly once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../../src/queue/connection.ts';
import { parseRedisUrl } from '../../src/queue/redis-url.ts';
import { openStore } from '../../src/store/open.ts';
import { startCli as run, startQueueWorker as startWorker, stopProcess as stopWorker, until, type CliProcess as Proc } from '../helpers/cli-process.ts';
import { coupledFleetText } from '../helpers/coupled-fleet.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server.ts';

const skip = redisSkipReason();
if (skip) console.warn(`skipping the distributed plan tests: ${skip}`);

// four sites under a binding fleet import cap: a priced window, a dozen rounds or more
const FLEET = coupledFleetText({ sites: 4, hours: 24, capMW: 9.5 });
// one group per job: four jobs per round, so both workers take part in every round
const PLAN = ['--decompose', 'on', '--json'];
// results kept in the store for the checks below (by default a window's are removed once done)
const QUEUED = ['--pack-sites', '1', '--keep-job-results'];


interface PlanJson {
  fleet: { energyCost: number };
  solver: { objective: number; decomposition: { maxGap: number; rounds: number; bindingWindows: number } };
}

/** The queued plan is the in-process plan: the same optimum within the larger of the two gaps. */
function expectSameOptimum(queued: PlanJson, local: PlanJson): void {
  const tol = Math.max(queued.solver.decomposition.maxGap, local.solver.decomposition.maxGap) + 1e-9;
  expect(Math.abs(queued.solver.objective - local.solver.objective) / local.solver.objective).toBeLessThanOrEqual(tol);
  expect(queued.solver.decomposition.bindingWindows).toBe(1);
}

async function storedResults(db: string): Promise<Array<{ job_id: string; worker: string | null; status: string }>> {
  const store = await openStore(db);
  try {
    return await store.db.selectFrom('queue_results').select(['job_id', 'worker', 'status']).execute();
  } finally {
    await store.close();
  }
}

const doneLines = (w: Proc) => (w.err.match(/^decompose-pack .* done in /gm) ?? []).length;

describe.skipIf(skip !== undefined)('a decomposed plan on worker processes through Redis', () => {
  let dir: string;
  let file: string;
  let local: PlanJson;
  const redises: TestRedis[] = [];
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wattshift-plan-queue-test-'));
    file = join(dir, 'coupled.yaml');
    writeFileSync(file, FLEET);
    const p = run(['plan', file, ...PLAN]);
    expect(await p.exit, p.err).toBe(0);
    local = JSON.parse(p.out) as PlanJson;
    expect(local.solver.decomposition.rounds).toBeGreaterThan(3);
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const r of redises) await r.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two worker processes give the in-process plan, each pack stored once', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const db = join(dir, 'two.db');
    const workers = await Promise.all([0, 1].map(() => startWorker(redis.url, db)));
    procs.push(...workers);
    const plan = run(['plan', file, ...PLAN, ...QUEUED, '--queue', redis.url, '--db', db]);
    procs.push(plan);
    expect(await plan.exit, plan.err).toBe(0);
    const queued = JSON.parse(plan.out) as PlanJson;
    expectSameOptimum(queued, local);
    const rows = await storedResults(db);
    expect(rows.length).toBeGreaterThanOrEqual(4 * queued.solver.decomposition.rounds - 3 * 4); // four per round; repair rounds may send fewer
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(rows.length);
    expect(rows.every((r) => r.status === 'succeeded' && /-w0-r\d+-p[0-3]$/.test(r.job_id))).toBe(true);
    expect(new Set(rows.map((r) => r.worker)).size).toBe(2); // the work was shared
    await Promise.all(workers.map(stopWorker));
    for (const w of workers) expect(w.child.exitCode).toBe(0);
  });

  it('compare --queue sends its decomposed policy to the workers and gives the in-process plan\'s cost', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const db = join(dir, 'compare.db');
    const worker = await startWorker(redis.url, db);
    procs.push(worker);
    const cmp = run(['compare', file, '--policies', 'naive,optimal', ...PLAN, ...QUEUED, '--queue', redis.url, '--db', db]);
    procs.push(cmp);
    expect(await cmp.exit, cmp.err).toBe(0);
    const rows = (JSON.parse(cmp.out) as { policies: Array<{ policy: string; energyCost: number }> }).policies;
    expect(rows.map((r) => r.policy)).toEqual(['naive', 'optimal']);
    // the same optimum within the decomposition's gap: the bills of the two plans agree closely
    const optimal = rows[1]!.energyCost;
    expect(Math.abs(optimal - local.fleet.energyCost) / local.fleet.energyCost).toBeLessThan(Math.max(local.solver.decomposition.maxGap, 1e-4) * 10);
    expect(optimal).toBeLessThan(rows[0]!.energyCost);
    // and the worker solved it: its packs are in the store, each once
    const stored = await storedResults(db);
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(stored.map((r) => r.job_id)).size).toBe(stored.length);
    expect(stored.every((r) => r.status === 'succeeded')).toBe(true);
    await stopWorker(worker);
    expect(doneLines(worker)).toBe(stored.length);
  });

  it('a worker killed with SIGKILL mid-plan: the plan completes with the same answer, each pack stored once', async () => {
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
      const plan = run(['plan', file, ...PLAN, ...QUEUED, '--queue', redis.url, '--db', db]);
      procs.push(plan);
      await until('the victim to finish 6 packs', () => doneLines(victim) >= 6);
      victim.child.kill('SIGKILL');
      // the kill lands mid-plan: the plan is still running
      expect(plan.child.exitCode).toBeNull();
      expect(await plan.exit, plan.err).toBe(0);
      expectSameOptimum(JSON.parse(plan.out) as PlanJson, local);
      const rows = await storedResults(db);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(rows.length);
      expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
      // the survivor did the rounds after the kill
      expect(doneLines(survivor)).toBeGreaterThan(0);
      // a job the dead worker held (when the kill landed inside one) was taken back and stored once
      for (const id of stalled) expect(rows.filter((r) => r.job_id === id)).toHaveLength(1);
      await stopWorker(survivor);
    } finally {
      await events.close();
    }
  });

  it('Ctrl-C with no worker connected: the plan stops (exit 130) and its waiting packs leave Redis', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const queue = new Queue('wattshift', { connection: redisOptions(parseRedisUrl(redis.url)) });
    try {
      const plan = run(['plan', file, ...PLAN, ...QUEUED, '--queue', redis.url, '--db', join(dir, 'cancel.db')]);
      procs.push(plan);
      await until('the first round to wait in Redis', async () => (await queue.getWaitingCount()) === 4);
      plan.child.kill('SIGINT');
      expect(await plan.exit).toBe(130);
      expect(plan.err).toMatch(/no worker is connected to redis:\/\/127\.0\.0\.1:\d+ yet: the plan's site subproblems wait/);
      expect(plan.err).toMatch(/cancelled/);
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
