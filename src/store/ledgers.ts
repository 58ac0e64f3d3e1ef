/**
 * Ledgers stored by column: one row per (run, site, column, chunk of `chunkSteps` steps) holding
 * the encoded Float64 values (ledger-codec.ts). A 100-site hourly year is 42,000 chunk rows and
 * 36 MB instead of 876,000 rows and 177–315 MB (docs/benchmarks.md). Reads decode only the
 * chunks a page needs.
 *
 * Column names are the ledger's own field names: site columns such as `gridImportKW`, and
 * workload columns `workload:<workload id>:<field>` such as `workload:s001-train:itKW`.
 */
import type { Ledger, SiteLedger, WorkloadFlows, WorkloadOutcome } from '../simulate/ledger.ts';
import type { SolverStats } from '../simulate/dispatch.ts';
import { gridEndMs, type TimeGrid } from '../time/grid.ts';
import { formatLocalIso, ZoneOffsets } from '../time/zone.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import { COMPRESS_CONCURRENCY, sha256Hex } from './blobs.ts';
import type { Db } from './database.ts';
import { StoreError } from './errors.ts';
import { decodeColumn, encodeColumn } from './ledger-codec.ts';
import type { LedgerInfo, LedgerPage, LedgerQuery, LedgerRow } from './types.ts';

/**
 * Steps per stored chunk: 744 (31 days of hours). A site-month page then decodes a month, not a
 * year, per column: about 3 ms of CPU against 5–5.5 ms with whole-year chunks, close to what a
 * row-per-step table costs (docs/benchmarks.md); on SQLite that time blocks the event loop.
 * The price is paid once per run: about twice the CPU to write (a zlib call per chunk costs
 * ~60 µs whatever its size) and 16 % more bytes.
 */
export const DEFAULT_CHUNK_STEPS = 744;
/** Default and largest page sizes of `read`, rows. */
export const LEDGER_PAGE_DEFAULT = 1000;
export const LEDGER_PAGE_MAX = 100_000;
const INSERT_BATCH = 200;

type F64Keys<T> = { [K in keyof T]-?: T[K] extends Float64Array ? K : never }[keyof T];

// Records over every Float64Array field: the compiler fails here when the ledger gains a column.
const SITE_FIELDS: Record<F64Keys<SiteLedger>, true> = {
  itKW: true, idleItKW: true, coolingKW: true, lossesKW: true, fixedKW: true, facilityKW: true,
  renewableAvailableKW: true, renewableUsedKW: true, renewableExportKW: true, renewableCurtailedKW: true,
  directGreenKW: true, storageChargeKW: true, storageDischargeKW: true, socKWh: true, gridImportKW: true,
  gridExportKW: true, shortfallKW: true, importPrice: true, exportPrice: true, carbonIntensity: true,
  gridRenewableShare: true,
  facilityLoadKW: true, siteLoadKW: true, generatorKW: true,
  gridToLoadKW: true, gridToStorageKW: true, renewableToLoadKW: true, renewableToStorageKW: true, storageToLoadKW: true,
  storageToGridKW: true, generatorToLoadKW: true, generatorToStorageKW: true, generatorToGridKW: true,
};
/** Site columns added with site loads, generators and the flow split; a ledger stored before them reads them as zeros. */
const LATER_SITE_COLUMNS: ReadonlySet<string> = new Set(['facilityLoadKW', 'siteLoadKW', 'generatorKW', 'gridToLoadKW', 'gridToStorageKW', 'renewableToLoadKW', 'renewableToStorageKW', 'storageToLoadKW', 'storageToGridKW', 'generatorToLoadKW', 'generatorToStorageKW', 'generatorToGridKW']);
const WORKLOAD_FIELDS: Record<F64Keys<WorkloadFlows>, true> = {
  itKW: true, gpus: true, gpuPowerW: true, throughput: true, workGpuHours: true, tokens: true, demandTokensPerSecond: true,
};

/** Site columns in storage order. */
export const SITE_COLUMNS = Object.keys(SITE_FIELDS) as Array<F64Keys<SiteLedger>>;
/** Workload fields in storage order. */
export const WORKLOAD_FIELD_NAMES = Object.keys(WORKLOAD_FIELDS) as Array<F64Keys<WorkloadFlows>>;

/** Column name of a generator's output (`kW`) or running share (`running`). */
export function generatorColumn(generatorId: string, field: 'kW' | 'running'): string {
  return `generator:${generatorId}:${field}`;
}

/** Column name of a workload field. */
export function workloadColumn(workloadId: string, field: string): string {
  return `workload:${workloadId}:${field}`;
}

/** The parts of a ledger that are not per-step columns. */
interface LedgerMeta {
  outcomes: WorkloadOutcome[];
  corrections: string[];
  notes: string[];
  maxEnergyBalanceErrorKWh: number;
  solver?: SolverStats;
  /** Generator ids per site (absent when no site has one). */
  generators?: string[][];
}

/** JSON with non-finite numbers kept (as {"$f64":"NaN"} etc.). */
function metaToJson(meta: LedgerMeta): string {
  return JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $f64: String(v) } : v));
}
function metaFromJson(text: string): LedgerMeta {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$f64') return Number((v as { $f64: string }).$f64);
    }
    return v;
  }) as LedgerMeta;
}

/** A ledger encoded and ready to insert (encoding happens before the write transaction). */
export interface EncodedLedger {
  row: { policy: string; start_ms: number; step_minutes: number; steps: number; time_zone: string; chunk_steps: number; meta_json: string };
  sites: Array<{ site_index: number; site_id: string; time_zone: string; workloads_json: string }>;
  chunks: Array<{ site_index: number; column_name: string; chunk: number; data: Buffer }>;
}

/** Encodes a ledger's columns (in libuv's thread pool) and checks its shape. */
export async function encodeLedger(ledger: Ledger, siteTimeZones: string[], chunkSteps = DEFAULT_CHUNK_STEPS): Promise<EncodedLedger> {
  const { grid } = ledger;
  if (siteTimeZones.length !== ledger.sites.length) throw new RangeError(`ledger has ${ledger.sites.length} sites but ${siteTimeZones.length} time zones were given`);
  if (!Number.isInteger(chunkSteps) || chunkSteps < 1) throw new RangeError(`chunkSteps must be a positive integer, got ${chunkSteps}`);
  const jobs: Array<{ site_index: number; column_name: string; chunk: number; values: Float64Array }> = [];
  const addColumn = (siteIndex: number, name: string, values: Float64Array): void => {
    if (values.length !== grid.steps) throw new RangeError(`ledger column ${name} of site ${siteIndex} has ${values.length} values for ${grid.steps} steps`);
    for (let c = 0; c * chunkSteps < grid.steps; c++) jobs.push({ site_index: siteIndex, column_name: name, chunk: c, values: values.subarray(c * chunkSteps, (c + 1) * chunkSteps) });
  };
  const sites = ledger.sites.map((s, i) => {
    for (const f of SITE_COLUMNS) addColumn(i, f, s[f]);
    for (const g of s.generators) {
      addColumn(i, generatorColumn(g.id, 'kW'), g.kW);
      addColumn(i, generatorColumn(g.id, 'running'), g.running);
    }
    const ids = new Set<string>();
    for (const w of s.workloads) {
      if (ids.has(w.id)) throw new RangeError(`site ${s.id} lists workload ${w.id} twice`);
      ids.add(w.id);
      for (const f of WORKLOAD_FIELD_NAMES) addColumn(i, workloadColumn(w.id, f), w[f]);
    }
    return {
      site_index: i,
      site_id: s.id,
      time_zone: siteTimeZones[i] as string,
      workloads_json: JSON.stringify(s.workloads.map((w) => ({ workload: w.workload, id: w.id, type: w.type }))),
    };
  });
  const chunks = await mapLimit(jobs, COMPRESS_CONCURRENCY, async (j) => ({ site_index: j.site_index, column_name: j.column_name, chunk: j.chunk, data: await encodeColumn(j.values) }));
  const meta: LedgerMeta = { outcomes: ledger.outcomes, corrections: ledger.corrections, notes: ledger.notes, maxEnergyBalanceErrorKWh: ledger.maxEnergyBalanceErrorKWh };
  if (ledger.solver) meta.solver = ledger.solver;
  if (ledger.sites.some((s) => s.generators.length > 0)) meta.generators = ledger.sites.map((s) => s.generators.map((g) => g.id));
  return {
    row: { policy: ledger.policy, start_ms: grid.startMs, step_minutes: grid.stepMinutes, steps: grid.steps, time_zone: grid.timeZone, chunk_steps: chunkSteps, meta_json: metaToJson(meta) },
    sites,
    chunks,
  };
}

/** Inserts an encoded ledger for a run (inside the caller's transaction). */
export async function insertLedger(q: Db, runId: string, e: EncodedLedger): Promise<void> {
  await q.insertInto('ledgers').values({ run_id: runId, ...e.row }).execute();
  for (let i = 0; i < e.sites.length; i += INSERT_BATCH) {
    await q.insertInto('ledger_sites').values(e.sites.slice(i, i + INSERT_BATCH).map((s) => ({ run_id: runId, ...s }))).execute();
  }
  for (let i = 0; i < e.chunks.length; i += INSERT_BATCH) {
    await q.insertInto('ledger_chunks').values(e.chunks.slice(i, i + INSERT_BATCH).map((c) => ({ run_id: runId, ...c }))).execute();
  }
}

/** Reads the ledger's shape, or undefined. */
export async function ledgerInfo(q: Db, runId: string): Promise<LedgerInfo | undefined> {
  const row = await q.selectFrom('ledgers').selectAll().where('run_id', '=', runId).executeTakeFirst();
  if (!row) return undefined;
  const sites = await q.selectFrom('ledger_sites').selectAll().where('run_id', '=', runId).orderBy('site_index').execute();
  const infoSites = sites.map((s) => ({ index: s.site_index, id: s.site_id, timeZone: s.time_zone, workloads: JSON.parse(s.workloads_json) as LedgerInfo['sites'][number]['workloads'] }));
  const workloads = new Map<string, number>();
  for (const s of infoSites) for (const w of s.workloads) if (!workloads.has(w.id)) workloads.set(w.id, w.workload);
  const ordered = [...workloads].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  return {
    runId,
    policy: row.policy,
    grid: { startMs: row.start_ms, stepMinutes: row.step_minutes, steps: row.steps, timeZone: row.time_zone },
    chunkSteps: row.chunk_steps,
    sites: infoSites,
    siteColumns: [...SITE_COLUMNS],
    workloadColumns: ordered.flatMap((id) => WORKLOAD_FIELD_NAMES.map((f) => workloadColumn(id, f))),
  };
}

/** Zone offset tables by zone and grid span: building one probes the zone every 6 hours. */
const zoneCache = new Map<string, ZoneOffsets>();
const ZONE_CACHE_MAX = 128;

function zoneOffsets(timeZone: string, grid: TimeGrid): ZoneOffsets {
  const key = `${timeZone}|${grid.startMs}|${gridEndMs(grid)}`;
  let z = zoneCache.get(key);
  if (!z) {
    if (zoneCache.size >= ZONE_CACHE_MAX) zoneCache.delete(zoneCache.keys().next().value as string);
    zoneCache.set(key, (z = new ZoneOffsets(timeZone, grid.startMs, gridEndMs(grid))));
  }
  return z;
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new StoreError('QUERY_INVALID', message, details);
}

/** A short list for messages. */
function listSome(xs: string[], n = 12): string {
  return xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')}, … (${xs.length} in all)`;
}

/** Where the next page starts: position in the selected sites, and step. */
interface Cursor {
  p: number;
  step: number;
}

function queryKey(sites: number[], fromStep: number, toStep: number): string {
  return sha256Hex(Buffer.from(`${sites.join(',')}|${fromStep}|${toStep}`)).slice(0, 12);
}

function encodeCursor(c: Cursor, key: string): string {
  return Buffer.from(`${c.p}.${c.step}.${key}`).toString('base64url');
}

function decodeCursor(text: string, key: string): Cursor {
  const m = /^(\d+)\.(\d+)\.([0-9a-f]{12})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!m) invalid(`cursor "${text}" is not one this store returned`);
  if (m[3] !== key) invalid('cursor belongs to a different query (sites, from or to changed); start again without a cursor');
  return { p: Number(m[1]), step: Number(m[2]) };
}

/** Reads one page of a ledger (`shape`: its info, when the caller has it). */
export async function readLedger(q: Db, runId: string, query: LedgerQuery = {}, shape?: LedgerInfo): Promise<LedgerPage> {
  const info = shape ?? (await ledgerInfo(q, runId));
  if (!info) throw new StoreError('NOT_FOUND', `run ${runId} has no stored ledger`, { runId });
  const { grid } = info;
  const stepMs = grid.stepMinutes * 60_000;

  const byId = new Map(info.sites.map((s) => [s.id, s]));
  const selected = query.sites === undefined ? info.sites : query.sites.map((id) => byId.get(id) ?? invalid(`unknown site "${id}"; the ledger has ${listSome(info.sites.map((s) => s.id))}`, { site: id }));
  const known = new Set([...info.siteColumns, ...info.workloadColumns]);
  const columns = query.columns ?? info.siteColumns;
  if (columns.length === 0) invalid('no columns asked for; name at least one, or omit columns for every site column');
  for (const c of columns) if (!known.has(c)) invalid(`unknown column "${c}"; valid columns: ${listSome([...known], 30)}`, { column: c });

  for (const [k, v] of [['fromMs', query.fromMs], ['toMs', query.toMs]] as const) {
    if (v !== undefined && !Number.isFinite(v)) invalid(`${k} must be a finite UTC epoch millisecond value, got ${v}`);
  }
  const clampStep = (ms: number): number => Math.min(grid.steps, Math.max(0, Math.ceil((ms - grid.startMs) / stepMs)));
  const fromStep = query.fromMs === undefined ? 0 : clampStep(query.fromMs);
  const toStep = query.toMs === undefined ? grid.steps : clampStep(query.toMs);
  const limit = query.limit ?? LEDGER_PAGE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LEDGER_PAGE_MAX) invalid(`limit must be an integer from 1 to ${LEDGER_PAGE_MAX}, got ${limit}`);

  const key = queryKey(selected.map((s) => s.index), fromStep, toStep);
  let cur: Cursor = { p: 0, step: fromStep };
  if (query.cursor !== undefined) {
    cur = decodeCursor(query.cursor, key);
    if (cur.p >= selected.length || cur.step < fromStep || cur.step >= toStep) invalid('cursor lies outside the query range');
  }
  if (fromStep >= toStep) return { columns: [...columns], rows: [], next: null };

  // Which steps of which sites this page covers.
  const spans: Array<{ site: (typeof selected)[number]; a: number; b: number }> = [];
  let left = limit;
  let p = cur.p, step = cur.step;
  while (left > 0 && p < selected.length) {
    const b = Math.min(toStep, step + left);
    spans.push({ site: selected[p] as (typeof selected)[number], a: step, b });
    left -= b - step;
    if (b < toStep) step = b;
    else {
      p++;
      step = fromStep;
    }
  }
  const next = p < selected.length ? encodeCursor({ p, step }, key) : null;

  // Fetch and decode the chunks the spans touch.
  const cs = info.chunkSteps;
  const decoded = new Map<string, Float64Array>();
  for (const span of spans) {
    const lo = Math.floor(span.a / cs), hi = Math.floor((span.b - 1) / cs);
    const rows = await q
      .selectFrom('ledger_chunks')
      .select(['column_name', 'chunk', 'data'])
      .where('run_id', '=', runId)
      .where('site_index', '=', span.site.index)
      .where('column_name', 'in', columns)
      .where('chunk', '>=', lo)
      .where('chunk', '<=', hi)
      .execute();
    for (const r of rows) decoded.set(`${span.site.index}|${r.column_name}|${r.chunk}`, decodeColumn(r.data));
  }

  const out: LedgerRow[] = [];
  for (const span of spans) {
    const zone = zoneOffsets(span.site.timeZone, grid);
    const present = new Set(span.site.workloads.map((w) => w.id));
    // each column's values over the span, copied out of its chunks (zeros for a workload absent here)
    const spanValues = columns.map((c) => {
      const v = new Float64Array(span.b - span.a);
      if (c.startsWith('workload:') && !present.has(c.slice(9, c.lastIndexOf(':')))) return v;
      for (let chunk = Math.floor(span.a / cs); chunk * cs < span.b; chunk++) {
        const col = decoded.get(`${span.site.index}|${c}|${chunk}`);
        if (!col) throw new StoreError('CORRUPT', `ledger of run ${runId} lacks chunk ${chunk} of column ${c} at site ${span.site.id}`);
        const from = Math.max(span.a, chunk * cs), to = Math.min(span.b, (chunk + 1) * cs);
        v.set(col.subarray(from - chunk * cs, to - chunk * cs), from - span.a);
      }
      return v;
    });
    const n = columns.length;
    for (let s = span.a; s < span.b; s++) {
      const timeMs = grid.startMs + s * stepMs;
      const values = new Array<number>(n);
      for (let k = 0; k < n; k++) values[k] = (spanValues[k] as Float64Array)[s - span.a] as number;
      out.push({ site: span.site.id, step: s, timeMs, localTime: formatLocalIso(timeMs, zone.at(timeMs)), values });
    }
  }
  return { columns: [...columns], rows: out, next };
}

/** Rebuilds the whole ledger exactly as it was written (or only some of its sites, in ledger order). */
export async function loadLedger(q: Db, runId: string, opts: { sites?: string[] } = {}): Promise<Ledger> {
  const info = await ledgerInfo(q, runId);
  if (!info) throw new StoreError('NOT_FOUND', `run ${runId} has no stored ledger`, { runId });
  let selected = info.sites;
  if (opts.sites !== undefined) {
    const known = new Set(info.sites.map((s) => s.id));
    for (const id of opts.sites) if (!known.has(id)) invalid(`unknown site "${id}"; the ledger has ${listSome(info.sites.map((s) => s.id))}`, { site: id });
    const wanted = new Set(opts.sites);
    selected = info.sites.filter((s) => wanted.has(s.id));
  }
  const row = await q.selectFrom('ledgers').select(['meta_json']).where('run_id', '=', runId).executeTakeFirstOrThrow();
  const meta = metaFromJson(row.meta_json);
  const { grid, chunkSteps: cs } = info;
  const sites: SiteLedger[] = [];
  for (const s of selected) {
    const columns = new Map<string, Float64Array>();
    const rows = await q.selectFrom('ledger_chunks').select(['column_name', 'chunk', 'data']).where('run_id', '=', runId).where('site_index', '=', s.index).execute();
    const seen = new Map<string, number>();
    for (const r of rows) {
      let col = columns.get(r.column_name);
      if (!col) columns.set(r.column_name, (col = new Float64Array(grid.steps)));
      const values = decodeColumn(r.data);
      if (values.length !== Math.min(cs, grid.steps - r.chunk * cs)) throw new StoreError('CORRUPT', `chunk ${r.chunk} of ${r.column_name} at site ${s.id} has ${values.length} values`);
      col.set(values, r.chunk * cs);
      seen.set(r.column_name, (seen.get(r.column_name) ?? 0) + 1);
    }
    const chunksPerColumn = Math.ceil(grid.steps / cs);
    const take = (name: string): Float64Array => {
      const col = columns.get(name);
      if (!col || seen.get(name) !== chunksPerColumn) throw new StoreError('CORRUPT', `ledger of run ${runId} lacks chunks of column ${name} at site ${s.id}`);
      return col;
    };
    const site = { site: s.index, id: s.id, workloads: [] as WorkloadFlows[], generators: [] } as unknown as SiteLedger;
    for (const f of SITE_COLUMNS) site[f] = LATER_SITE_COLUMNS.has(f) && !columns.has(f) ? new Float64Array(grid.steps) : take(f);
    for (const id of meta.generators?.[s.index] ?? []) site.generators.push({ id, kW: take(generatorColumn(id, 'kW')), running: take(generatorColumn(id, 'running')) });
    for (const w of s.workloads) {
      const flows = { workload: w.workload, id: w.id, type: w.type } as WorkloadFlows;
      for (const f of WORKLOAD_FIELD_NAMES) flows[f] = take(workloadColumn(w.id, f));
      site.workloads.push(flows);
    }
    sites.push(site);
  }
  const ledger: Ledger = {
    policy: info.policy,
    grid: grid as TimeGrid,
    sites,
    outcomes: meta.outcomes,
    corrections: meta.corrections,
    maxEnergyBalanceErrorKWh: meta.maxEnergyBalanceErrorKWh,
    notes: meta.notes,
  };
  if (meta.solver) ledger.solver = meta.solver;
  return ledger;
}
