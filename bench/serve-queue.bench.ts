/**
 * A run's latency through the API, from `POST /runs` to its stored end, on a server executing
 * runs in its own thread (`--workers 1`) and on a server with `--queue` and one
 * `wattshift worker --concurrency 1`, in the same session, one run at a time: the queue's cost
 * per run (Redis round trips, the worker's own store connection, progress relayed through
 * QueueEvents) is the difference of the medians. Each server has its own SQLite store in a
 * temporary folder; Redis is a private redis-server. The run is the Phoenix example's
 * `simulate` (6.5 hours at 15 minutes), short enough for the overhead to show.
 *
 * Run: `npm run bench -- serve-queue`
 */
import { join } from 'node:path';
import { openStore } from '../src/store/open.ts';
import { call, startServe, type ServeProcess } from '../test/helpers/serve-process.ts';
import { median, type BenchResult } from './harness.ts';
import { startBenchQueue } from './queue-fixture.ts';

const RUN = { example: 'phoenix-2025', command: 'simulate' };
const RUNS = 7;

async function tokenFor(db: string): Promise<string> {
  const store = await openStore(db);
  try {
    return (await store.tokens.create('operator')).secret;
  } finally {
    await store.close();
  }
}

/** Median latency of RUNS runs, ms, after one untimed run (warm threads and caches). */
async function timeRuns(server: ServeProcess, token: string): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const r = await call(`${server.url}/api/v1/runs`, token, { method: 'POST', body: RUN });
    if (r.status !== 202) throw new Error(`POST /runs answered ${r.status}: ${r.text}`);
    const id = r.json().id as string;
    for (;;) {
      const run = (await call(`${server.url}/api/v1/runs/${id}`, token)).json() as { status: string };
      if (run.status === 'succeeded') break;
      if (run.status !== 'queued' && run.status !== 'running') throw new Error(`run ${id} ended ${run.status}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    if (i > 0) ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Runs the benchmark. */
export async function run(): Promise<BenchResult[]> {
  await (await import('../test/global-setup.ts')).default(); // servers and workers run dist/
  const q = await startBenchQueue('serve-queue');
  const rows: BenchResult[] = [];
  const servers: ServeProcess[] = [];
  try {
    const localDb = join(q.dir, 'local.db');
    const localToken = await tokenFor(localDb);
    const local = await startServe(localDb, ['--workers', '1', '--rate-limit', '0']);
    servers.push(local);
    const inProcess = await timeRuns(local, localToken);
    await local.stop();
    rows.push({ name: 'serve, run in its own thread (--workers 1)', size: 'phoenix-2025 simulate', medianMs: Math.round(inProcess), runs: RUNS, note: 'POST /runs → succeeded' });

    const queueDb = join(q.dir, 'queue.db');
    const queueToken = await tokenFor(queueDb);
    const queued = await startServe(queueDb, ['--queue', q.redisUrl, '--rate-limit', '0']);
    servers.push(queued);
    await q.addWorkers(queueDb);
    const onQueue = await timeRuns(queued, queueToken);
    rows.push({
      name: 'serve --queue, 1 worker process (--concurrency 1)',
      size: 'phoenix-2025 simulate',
      medianMs: Math.round(onQueue),
      runs: RUNS,
      note: `overhead ${Math.round(onQueue - inProcess)} ms per run (${(onQueue / inProcess).toFixed(2)}× the in-process latency)`,
    });
  } finally {
    for (const s of servers) if (s.child.exitCode === null) await s.stop();
    await q.dispose();
  }
  return rows;
}
