/**
 * VTN throughput: reports accepted per second, and a burst from 1,000 VENs with nothing lost.
 * The VTN runs in a child process (bench/vtn-server.ts) on SQLite (a file, synchronous=FULL as
 * in production) and on PostgreSQL when reachable (WATTSHIFT_TEST_PG_URL, as the tests);
 * `VTN_DB=sqlite` or `VTN_DB=postgres` runs one of them; the load comes from this process.
 *
 * - setup: 1,000 VEN clients, each with its VEN object and a token; one program and one
 *   untargeted event every VEN sees;
 * - burst: every VEN posts REPORTS_PER_VEN reports at once (1,000 concurrent connections);
 *   stored = sent is checked by counting rows afterwards;
 * - sustained: autocannon, 100 connections for 10 s (three runs, the median reported), each
 *   request a report of one of the VENs; then the same with business logic subscribed to
 *   reports by webhook (a callback server in this process), counting the notifications delivered;
 * - baseline in the same run: one VEN posting reports one after another (each waits for its
 *   commit: the cost group commit saves), and GET /auth/server (no database).
 * Reported: the median latency per request in the table; throughput, and the server's CPU time
 * per report (from /proc, so steadier than throughput on a shared machine), in the note.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { createVtn } from '../src/openadr/vtn/index.ts';
import { openStore } from '../src/store/index.ts';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../test/helpers/databases.ts';
import { markdownTable, median, type BenchResult } from './harness.ts';

const VENS = 1000;
const REPORTS_PER_VEN = 5;
const SUSTAIN_S = 10;
const SUSTAIN_RUNS = 3;
const CONNECTIONS = 100;

interface Autocannon {
  (opts: Record<string, unknown>): Promise<{ requests: { average: number; total: number }; latency: { p50: number; p99: number }; '2xx': number; non2xx: number; errors: number; timeouts: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Setup {
  tokens: string[];
  eventId: string;
  /** A business-logic client (id, secret). */
  bl: { id: string; secret: string };
}

/** Clients, VENs, tokens, a program and an event, written straight to the store. */
async function setup(location: string): Promise<Setup> {
  const store = await openStore(location);
  const vtn = await createVtn({ store, delivery: { paused: true } });
  const bl = { clientId: 'bench-bl', role: 'bl' as const, scopes: new Set(['write_vens']) };
  const tokens = await Promise.all(
    Array.from({ length: VENS }, async (_, i) => {
      const c = await vtn.clients.create('ven');
      await vtn.vens.create(bl, { objectType: 'BL_VEN_REQUEST', venName: `bench-ven-${i}`, clientID: c.id, targets: [`site-${i}`] });
      return (await vtn.tokens.issue(c, c.scopes)).access_token;
    }),
  );
  const blClient = await vtn.clients.create('bl', { name: 'bench-bl' });
  const program = await vtn.programs.create({ programName: 'bench' });
  const event = await vtn.events.create({ programID: program.id, intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1000] }] }] });
  await vtn.close();
  await store.close();
  return { tokens, eventId: event.id, bl: { id: blClient.id, secret: blClient.secret } };
}

function report(eventId: string, i: number): string {
  return JSON.stringify({ eventID: eventId, clientName: `bench-ven-${i}`, resources: [{ resourceName: 'hall-1', intervals: [{ id: 0, payloads: [{ type: 'USAGE', values: [812.5] }] }] }] });
}

async function startServer(location: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<number> }> {
  const script = fileURLToPath(new URL('./vtn-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, location], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"url":"([^"]+)"\}/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`VTN server exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<number>((resolve) => {
        child.once('exit', () => resolve(Number(/"commits":(\d+)/.exec(out)?.[1] ?? NaN)));
        child.kill('SIGTERM');
      }),
  };
}

/** CPU time (user + system) a process has used so far, ms; NaN where /proc is missing. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in ticks of 10 ms
  } catch {
    return NaN;
  }
}

const perReport = (cpu: number, n: number) => (Number.isFinite(cpu) ? `; server CPU ${(cpu / n).toFixed(2)} ms per report` : '');

async function fetchToken(url: string, c: { id: string; secret: string }): Promise<string> {
  const r = await request(`${url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }).toString() });
  return ((await r.body.json()) as { access_token: string }).access_token;
}

async function countReports(location: string): Promise<number> {
  const store = await openStore(location);
  try {
    const r = await store.db.selectFrom('oadr_reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await store.close();
  }
}

async function onDatabase(kind: string, dbs: ScratchDatabases): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const location = await dbs.create();
  const t0 = performance.now();
  const s = await setup(location);
  rows.push({ name: `${kind}: set up ${VENS} VEN clients, VEN objects and tokens`, size: `${VENS} VENs`, medianMs: Math.round(performance.now() - t0), runs: 1 });
  const server = await startServer(location);
  const url = server.url;
  const agent = new Agent({ connections: VENS + 10, pipelining: 1 });
  const post = async (i: number): Promise<{ status: number; ms: number }> => {
    const t = performance.now();
    const r = await request(`${url}/reports`, { method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${s.tokens[i]}`, 'content-type': 'application/json' }, body: report(s.eventId, i) });
    await r.body.dump();
    return { status: r.statusCode, ms: performance.now() - t };
  };
  try {
    // baseline 1: one VEN, one report at a time (every request waits for its own commit)
    const seq: number[] = [];
    for (let k = 0; k < 200; k++) {
      const r = await post(0);
      if (r.status !== 201) throw new Error(`report refused: ${r.status}`);
      seq.push(r.ms);
    }
    const seqMs = median(seq);
    rows.push({ name: `${kind}: one VEN posting reports one after another`, size: '200 reports', medianMs: round(seqMs), runs: 200, note: `${Math.round(1000 / seqMs)} reports/s` });
    // baseline 2: a request that touches no database
    const info = await autocannon({ url: `${url}/auth/server`, connections: CONNECTIONS, duration: 5 });
    rows.push({ name: `${kind}: GET /auth/server (no database), autocannon`, size: `${CONNECTIONS} connections, 5 s`, medianMs: info.latency.p50, runs: info.requests.total, note: `${Math.round(info.requests.average)} requests/s` });

    // burst: 1,000 VENs at once, REPORTS_PER_VEN each
    const before = await countReports(location);
    const cpuB = cpuMs(server.child.pid);
    const tb = performance.now();
    const results = await Promise.all(
      Array.from({ length: VENS }, async (_, i) => {
        const out: { status: number; ms: number }[] = [];
        for (let k = 0; k < REPORTS_PER_VEN; k++) out.push(await post(i));
        return out;
      }),
    );
    const burstS = (performance.now() - tb) / 1000;
    const burstCpu = cpuMs(server.child.pid) - cpuB;
    const flat = results.flat();
    const ok = flat.filter((r) => r.status === 201).length;
    const stored = (await countReports(location)) - before;
    rows.push({
      name: `${kind}: burst, ${VENS} VENs × ${REPORTS_PER_VEN} reports at once`,
      size: `${flat.length} reports`,
      medianMs: round(median(flat.map((r) => r.ms))),
      runs: flat.length,
      note: `${Math.round(flat.length / burstS)} reports/s; 201: ${ok}, stored: ${stored}, lost: ${ok - stored}, refused: ${flat.length - ok}${perReport(burstCpu, flat.length)}`,
    });
    if (stored !== ok) throw new Error(`${kind}: ${ok} reports accepted but ${stored} stored`);

    // sustained: autocannon, reports from rotating VENs; SUSTAIN_RUNS runs, the median reported
    const requests = Array.from({ length: VENS }, (_, i) => ({ method: 'POST', path: new URL(`${url}/reports`).pathname, headers: { authorization: `Bearer ${s.tokens[i]}`, 'content-type': 'application/json' }, body: report(s.eventId, i) }));
    const sustain = async (label: string, size: string, after?: (stored: number) => Promise<string>) => {
      const runs: { perS: number; p50: number; p99: number; cpu: number; stored: number; ok: number; note: string }[] = [];
      for (let k = 0; k < SUSTAIN_RUNS; k++) {
        const before = await countReports(location);
        const cpu0 = cpuMs(server.child.pid);
        const r = await autocannon({ url, connections: CONNECTIONS, duration: SUSTAIN_S, requests });
        const cpu = cpuMs(server.child.pid) - cpu0;
        const stored = (await countReports(location)) - before;
        if (stored < r['2xx'] || r.non2xx > 0 || r.errors > 0) throw new Error(`${kind}: ${r['2xx']} reports accepted, ${stored} stored, ${r.non2xx} refused, ${r.errors} errors`);
        runs.push({ perS: r['2xx'] / SUSTAIN_S, p50: r.latency.p50, p99: r.latency.p99, cpu, stored, ok: r['2xx'], note: after ? await after(stored) : '' });
      }
      const mid = [...runs].sort((a, b) => a.perS - b.perS)[Math.floor(runs.length / 2)]!;
      rows.push({
        name: `${kind}: ${label}`,
        size,
        medianMs: mid.p50,
        runs: runs.reduce((a, r) => a + r.ok, 0),
        note: `**${Math.round(mid.perS)} reports/s** accepted, median of ${runs.map((r) => Math.round(r.perS)).join(' / ')} (p99 ${mid.p99} ms); every accepted report stored, none refused${perReport(mid.cpu, mid.stored)}${mid.note}`,
      });
    };
    await sustain('reports accepted per second (autocannon)', `${CONNECTIONS} connections, ${SUSTAIN_RUNS} × ${SUSTAIN_S} s`);

    // the same with business logic subscribed to reports by webhook (a callback on 127.0.0.1):
    // each report also queues a delivery in its transaction, and the sender posts it
    // distinct reports notified (delivery is at least once: an attempt that timed out is resent)
    let delivered = new Set<string>();
    let posts = 0;
    const callback = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        posts++;
        delivered.add((JSON.parse(text) as { object: { id: string } }).object.id);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
    try {
      const cbUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/reports`;
      const token = await fetchToken(url, s.bl);
      const sub = await request(`${url}/subscriptions`, { method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ clientName: 'bench-bl', objectOperations: [{ objects: ['REPORT'], operations: ['CREATE'], callbackUrl: cbUrl, bearerToken: 'bench' }] }) });
      if (sub.statusCode !== 201) throw new Error(`subscription refused: ${sub.statusCode} ${await sub.body.text()}`);
      await sub.body.dump();
      await sustain('reports accepted per second with a webhook subscription on REPORT', `${CONNECTIONS} connections, ${SUSTAIN_RUNS} × ${SUSTAIN_S} s`, async (stored) => {
        const atEnd = delivered.size;
        const t = performance.now();
        while (delivered.size < stored && performance.now() - t < 60_000) await new Promise((r) => setTimeout(r, 100));
        const n = delivered.size;
        const extra = posts - n;
        delivered = new Set();
        posts = 0;
        return `; reports notified: ${atEnd} by the end of the run, ${n} of ${stored} ${((performance.now() - t) / 1000).toFixed(1)} s later (${extra} sent twice)`;
      });
    } finally {
      callback.closeAllConnections();
      callback.close();
    }
  } finally {
    await agent.close();
    const commits = await server.stop();
    const total = await countReports(location);
    rows.push({ name: `${kind}: write transactions committed`, size: `${total} reports`, medianMs: 0, runs: commits, note: `${(total / commits).toFixed(1)} reports per commit (group commit)` });
  }
  return rows;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The benchmark rows. */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const only = process.env.VTN_DB;
  if (only !== undefined && only !== 'sqlite' && only !== 'postgres') throw new Error(`VTN_DB=${only}: give sqlite or postgres`);
  if (only !== 'postgres') {
    const sqlite = sqliteDatabases();
    try {
      rows.push(...(await onDatabase('SQLite', sqlite)));
    } finally {
      await sqlite.dropAll();
    }
  }
  if (only === 'sqlite') return rows;
  const pg = await postgresDatabases();
  if ('skipReason' in pg) rows.push({ name: 'PostgreSQL', size: '—', medianMs: 0, runs: 0, note: `skipped: ${pg.skipReason}` });
  else {
    try {
      rows.push(...(await onDatabase('PostgreSQL', pg)));
    } finally {
      await pg.dropAll();
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
