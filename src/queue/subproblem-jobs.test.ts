// A decomposed plan's site subproblems as queue jobs, against a real redis-server (started here on
// a free port), a SQLite store and a queue worker in this process: the plan equals the in-process
// plan within the decomposition's gap, each pack is stored once under an id naming its window,
// round and pack, and a pack that always fails stops after its tries with a JobFailedError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/cli/run-cli.ts';
import { coupledFleetText } from '../../test/helpers/coupled-fleet.ts';
import { sqliteDatabases } from '../../test/helpers/databases.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../../test/helpers/redis-server.ts';
import type { SubproblemTask } from '../decompose/subproblem.ts';
import { sweepScenarioFromFile } from '../finance/sweep-point.ts';
import { buildModel, loadScenarioText } from '../pipeline.ts';
import { planFleet } from '../plan/planner.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { JobResults } from './job-results.ts';
import { JobFailedError } from './queue-pool.ts';
import { parseRedisUrl } from './redis-url.ts';
import { packTasks } from '../decompose/executor.ts';
import { QueueExecutor, SUBPROBLEM_JOB, subproblemHandler } from './subproblem-jobs.ts';
import { startQueueWorker, type QueueWorker } from './worker.ts';

const task = (sites: number[]) => ({ sites }) as unknown as SubproblemTask;

describe('packTasks', () => {
  it('packs consecutive tasks up to the site limit, a larger task alone, in order', () => {
    const tasks = [task([0]), task([1]), task([2, 3, 4]), task([5]), task([6]), task([7])];
    expect(packTasks(tasks, 2)).toEqual([[0, 1], [2], [3, 4], [5]]);
    expect(packTasks(tasks, 8)).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(packTasks(tasks, 1)).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(packTasks([], 4)).toEqual([]);
  });
});

describe('plan --queue options', () => {
  const scenario = 'examples/phoenix-2025.yaml';
  it('bad --pack-sites, --queue with --event, or no Redis: exit 2 naming the option', async () => {
    for (const bad of ['0', '2.5', 'eight']) {
      const r = await runInProcess(['plan', scenario, '--queue', 'redis://127.0.0.1:1', '--db', ':memory:', '--pack-sites', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--pack-sites must be a whole number from 1 to 10000, found "${bad}"`);
    }
    const ev = await runInProcess(['plan', scenario, '--event', '16:00/PT3H', '--queue', 'redis://127.0.0.1:1']);
    expect(ev.code).toBe(2);
    expect(ev.err).toMatch(/--queue .* leave out --queue/);
    const down = await runInProcess(['plan', scenario, '--queue', 'redis://127.0.0.1:1', '--db', ':memory:']);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/no Redis server answered at redis:\/\/127\.0\.0\.1:1 .*--queue/);
  });
});

const skip = redisSkipReason();
if (skip) console.warn(`skipping the subproblem job tests: ${skip}`);

describe.skipIf(skip !== undefined)('a decomposed plan on the queue', () => {
  let redis: TestRedis;
  let store: Store;
  let worker: QueueWorker;
  let handler: ReturnType<typeof subproblemHandler>;
  const dbs = sqliteDatabases();
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-subproblems-'));
  const file = join(dir, 'coupled.yaml');
  const text = coupledFleetText({ sites: 4, hours: 24, capMW: 9.5 });
  const queueName = `subproblem-test-${process.pid}`;
  writeFileSync(file, text);

  beforeAll(async () => {
    redis = await startRedis();
    store = await openStore(await dbs.create());
    handler = subproblemHandler(store, 2);
    worker = await startQueueWorker({ redis: parseRedisUrl(redis.url), results: new JobResults(store), queueName, concurrency: 2, handlers: { [SUBPROBLEM_JOB]: handler.handler } });
  });
  afterAll(async () => {
    await worker?.close();
    await handler?.close();
    await store?.close();
    await redis?.dispose();
    await dbs.dropAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (o: { attempts?: number; packSites?: number; keepResults?: boolean } = {}) =>
    QueueExecutor.open({ redis: parseRedisUrl(redis.url), store, queueName, backoffMs: 50, ...o }, { scenario: sweepScenarioFromFile(file), forecast: { kind: 'perfect' }, solver: 'highs' });

  it('plans within the gap of the in-process decomposition, each pack stored once under its window, round and pack', async () => {
    const model = buildModel(loadScenarioText(text, dir));
    const local = await planFleet(model, { mode: 'optimal', decompose: 'on' });
    const ex = await open({ packSites: 2, keepResults: true });
    let remote: Awaited<ReturnType<typeof planFleet>>;
    try {
      remote = await planFleet(model, { mode: 'optimal', decompose: 'on', executor: ex });
    } finally {
      await ex.close();
    }
    const d = remote.solver!.decomposition!;
    const l = local.solver!.decomposition!;
    expect(l.bindingWindows).toBe(1); // the cap binds: prices, several rounds
    expect(d.rounds).toBeGreaterThan(1);
    // packs solved differently may stop at other optimal vertices: the same optimum within the gap
    expect(Math.abs(remote.solver!.objective - local.solver!.objective) / local.solver!.objective).toBeLessThanOrEqual(Math.max(d.maxGap, l.maxGap) + 1e-9);
    const rows = await new JobResults(store).batch(ex.batch);
    // 4 groups in packs of 2: two jobs per round of all groups, fewer in repair rounds
    expect(rows.length).toBe(ex.progress().submitted);
    expect(rows.length).toBeGreaterThanOrEqual(d.rounds);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    for (const r of rows) expect(r.jobId).toMatch(new RegExp(`^${ex.batch}-w0-r\\d+-p[01]$`));
    expect(rows.filter((r) => r.jobId.endsWith('-r0-p0') || r.jobId.endsWith('-r0-p1'))).toHaveLength(2);
  });

  it('removes its stored results as the plan moves on and when it closes, unless kept', async () => {
    const model = buildModel(loadScenarioText(text, dir));
    const ex = await open({ packSites: 4 });
    const seen: Array<{ window: string; stored: number }> = [];
    const results = new JobResults(store);
    const watched = {
      parallelism: ex.parallelism,
      run: async (tasks: SubproblemTask[]) => {
        const out = await ex.run(tasks);
        seen.push({ window: tasks[0]!.windowKey, stored: (await results.batch(ex.batch)).length });
        return out;
      },
      close: () => ex.close(),
    };
    try {
      await planFleet(model, { mode: 'rolling', lookaheadHours: 12, commitHours: 6, decompose: 'on', executor: watched });
    } finally {
      await ex.close();
    }
    // a window's results pile up round by round (one pack each); the next window starts afresh
    const windows = [...new Set(seen.map((s) => s.window))];
    expect(windows.length).toBe(4);
    for (const w of windows) {
      const counts = seen.filter((s) => s.window === w).map((s) => s.stored);
      expect(counts).toEqual(counts.map((_, i) => i + 1));
    }
    expect(seen.length).toBeGreaterThan(windows.length); // some window needed prices
    expect(await results.batch(ex.batch)).toHaveLength(0);
  });

  it('is not opened for a plan that is not decomposed, which says so', async () => {
    const model = buildModel(loadScenarioText(text, dir));
    let opened = 0;
    const d = await planFleet(model, {
      mode: 'optimal',
      decompose: 'off',
      openExecutor: () => {
        opened++;
        return open();
      },
    });
    expect(opened).toBe(0);
    expect(d.notes.join('\n')).toMatch(/not decomposed .* solved in this process/);
  });

  it('a pack that fails on every try stops after its tries with the error, as a JobFailedError', async () => {
    const model = buildModel(loadScenarioText(text, dir));
    // a real first-round task without its window settings: building its model throws on every try
    let captured: SubproblemTask | undefined;
    await planFleet(model, {
      mode: 'optimal',
      decompose: 'on',
      executor: {
        parallelism: 1,
        run: (tasks) => {
          captured = tasks[0];
          return Promise.reject(new Error('captured'));
        },
        close: () => Promise.resolve(),
      },
    }).catch(() => undefined);
    expect(captured).toBeDefined();
    const ex = await open({ attempts: 2 });
    try {
      const err = await ex.run([{ ...captured!, settings: null as unknown as SubproblemTask['settings'] }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect((err as JobFailedError).attempts).toBe(2);
      expect((err as JobFailedError).jobId).toBe(`${ex.batch}-w0-r0-p0`);
      const [stored] = await new JobResults(store).batch(ex.batch);
      expect(stored?.status).toBe('failed');
      expect((err as Error).message).toMatch(/null/); // the worker's error, as stored
    } finally {
      await ex.close();
    }
  });
});
