/**
 * HTTP API benchmarks (`npm run bench -- api`; needs `npm run build`): `wattshift serve` runs as
 * its own process on 127.0.0.1 (the compiled command, rate limit off) and autocannon loads it
 * from this process. On SQLite and on PostgreSQL (WATTSHIFT_TEST_PG_URL or the local cluster;
 * skipped when unreachable):
 * - a run's summary (the CLI's summary.json of the Texas example) and a ledger page (one site,
 *   one month, 744 rows × 4 columns), at 10 and 100 connections: requests per second and the
 *   p50 and p99 latency;
 * - 20 runs submitted at once (the small 48-hour scenario): all accepted, all finished, none
 *   lost, and how long until the last one ends.
 * Each row's median is the p50 latency (or the time until the last run ends); the note has
 * the throughput and the tail. The baseline is the health check (no token, one database ping):
 * what the HTTP stack and the load generator manage on this machine in the same run. The
 * machine is shared: compare rows of the same run (the note gives the load average).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { openStore } from '../src/store/index.ts';
import { base, PRICE_CSV } from '../test/helpers/fuzz-scenarios.ts';
import { postgresDatabases } from '../test/helpers/databases.ts';
import { markdownTable, type BenchResult } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wattshift.mjs');
/** Seconds of load per row (after a one-second warm-up). */
const SECONDS = Number(process.env.WATTSHIFT_BENCH_SECONDS ?? 10);

interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts `wattshift serve` on a free port and waits for its URL line. */
async function serve(db: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--rate-limit', '0', '--max-queue', '1000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function api(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(init.body ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function waitAll(url: string, token: string, ids: string[], timeoutMs = 900_000): Promise<Record<string, string>> {
  const t0 = Date.now();
  const done: Record<string, string> = {};
  while (Object.keys(done).length < ids.length) {
    for (const id of ids) {
      if (done[id]) continue;
      const s = (await api(`${url}/api/v1/runs/${id}`, token)).json.status as string;
      if (!['queued', 'running'].includes(s)) done[id] = s;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error('runs did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
  return done;
}

/** One autocannon load; the row's median is p50 latency. */
async function load(name: string, url: string, token: string, connections: number): Promise<BenchResult> {
  const headers = { authorization: `Bearer ${token}` };
  await autocannon({ url, connections, duration: 1, headers });
  const r = await autocannon({ url, connections, duration: SECONDS, headers });
  const bad = r.non2xx + r.errors + r.timeouts;
  return {
    name,
    size: `${connections} connections, ${SECONDS} s`,
    medianMs: r.latency.p50,
    runs: r.requests.total,
    note: `${Math.round(r.requests.average).toLocaleString('en-US')} req/s; p99 ${r.latency.p99} ms${bad ? `; ${bad} errors or non-2xx` : ''}; load ${loadavg()[0]!.toFixed(1)}`,
  };
}

/** The rows of one database. */
async function rows(kind: string, db: string): Promise<BenchResult[]> {
  const store = await openStore(db);
  const token = (await store.tokens.create('operator', 'bench')).secret;
  await store.close();
  const s = await serve(db);
  const out: BenchResult[] = [];
  try {
    const started = await api(`${s.url}/api/v1/runs`, token, { method: 'POST', body: { example: 'texas-single-site', command: 'simulate' } });
    const id = started.json.id as string;
    const status = await waitAll(s.url, token, [id]);
    if (status[id] !== 'succeeded') throw new Error(`the Texas run ${status[id]}`);
    for (const c of [10, 100]) out.push(await load(`baseline: health check (no token), ${kind}`, `${s.url}/api/v1/health`, token, c));
    for (const c of [10, 100]) out.push(await load(`summary read, ${kind}`, `${s.url}/api/v1/runs/${id}/summary`, token, c));
    const page = `${s.url}/api/v1/runs/${id}/ledger?site=dallas&from=2023-07-01T00:00&to=2023-08-01T00:00&limit=744&columns=itKW,coolingKW,gridImportKW,importPrice`;
    for (const c of [10, 100]) out.push(await load(`ledger page (one site-month, 744 rows × 4 columns), ${kind}`, page, token, c));

    // 20 runs at once
    const up = await api(`${s.url}/api/v1/scenarios`, token, { method: 'POST', body: { scenario: stringify(base()), entry: 'small.yaml', files: { 'price.csv': { text: PRICE_CSV } } } });
    const scenarioId = (up.json.scenario as { id: string }).id;
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api(`${s.url}/api/v1/runs`, token, { method: 'POST', body: { scenarioId, command: 'simulate' } })));
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.json.id as string);
    const ends = await waitAll(s.url, token, accepted);
    const ms = performance.now() - t0;
    const succeeded = Object.values(ends).filter((x) => x === 'succeeded').length;
    out.push({ name: `20 runs submitted at once (48 h simulate), ${kind}`, size: `${availableParallelism()} workers`, medianMs: Math.round(ms), runs: 1, note: `${accepted.length}/20 accepted, ${succeeded}/20 succeeded, ${20 - Object.keys(ends).length} lost` });
  } finally {
    await s.stop();
  }
  return out;
}

/** Runs the API benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-api-bench-'));
  const out: BenchResult[] = [];
  try {
    out.push(...(await rows('SQLite', join(dir, 'bench.db'))));
    const pg = await postgresDatabases();
    if ('skipReason' in pg) out.push({ name: 'PostgreSQL', size: '—', medianMs: 0, runs: 0, note: `skipped: ${pg.skipReason}` });
    else {
      try {
        out.push(...(await rows('PostgreSQL', await pg.create())));
      } finally {
        await pg.dropAll();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
