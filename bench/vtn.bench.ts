/**
 * VTN throughput: reports accepted per second, and a burst from 1,000 VENs with nothing lost.
 * The VTN runs in a child process (bench/vtn-server.ts) on SQLite (a file, synchronous=FULL as
 * in production) and on PostgreSQL when reachable; the load comes from this process.
 *
 * - setup: 1,000 VEN clients, each with its VEN object and a token; one program and one
 *   untargeted event every VEN sees;
 * - burst: every VEN posts REPORTS_PER_VEN reports at once (1,000 concurrent connections);
 *   stored = sent is checked by counting rows afterwards;
 * - sustained: autocannon, 100 connections for 10 s, each request a report of one of the VENs;
 * - baseline in the same run: one VEN posting reports one after another (each waits for its
 *   commit: the cost group commit saves), and GET /auth/server (no database).
 * Reported: the median latency per request in the table; throughput, and the server's CPU time
 * per report (from /proc, so steadier than throughput on a shared machine), in the note.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const CONNECTIONS = 100;

interface Autocannon {
  (opts: Record<string, unknown>): Promise<{ requests: { average: number; total: number }; latency: { p50: number; p99: number }; '2xx': number; non2xx: number; errors: number; timeouts: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Setup {
  tokens: string[];
  eventId: string;
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
  const program = await vtn.programs.create({ programName: 'bench' });
  const event = await vtn.events.create({ programID: program.id, intervalPeriod: { start: '2026-07-01T16:00:00Z', duration: 'PT1H' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1000] }] }] });
  await vtn.close();
  await store.close();
  return { tokens, eventId: event.id };
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

    // sustained: autocannon, reports from rotating VENs
    const before2 = await countReports(location);
    const requests = Array.from({ length: VENS }, (_, i) => ({ method: 'POST', path: new URL(`${url}/reports`).pathname, headers: { authorization: `Bearer ${s.tokens[i]}`, 'content-type': 'application/json' }, body: report(s.eventId, i) }));
    const cpuS = cpuMs(server.child.pid);
    const sustained = await autocannon({ url, connections: CONNECTIONS, duration: SUSTAIN_S, requests });
    const sustainedCpu = cpuMs(server.child.pid) - cpuS;
    const stored2 = (await countReports(location)) - before2;
    rows.push({
      name: `${kind}: reports accepted per second (autocannon)`,
      size: `${CONNECTIONS} connections, ${SUSTAIN_S} s`,
      medianMs: sustained.latency.p50,
      runs: sustained.requests.total,
      note: `${Math.round(sustained['2xx'] / SUSTAIN_S)} reports/s accepted (p99 ${sustained.latency.p99} ms); 2xx ${sustained['2xx']}, stored ${stored2} (requests still in flight at the end are stored but not counted), non-2xx ${sustained.non2xx}, errors ${sustained.errors}${perReport(sustainedCpu, stored2)}`,
    });
    if (stored2 < sustained['2xx']) throw new Error(`${kind}: ${sustained['2xx']} reports accepted but ${stored2} stored`);
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
  const sqlite = sqliteDatabases();
  try {
    rows.push(...(await onDatabase('SQLite', sqlite)));
  } finally {
    await sqlite.dropAll();
  }
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
