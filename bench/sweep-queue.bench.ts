/**
 * A 1,000-point design sweep (the Phoenix example: 6.5 hours at 15 minutes, so a point costs
 * tens of milliseconds and the queue's own cost shows) run in-process on 1 and 2 worker threads
 * and on the work queue with 1 and 2 `wattshift worker` processes (one job at a time each),
 * with a private redis-server and a SQLite store in a temporary folder. Queue overhead per job
 * = (queue time − in-process time at the same parallelism) / points. Needs redis-server and
 * the compiled command (built here when older than the sources).
 *
 * Run: `npm run bench -- sweep-queue`
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sweepDesigns } from '../src/finance/sweep.ts';
import { openWorkQueue } from '../src/queue/work-queue.ts';
import { median, type BenchResult } from './harness.ts';
import { startBenchQueue } from './queue-fixture.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PHOENIX = join(ROOT, 'examples', 'phoenix-2025.yaml');
/** 50 discount rates × 20 GPU counts. */
const SPEC = 'finance.discountRate=0.01..0.50:0.01;it.A100.gpus=150..245:5';
const POINTS = 1_000;
const RUNS = 3;

/** Median wall time of RUNS sweeps, ms (after one untimed run that warms threads or workers). */
async function timeSweeps(run: () => Promise<{ points: unknown[] }>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const r = await run();
    if (r.points.length !== POINTS) throw new Error(`expected ${POINTS} points, got ${r.points.length}`);
    if (i > 0) ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Runs the benchmark. */
export async function run(): Promise<BenchResult[]> {
  await (await import('../test/global-setup.ts')).default(); // the workers run dist/
  const q = await startBenchQueue('queue');
  const db = join(q.dir, 'store.db');
  const rows: BenchResult[] = [];
  const inProcess: number[] = [];
  try {
    for (const threads of [1, 2]) {
      const ms = await timeSweeps(() => sweepDesigns(PHOENIX, SPEC, { workers: threads }));
      inProcess[threads] = ms;
      rows.push({ name: `in-process pool, ${threads} worker thread${threads > 1 ? 's' : ''}`, size: `${POINTS} points`, medianMs: Math.round(ms), runs: RUNS, note: `${((POINTS / ms) * 1000).toFixed(1)} points/s` });
    }
    const queue = await openWorkQueue({ queue: q.redisUrl, db });
    try {
      for (const n of [1, 2]) {
        await q.addWorkers(db, n - q.workerCount());
        const ms = await timeSweeps(() => sweepDesigns(PHOENIX, SPEC, { pool: queue.sweepPool }));
        const overhead = (ms - inProcess[n]!) / POINTS;
        rows.push({
          name: `queue (Redis + SQLite store), ${n} worker process${n > 1 ? 'es' : ''}`,
          size: `${POINTS} points`,
          medianMs: Math.round(ms),
          runs: RUNS,
          note: `${((POINTS / ms) * 1000).toFixed(1)} points/s; overhead ${overhead.toFixed(2)} ms per job against ${n} thread${n > 1 ? 's' : ''} in-process (${(ms / inProcess[n]!).toFixed(2)}×)`,
        });
      }
    } finally {
      await queue.close();
    }
  } finally {
    await q.dispose();
  }
  return rows;
}
