/**
 * Fleet plans past one model (issue 12, §2–3): generated fleets of 100, 300 and 1,000 sites, a
 * full year hourly, rolling 48 h / 24 h, with a fleet import cap, decomposed by site group
 * (Dantzig–Wolfe) with the units of work in worker processes. Per run: plan time, peak memory
 * of the coordinator and of each worker, rounds per window, the optimality gap, and whether the
 * simulated fleet import stays within the cap. With 1 and 2 workers on the same fleet, the
 * speed-up; from the measured work, the projected time on N machines (model in
 * docs/benchmarks.md).
 *
 * Where one model still fits (one 48-hour window of 100 and 300 sites), the decomposed optimum is
 * compared with it.
 *
 * With DECOMP_QUEUE=1, the same plan also runs with its units of work on the work queue
 * (BullMQ on a private redis-server, `wattshift worker` processes, a SQLite store): the queue's
 * cost against worker processes fed directly, in the same run.
 *
 * Environment: DECOMP_COMPARE (sites of the one-model comparisons, default "100,300"; "" for
 * none), DECOMP_SITES (default "100,300,1000"), DECOMP_DAYS (default 365),
 * DECOMP_WORKERS (default "2"; "1,2" for the speed-up), DECOMP_CAP_SHARE (cap as a share of the
 * sites' summed import limits, default {@link FLEET_CAP_SHARE}), DECOMP_QUEUE (1: also on the
 * queue), DECOMP_PACK_SITES (sites per queue job, default 8).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProcessExecutor } from '../src/decompose/process-executor.ts';
import { parseRedisUrl } from '../src/queue/redis-url.ts';
import { QueueExecutor } from '../src/queue/subproblem-jobs.ts';
import { openStore } from '../src/store/open.ts';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { planFleet } from '../src/plan/planner.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import { simulate } from '../src/simulate/engine.ts';
import { FLEET_BASE_DIR, FLEET_CAP_SHARE, generateFleet, withFleetCap } from './fleet.ts';
import { markdownTable, type BenchResult } from './harness.ts';
import { startBenchQueue } from './queue-fixture.ts';

const list = (v: string | undefined, d: number[]) => (v === undefined ? d : v.split(',').filter((x) => x.trim()).map(Number));

// a 1,000-site year is 26 M ledger cells, above the default run-size limit (20 M, about 2 GB):
// this machine has 24 GB, so the benchmark raises it (workers inherit it)
process.env.WATTSHIFT_MAX_PROBLEM_MCELLS ??= '40';

/** One decomposed plan of a generated fleet; returns the row and the figures the projection needs. */
export async function planGenerated(sites: number, days: number, workers: number, capShare = FLEET_CAP_SHARE) {
  const input = withFleetCap(generateFleet(sites, days * 24), capShare);
  const t0 = performance.now();
  const model = buildFleetModel(resolveScenario(Scenario.parse(input), 'generated.json', FLEET_BASE_DIR));
  const loadSeconds = (performance.now() - t0) / 1000;
  const executor = await ProcessExecutor.start({ workers, source: { text: JSON.stringify(input), baseDir: FLEET_BASE_DIR, name: 'generated.json' }, forecast: { kind: 'perfect' } });
  try {
    const t1 = performance.now();
    const load0 = loadavg()[0]!;
    let last = 0;
    let lastLabel = 0;
    const progress = (f: number, label?: string) => {
      // a line every 5 % on stderr, and the rounds of a window at most every 30 s: a long run shows it is alive
      const now = performance.now();
      if (label && now - lastLabel > 30_000) {
        lastLabel = now;
        console.error(`  ${sites} sites, ${workers} workers, ${((now - t1) / 1000).toFixed(0)} s: ${label}`);
      }
      if (f - last < 0.05 && f < 1) return;
      last = f;
      console.error(`  ${sites} sites, ${workers} workers: ${(f * 100).toFixed(0)} % after ${((now - t1) / 1000).toFixed(0)} s`);
    };
    const dispatch = await planFleet(model, { mode: 'rolling', lookaheadHours: 48, commitHours: 24, decompose: 'on', executor, workers: 1, progress });
    const planSeconds = (performance.now() - t1) / 1000;
    const ws = await executor.stats();
    const ledger = simulate(model, dispatch);
    const cap = model.fleet!.importCapKW!;
    let over = 0;
    for (let t = 0; t < model.grid.steps; t++) {
      let net = 0;
      for (const L of ledger.sites) net += L.gridImportKW[t]! - L.gridExportKW[t]!;
      over = Math.max(over, net - cap[t]!);
    }
    const st = dispatch.solver!;
    const d = st.decomposition!;
    const busy = ws.reduce((a, w) => a + w.busySeconds, 0);
    const cpu = ws.reduce((a, w) => a + w.cpuSeconds, 0);
    const tasks = ws.reduce((a, w) => a + w.tasks, 0);
    const gap = (d.upperBound - d.lowerBound) / Math.abs(d.upperBound);
    const row: BenchResult = {
      name: `rolling 48 h / 24 h, fleet cap ${(cap[0]! / 1000).toFixed(0)} MW, ${workers} worker process${workers > 1 ? 'es' : ''}`,
      size: `${sites} sites × ${days * 24} h`,
      medianMs: Math.round(planSeconds * 1000),
      runs: 1,
      note:
        `${d.bindingWindows}/${d.windows} windows priced; rounds ${d.rounds} (median ${d.medianRounds} in priced windows, max ${d.maxRounds}); gap ${(gap * 100).toFixed(3)} % (worst window ${(d.maxGap * 100).toFixed(3)} %); ` +
        `${d.groups} units of work per round, ${tasks.toLocaleString('en-US')} tasks, ${busy.toFixed(0)} s of worker time, ${cpu.toFixed(0)} s of worker CPU (${((cpu / Math.max(1, tasks)) * 1000).toFixed(1)} ms per task); master ${d.masterSeconds.toFixed(0)} s; upper bound ${d.upperBound.toFixed(0)}; warm starts solved again cold ${d.coldRetries}; ` +
        `peak RSS coordinator ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB, per worker ${ws.map((w) => (w.maxRssBytes / 2 ** 30).toFixed(2)).join(' / ')} GiB; ` +
        `worst step over the cap ${Math.max(0, over).toFixed(3)} kW; load ${loadSeconds.toFixed(0)} s (workers ${executor.loadSeconds.map((s) => s.toFixed(0)).join(' / ')} s); load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
    };
    return { row, planSeconds, workerSeconds: busy, workerCpuSeconds: cpu, tasks, rounds: d.rounds, windows: d.windows };
  } finally {
    await executor.close();
  }
}

/**
 * The same decomposed plan with its units of work on the queue: a private redis-server, a
 * SQLite store and `workers` worker processes (one job at a time each), started here.
 */
export async function planGeneratedOnQueue(sites: number, days: number, workers: number, capShare = FLEET_CAP_SHARE, packSites = 8) {
  const input = withFleetCap(generateFleet(sites, days * 24), capShare);
  const model = buildFleetModel(resolveScenario(Scenario.parse(input), 'generated.json', FLEET_BASE_DIR));
  const q = await startBenchQueue('decomp');
  const db = join(q.dir, 'queue.db');
  const store = await openStore(db);
  try {
    await q.addWorkers(db, workers, ['--lock-ms', '120000']);
    const executor = await QueueExecutor.open({ redis: parseRedisUrl(q.redisUrl), store, packSites }, { scenario: { file: 'generated.json', baseDir: FLEET_BASE_DIR, data: input }, forecast: { kind: 'perfect' }, solver: 'highs' });
    try {
      const t1 = performance.now();
      const dispatch = await planFleet(model, { mode: 'rolling', lookaheadHours: 48, commitHours: 24, decompose: 'on', executor, workers: 1 });
      const planSeconds = (performance.now() - t1) / 1000;
      const d = dispatch.solver!.decomposition!;
      const jobs = executor.progress().submitted;
      const gap = (d.upperBound - d.lowerBound) / Math.abs(d.upperBound);
      const row: BenchResult = {
        name: `rolling 48 h / 24 h on the queue (BullMQ, ${packSites} sites per job), ${workers} worker process${workers > 1 ? 'es' : ''}`,
        size: `${sites} sites × ${days * 24} h`,
        medianMs: Math.round(planSeconds * 1000),
        runs: 1,
        note: `${d.bindingWindows}/${d.windows} windows priced; rounds ${d.rounds}; gap ${(gap * 100).toFixed(3)} %; upper bound ${d.upperBound.toFixed(0)}; ${jobs.toLocaleString('en-US')} jobs (${(planSeconds / Math.max(1, jobs) * 1000).toFixed(1)} ms of plan time each)`,
      };
      return { row, planSeconds, jobs, rounds: d.rounds };
    } finally {
      await executor.close();
    }
  } finally {
    await store.close();
    await q.dispose();
  }
}

/**
 * The decomposed optimum against the one-model optimum of one window (an `optimal` plan over
 * `hours`), where the one model still fits: the distance between the two objectives, and the
 * decomposition's own gap.
 */
export async function compareWithOneModel(sites: number, hours: number, capShare = FLEET_CAP_SHARE): Promise<BenchResult> {
  const input = withFleetCap(generateFleet(sites, hours), capShare);
  const model = buildFleetModel(resolveScenario(Scenario.parse(input), 'generated.json', FLEET_BASE_DIR));
  const t0 = performance.now();
  const one = await planFleet(model, { mode: 'optimal', decompose: 'off' });
  const t1 = performance.now();
  const dec = await planFleet(model, { mode: 'optimal', decompose: 'on' });
  const t2 = performance.now();
  const a = one.solver!.objective;
  const b = dec.solver!.objective;
  const d = dec.solver!.decomposition!;
  return {
    name: 'decomposed vs one model, one window (optimal)',
    size: `${sites} sites × ${hours} h`,
    medianMs: Math.round(t2 - t1),
    runs: 1,
    note:
      `one model ${one.solver!.largestColumns.toLocaleString('en-US')} columns, ${((t1 - t0) / 1000).toFixed(1)} s, objective ${a.toFixed(0)}; decomposed ${b.toFixed(0)} in ${d.rounds} rounds: ` +
      `${(((b - a) / Math.abs(a)) * 100).toFixed(3)} % above the one-model optimum (its own gap ${(d.maxGap * 100).toFixed(3)} %; lower bound ${(((d.lowerBound - a) / Math.abs(a)) * 100).toFixed(3)} %)`,
  };
}

/** Runs the decomposition benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const sites of list(process.env.DECOMP_COMPARE, [100, 300])) {
    const r = await compareWithOneModel(sites, 48);
    rows.push(r);
    console.error(`${r.size}: ${r.note}`);
  }
  const days = Number(process.env.DECOMP_DAYS ?? 365);
  const share = process.env.DECOMP_CAP_SHARE ? Number(process.env.DECOMP_CAP_SHARE) : FLEET_CAP_SHARE;
  for (const sites of list(process.env.DECOMP_SITES, [100, 300, 1000])) {
    const byWorkers = new Map<number, Awaited<ReturnType<typeof planGenerated>>>();
    for (const workers of list(process.env.DECOMP_WORKERS, [2])) {
      const r = await planGenerated(sites, days, workers, share);
      byWorkers.set(workers, r);
      rows.push(r.row);
      console.error(`${r.row.size}, ${workers} workers: ${r.planSeconds.toFixed(0)} s — ${r.row.note}`);
      if (process.env.DECOMP_QUEUE === '1') {
        const q = await planGeneratedOnQueue(sites, days, workers, share, Number(process.env.DECOMP_PACK_SITES ?? 8));
        q.row.note += `; ${(q.planSeconds / r.planSeconds).toFixed(2)}× the time with worker processes fed directly (same run), ${((q.planSeconds - r.planSeconds) / q.rounds * 1000).toFixed(0)} ms more per round`;
        rows.push(q.row);
        console.error(`${q.row.size}, ${workers} workers on the queue: ${q.planSeconds.toFixed(0)} s — ${q.row.note}`);
      }
    }
    const one = byWorkers.get(1);
    const two = byWorkers.get(2);
    if (one) {
      // Amdahl with the work measured in the one-worker run: serial S (coordinator: master LPs,
      // guide, bookkeeping, waiting for the slowest task of a round) and parallel P (tasks)
      const P = one.workerSeconds;
      const S = Math.max(0, one.planSeconds - P);
      const perTask = P / Math.max(1, one.tasks);
      const project = (cores: number) => S + P / cores + one.rounds * perTask;
      rows.push({
        name: 'projection (Amdahl: S + P / cores + rounds × mean task)',
        size: `${sites} sites × ${days * 24} h`,
        medianMs: Math.round(project(2) * 1000),
        runs: 0,
        note: `S ${S.toFixed(0)} s, P ${P.toFixed(0)} s (${one.tasks.toLocaleString('en-US')} tasks, ${(perTask * 1000).toFixed(1)} ms each), ${one.rounds} rounds; ` +
          [2, 4, 8, 16, 32].map((m) => `${m} machines × 2 cores ${(project(2 * m) / 60).toFixed(1)} min`).join(', ') +
          (two ? `; measured speed-up 1 → 2 workers ${(one.planSeconds / two.planSeconds).toFixed(2)}×` : ''),
      });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
