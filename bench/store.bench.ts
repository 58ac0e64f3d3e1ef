/**
 * Store benchmarks. The ledger is real: the naive policy simulated over the generated 100-site
 * fleet for an hourly year (876,000 site-steps, 35 columns per site). Measured on SQLite and on
 * PostgreSQL (WATTSHIFT_TEST_PG_URL or the local cluster; skipped when unreachable):
 * - writing it with a run's completion (encode + one transaction) and reading it back, with the
 *   bytes it takes, stored by column (whole-year chunks, and monthly chunks) against a
 *   row-per-step table written the fastest way each driver allows;
 * - reading one site-month page (the API's typical ledger request);
 * - the encodings considered for ledger columns and for result blobs;
 * - the cost of synchronous=FULL against NORMAL per SQLite commit, and of Kysely per query.
 */
import { statSync } from 'node:fs';
import { brotliCompressSync, constants, deflateRawSync, gzipSync, inflateRawSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { run as runScenario } from '../src/pipeline.ts';
import { naiveDispatch } from '../src/plan/naive.ts';
import { renderReportHtml, ledgerCsv } from '../src/report/index.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import type { Ledger } from '../src/simulate/ledger.ts';
import { simulate } from '../src/simulate/engine.ts';
import { encodeLedger } from '../src/store/ledgers.ts';
import { makeBundle, openStore, SITE_COLUMNS, WORKLOAD_FIELD_NAMES, type Store } from '../src/store/index.ts';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../test/helpers/databases.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, median, timeIt, type BenchResult } from './harness.ts';

const MB = 1e6;
const mb = (b: number): string => `${(b / MB).toFixed(1)} MB`;

/**
 * timeIt, plus the process CPU time per run in the note: on a shared machine the wall time
 * includes waiting for a core, the CPU time does not.
 */
async function timeCpu(name: string, size: string, fn: () => unknown, opts: { runs?: number; warmup?: number } = {}): Promise<BenchResult> {
  const c0 = process.cpuUsage();
  const r = await timeIt(name, size, fn, opts);
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000 / ((opts.runs ?? 5) + (opts.warmup ?? 1));
  r.note = `CPU ${cpuMs >= 1000 ? `${(cpuMs / 1000).toFixed(2)} s` : `${cpuMs.toFixed(1)} ms`}`;
  return r;
}

/** Runs `fn` `runs` times; the row's median is wall time, the note the median CPU time per call. */
async function cpuMedian(name: string, size: string, runs: number, fn: () => Promise<unknown>): Promise<BenchResult> {
  const wall: number[] = [], cpu: number[] = [];
  await fn();
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { name, size, medianMs: Math.round(median(wall) * 100) / 100, runs, note: `CPU ${median(cpu).toFixed(1)} ms (median)` };
}

/** The 100-site year, simulated once. */
function fleetLedger(): { ledger: Ledger; zones: string[] } {
  const scenario = Scenario.parse(generateFleet(100));
  const model = buildFleetModel(resolveScenario(scenario, 'generated.yaml', FLEET_BASE_DIR));
  return { ledger: simulate(model, naiveDispatch(model)), zones: model.sites.map((s) => s.timeZone) };
}

/** Every Float64 column of the ledger (what a row-per-step table holds per site and step). */
function columnsOf(ledger: Ledger): Array<{ site: number; values: Float64Array[] }> {
  return ledger.sites.map((s, i) => ({ site: i, values: [...SITE_COLUMNS.map((f) => s[f]), ...s.workloads.flatMap((w) => WORKLOAD_FIELD_NAMES.map((f) => w[f]))] }));
}

/** Writes a run with the ledger through the store; returns the run id. */
async function writeRun(store: Store, scenarioId: string, ledger: Ledger, zones: string[], chunkSteps?: number): Promise<string> {
  const run = await store.runs.create({ scenarioId, command: 'simulate', softwareVersion: 'bench' });
  await store.runs.start(run.id);
  await store.runs.complete(run.id, { results: [], ledger: { ledger, siteTimeZones: zones, ...(chunkSteps ? { chunkSteps } : {}) } });
  return run.id;
}

async function storedChunkBytes(store: Store, runId: string): Promise<number> {
  const r = await store.db
    .selectFrom('ledger_chunks')
    .select((eb) => eb.fn.sum<number>(store.dialect === 'postgres' ? sql`octet_length(data)` : sql`length(data)`).as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Ledger write and read rows for one database kind. */
async function ledgerRows(dbs: ScratchDatabases, ledger: Ledger, zones: string[]): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const kind = dbs.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const size = '100 sites × 8760 h × 35 cols';
  const location = await dbs.create();
  const store = await openStore(location);
  const { scenario } = await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': 'name: bench\n' }), { name: 'bench' });
  const raw = columnsOf(ledger).reduce((n, s) => n + s.values.length * ledger.grid.steps * 8, 0);

  for (const [label, chunkSteps] of [['744-step chunks (default)', undefined], ['whole-year chunks', 8784]] as const) {
    const ids: string[] = [];
    const w = await timeCpu(`${kind}: write ledger by column, ${label}`, size, async () => void ids.push(await writeRun(store, scenario.id, ledger, zones, chunkSteps)), { runs: 3, warmup: 0 });
    const stored = await storedChunkBytes(store, ids[0]!);
    w.note = `${w.note}; ${mb(stored)} stored (${(raw / stored).toFixed(1)}× smaller than ${mb(raw)} of Float64); includes encoding`;
    out.push(w);
    const id = ids[0]!;
    out.push(await timeCpu(`${kind}: load whole ledger (${label})`, size, () => store.ledgers.load(id), { runs: 3 }));
    let i = 0;
    out.push(
      await cpuMedian(`${kind}: read one site-month page (${label})`, '744 rows × 21 cols', 61, () => {
        i++; // a different site and month each time
        return store.ledgers.read(id, { sites: [`s${String((i * 37) % 100).padStart(3, '0')}`], fromMs: Date.UTC(2023, i % 11, 1), toMs: Date.UTC(2023, (i % 11) + 1, 1), limit: 744 });
      }),
    );
    if (chunkSteps === undefined) {
      out.push(
        await timeCpu(`${kind}: page through every row (10,000-row pages, 4 columns)`, '876,000 rows', async () => {
          let cursor: string | undefined;
          do {
            const p = await store.ledgers.read(id, { columns: ['itKW', 'facilityKW', 'gridImportKW', 'importPrice'], limit: 10_000, ...(cursor ? { cursor } : {}) });
            cursor = p.next ?? undefined;
          } while (cursor);
        }, { runs: 1, warmup: 0 }),
      );
    }
  }
  if (dbs.kind === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    out.push({ name: 'SQLite: database file after 6 ledgers', size: '6 × 100-site years', medianMs: 0, runs: 1, note: `${mb(statSync(location).size)} on disk` });
  } else {
    const r = await sql<{ n: string }>`select pg_total_relation_size('ledger_chunks')::text as n`.execute(store.db);
    out.push({ name: 'PostgreSQL: ledger_chunks with TOAST and index after 6 ledgers', size: '6 × 100-site years', medianMs: 0, runs: 1, note: `${mb(Number(r.rows[0]!.n))} on disk` });
  }
  await store.close();
  out.push(...(await rowPerStep(dbs, ledger)));
  return out;
}

/** The alternative: one SQL row per (site, step), 35 float columns, written in one transaction. */
async function rowPerStep(dbs: ScratchDatabases, ledger: Ledger): Promise<BenchResult[]> {
  const cols = columnsOf(ledger);
  const n = cols[0]!.values.length;
  const names = Array.from({ length: n }, (_, k) => `c${k}`);
  const steps = ledger.grid.steps;
  const size = '876,000 rows × 35 cols';
  const location = await dbs.create();
  if (dbs.kind === 'sqlite') {
    const db = new Sqlite(location);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`create table rows (run_id text not null, site integer not null, step integer not null, ${names.map((c) => `${c} double precision`).join(', ')}, primary key (run_id, site, step)) without rowid`);
    const ins = db.prepare(`insert into rows values (?, ?, ?, ${names.map(() => '?').join(', ')})`);
    let k = 0;
    const w = await timeCpu('SQLite: write row-per-step table (prepared insert, one transaction)', size, () => {
      const runId = `r${k++}`;
      db.transaction(() => {
        const args: Array<string | number> = new Array(3 + n);
        for (const s of cols) {
          for (let t = 0; t < steps; t++) {
            args[0] = runId; args[1] = s.site; args[2] = t;
            for (let c = 0; c < n; c++) args[3 + c] = s.values[c]![t]!;
            ins.run(args);
          }
        }
      })();
    }, { runs: 1, warmup: 0 });
    db.pragma('wal_checkpoint(TRUNCATE)');
    w.note = `${w.note}; ${mb(statSync(location).size)} on disk`;
    const read = db.prepare('select * from rows where run_id = ? and site = ? and step >= ? and step < ?').raw(true);
    let i = 0;
    const r = await cpuMedian('SQLite: read one site-month from it', '744 rows × 35 cols', 61, () => {
      i++;
      return Promise.resolve(read.all('r0', (i * 37) % 100, (i % 11) * 730, (i % 11) * 730 + 744));
    });
    const all = await timeCpu('SQLite: read it all back (rows as arrays)', size, () => db.prepare('select * from rows where run_id = ?').raw(true).all('r0'), { runs: 1, warmup: 0 });
    db.close();
    return [w, r, all];
  }
  const store = await openStore(location);
  await sql.raw(`create table rows (run_id text not null, site integer not null, step integer not null, ${names.map((c) => `${c} double precision`).join(', ')}, primary key (run_id, site, step))`).execute(store.db);
  const BATCH = 20_000;
  const w = await timeCpu('PostgreSQL: write row-per-step table (unnest arrays, 20k-row batches, one transaction)', size, async () => {
    await store.transaction(async (trx) => {
      for (let from = 0; from < cols.length * steps; from += BATCH) {
        const to = Math.min(cols.length * steps, from + BATCH);
        const site: number[] = [], step: number[] = [];
        const values: number[][] = names.map(() => []);
        for (let i = from; i < to; i++) {
          const s = Math.floor(i / steps), t = i % steps;
          site.push(s);
          step.push(t);
          for (let c = 0; c < n; c++) values[c]!.push(cols[s]!.values[c]![t]!);
        }
        await sql`insert into rows select 'r0', * from unnest(${site}::int[], ${step}::int[], ${sql.join(values.map((v) => sql`${v}::float8[]`))})`.execute(trx);
      }
    });
  }, { runs: 1, warmup: 0 });
  const bytes = await sql<{ n: string }>`select pg_total_relation_size('rows')::text as n`.execute(store.db);
  w.note = `${w.note} (client); ${mb(Number(bytes.rows[0]!.n))} on disk`;
  let i = 0;
  const r = await cpuMedian('PostgreSQL: read one site-month from it', '744 rows × 35 cols', 61, () => {
    i++;
    return sql`select * from rows where run_id = 'r0' and site = ${(i * 37) % 100} and step >= ${(i % 11) * 730} and step < ${(i % 11) * 730 + 744}`.execute(store.db);
  });
  const all = await timeIt('PostgreSQL: read it all back', size, () => sql`select * from rows where run_id = 'r0'`.execute(store.db), { runs: 1, warmup: 0 });
  await store.close();
  return [w, r, all];
}

/** Encodings considered for ledger columns (time over all 3,500 columns, bytes). */
function ledgerEncodings(ledger: Ledger): BenchResult[] {
  const columns = columnsOf(ledger).flatMap((s) => s.values);
  const raw = columns.reduce((a, c) => a + c.byteLength, 0);
  const bytesOf = (c: Float64Array): Buffer => Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  const shuffle = (c: Float64Array): Buffer => {
    const b = bytesOf(c), o = Buffer.allocUnsafe(b.length), m = c.length;
    for (let i = 0; i < m; i++) for (let k = 0; k < 8; k++) o[k * m + i] = b[i * 8 + k]!;
    return o;
  };
  const variants: Array<[string, (c: Float64Array) => Buffer]> = [
    ['DEFLATE level 1 (chosen)', (c) => deflateRawSync(bytesOf(c), { level: 1 })],
    ['DEFLATE level 6', (c) => deflateRawSync(bytesOf(c), { level: 6 })],
    ['byte shuffle + DEFLATE level 1', (c) => deflateRawSync(shuffle(c), { level: 1 })],
    ['byte shuffle + Brotli quality 4', (c) => brotliCompressSync(shuffle(c), { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
  ];
  const out: BenchResult[] = [];
  for (const [name, f] of variants) {
    const times: number[] = [];
    let bytes = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      bytes = 0;
      for (const c of columns) bytes += f(c).length;
      times.push(performance.now() - t0);
    }
    out.push({ name: `ledger columns: ${name}`, size: `3,500 columns, ${mb(raw)}`, medianMs: Math.round(median(times)), runs: 3, note: mb(bytes) });
  }
  const packed = columns.map((c) => deflateRawSync(bytesOf(c), { level: 1 }));
  const t0 = performance.now();
  for (const p of packed) inflateRawSync(p);
  out.push({ name: 'ledger columns: inflate (DEFLATE level 1)', size: `3,500 columns, ${mb(raw)}`, medianMs: Math.round(performance.now() - t0), runs: 1 });
  return out;
}

/** Encodings considered for result blobs, on the Texas example's real outputs. */
async function blobEncodings(): Promise<BenchResult[]> {
  const r = await runScenario(new URL('../examples/texas-single-site.yaml', import.meta.url).pathname);
  const tz = r.model.sites.map((s) => s.timeZone);
  const files: Array<[string, Buffer]> = [
    ['summary.json', Buffer.from(JSON.stringify(r.summary, null, 2))],
    ['report.html', Buffer.from(renderReportHtml({ summary: r.summary, ledger: r.ledger, bills: r.bills, siteTimeZones: tz }))],
    ['ledger.csv', Buffer.from([...ledgerCsv(r.ledger, tz, r.model.currency)].join(''))],
  ];
  const out: BenchResult[] = [];
  for (const [name, b] of files) {
    for (const [enc, f] of [
      ['gzip -6', (x: Buffer) => gzipSync(x, { level: 6 })],
      ['Brotli 4 (chosen)', (x: Buffer) => brotliCompressSync(x, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
    ] as const) {
      let len = 0;
      const row = await timeIt(`blob ${name}: ${enc}`, `${(b.length / 1000).toFixed(0)} kB`, () => (len = f(b).length), { runs: 5 });
      row.note = `${(len / 1000).toFixed(1)} kB`;
      out.push(row);
    }
  }
  return out;
}

/** What fsync per commit costs, and what Kysely adds per query, on SQLite. */
async function commitAndQueryCosts(): Promise<BenchResult[]> {
  const dbs = sqliteDatabases();
  const out: BenchResult[] = [];
  try {
    const location = await dbs.create();
    const store = await openStore(location);
    const { scenario } = await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': 'x' }), { name: 'x' });
    const run = await store.runs.create({ scenarioId: scenario.id, command: 'simulate', softwareVersion: 'bench' });
    await store.runs.start(run.id);
    for (const mode of ['FULL', 'NORMAL']) {
      await sql.raw(`pragma synchronous = ${mode}`).execute(store.db);
      let p = 0;
      const r = await timeIt(`SQLite commit (runs.progress), synchronous=${mode}`, '200 commits', async () => {
        for (let i = 0; i < 200; i++) await store.runs.progress(run.id, (p = (p + 0.001) % 1));
      }, { runs: 3 });
      r.note = `${(r.medianMs / 200).toFixed(2)} ms per commit`;
      out.push(r);
    }
    await sql`pragma synchronous = FULL`.execute(store.db);
    const k = await timeIt('runs.get through Kysely', '2,000 reads', async () => {
      for (let i = 0; i < 2000; i++) await store.runs.get(run.id);
    }, { runs: 3 });
    const raw = new Sqlite(location, { readonly: true });
    const stmt = raw.prepare('select * from runs where id = ?');
    const d = await timeIt('same read, better-sqlite3 prepared statement', '2,000 reads', () => {
      for (let i = 0; i < 2000; i++) stmt.get(run.id);
    }, { runs: 3 });
    k.note = `${((k.medianMs / 2000) * 1000).toFixed(0)} µs per read`;
    d.note = `${((d.medianMs / 2000) * 1000).toFixed(0)} µs per read`;
    out.push(k, d);
    raw.close();
    const whole = await timeIt('run life cycle: create, start, progress, complete with 2 results', '50 runs', async () => {
      for (let i = 0; i < 50; i++) {
        const r = await store.runs.create({ scenarioId: scenario.id, command: 'simulate', softwareVersion: 'bench' });
        await store.runs.start(r.id);
        await store.runs.progress(r.id, 0.5);
        await store.runs.complete(r.id, { results: [{ name: 'summary.json', mediaType: 'application/json', content: `{"i":${i}}` }, { name: 'report.html', mediaType: 'text/html', content: '<p>x</p>'.repeat(200) }] });
      }
    }, { runs: 3 });
    whole.note = `${(whole.medianMs / 50).toFixed(1)} ms per run`;
    out.push(whole);
    await store.close();
  } finally {
    await dbs.dropAll();
  }
  return out;
}

/** Runs the store benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const t0 = performance.now();
  const { ledger, zones } = fleetLedger();
  const results: BenchResult[] = [{ name: 'simulate the 100-site year (input, not stored)', size: '100 sites × 8760 h', medianMs: Math.round(performance.now() - t0), runs: 1 }];
  const e = await timeCpu('encode the ledger (thread pool, no database)', '100 sites × 8760 h × 35 cols', () => encodeLedger(ledger, zones), { runs: 3 });
  results.push(e);
  const sqlite = sqliteDatabases();
  try {
    results.push(...(await ledgerRows(sqlite, ledger, zones)));
  } finally {
    await sqlite.dropAll();
  }
  const pg = await postgresDatabases();
  if ('skipReason' in pg) results.push({ name: 'PostgreSQL', size: '—', medianMs: 0, runs: 0, note: `skipped: ${pg.skipReason}` });
  else {
    try {
      results.push(...(await ledgerRows(pg, ledger, zones)));
    } finally {
      await pg.dropAll();
    }
  }
  results.push(...(await commitAndQueryCosts()));
  results.push(...ledgerEncodings(ledger));
  results.push(...(await blobEncodings()));
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
