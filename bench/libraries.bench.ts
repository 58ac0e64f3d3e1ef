/**
 * Hand-written code against the well-kept libraries that could replace it, on the same inputs in
 * the same run (medians): CSV reading (ours, papaparse, csv-parse), CSV writing (ours,
 * csv-stringify), time-zone arithmetic (ours on the platform's Intl, luxon) and seeded random
 * numbers (the former hand-rolled Mulberry32, pure-rand). docs/benchmarks.md records which was
 * kept and why. `npm run bench -- libraries`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as csvParse } from 'csv-parse/sync';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { DateTime, IANAZone } from 'luxon';
import Papa from 'papaparse';
import { seededRandom } from '../src/random/seeded.ts';
import { parseCsv } from '../src/series/csv.ts';
import { calendarOf, type TimeGrid } from '../src/time/grid.ts';
import { wallClockToUtc } from '../src/time/zone.ts';
import { buildModel, loadScenarioText } from '../src/pipeline.ts';
import { naiveDispatch } from '../src/plan/naive.ts';
import { csvField, csvNumber } from '../src/report/format.ts';
import { ledgerCsv } from '../src/report/ledger-csv.ts';
import { simulate } from '../src/simulate/engine.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

const DATA = fileURLToPath(new URL('../examples/data/', import.meta.url));
const gz = (p: string) => gunzipSync(readFileSync(`${DATA}${p}`)).toString('utf8');

/** A quoted CSV like a spreadsheet export: every text field quoted, a comma inside some. */
function quotedCsv(rows: number): string {
  const out = ['"time","site, zone","load_kw","note"'];
  for (let i = 0; i < rows; i++) out.push(`"2023-01-01 ${String(i % 24).padStart(2, '0')}:00","dallas, TX",${(1000 + (i % 97)).toFixed(2)},"say ""hi"""`);
  return `${out.join('\n')}\n`;
}

/** A plain CSV of `rows` lines and `cols` numeric columns. */
function plainCsv(rows: number, cols: number): string {
  const out = [['time', ...Array.from({ length: cols }, (_, j) => `c${j}`)].join(',')];
  for (let i = 0; i < rows; i++) out.push([`2023-01-01T${String(i % 24).padStart(2, '0')}:00Z`, ...Array.from({ length: cols }, (_, j) => ((i * 31 + j * 7) % 1000) / 10)].join(','));
  return `${out.join('\n')}\n`;
}

const where = { file: 'bench.csv', path: 'bench' };

async function csvReading(): Promise<BenchResult[]> {
  const inputs: Array<[string, string, string]> = [
    ['market prices (ERCOT 2023)', '8,760 rows × 3 cols, no quotes', gz('markets/US-TEX-ERCO/prices-2023.csv.gz')],
    ['Electricity Maps (ERCOT 2023)', '8,760 rows × 11 cols, no quotes', gz('markets/US-TEX-ERCO/carbon-2023.csv.gz')],
    ['generated plain', '105,120 rows × 5 cols', plainCsv(105_120, 4)],
    ['spreadsheet export', '8,760 rows × 4 cols, quoted', quotedCsv(8760)],
  ];
  const rows: BenchResult[] = [];
  for (const [name, size, text] of inputs) {
    const ours = await timeIt(`CSV read, ours: ${name}`, size, () => parseCsv(text, where), { runs: 7 });
    const papa = await timeIt(`CSV read, papaparse: ${name}`, size, () => Papa.parse<string[]>(text, { skipEmptyLines: true }), { runs: 7 });
    const cp = await timeIt(`CSV read, csv-parse (sync, with line info): ${name}`, size, () => csvParse(text, { info: true, skip_empty_lines: true, relax_column_count: true, bom: true }), { runs: 7 });
    ours.note = `papaparse ${(papa.medianMs / ours.medianMs).toFixed(2)}×, csv-parse ${(cp.medianMs / ours.medianMs).toFixed(2)}× ours`;
    rows.push(ours, papa, cp);
  }
  return rows;
}

async function csvWriting(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  // the bills of a site-year: 12 months × ~10 lines, text and numbers
  const bills: Array<[string, string, string, number, string, number, string, number]> = [];
  for (let m = 1; m <= 12; m++) for (let k = 0; k < 10; k++) bills.push(['dallas', `2023-${String(m).padStart(2, '0')}`, `energy, "line" ${k}, spot`, 1234.5678 * k, 'MWh', 42.125, 'USD per MWh', 52_000.12 * k]);
  const q = csvNumber(4);
  const money = csvNumber(2);
  const ours = await timeIt('CSV write, ours: bills', '120 lines × 8 cols', () => bills.map((b) => [csvField(b[0]), csvField(b[1]), csvField(b[2]), q(b[3]), csvField(b[4]), q(b[5]), csvField(b[6]), money(b[7])].join(',')).join('\n'), { runs: 9 });
  const lib = await timeIt('CSV write, csv-stringify: bills', '120 lines × 8 cols', () => csvStringify(bills.map((b) => [b[0], b[1], b[2], b[3].toFixed(4), b[4], b[5].toFixed(4), b[6], b[7].toFixed(2)])), { runs: 9 });
  ours.note = `csv-stringify ${(lib.medianMs / ours.medianMs).toFixed(2)}× ours`;
  rows.push(ours, lib);
  // the ledger of a 10-site year: 87,600 rows × 40 columns
  const model = ledgerFixture(10);
  const oursLedger = await timeIt('CSV write, ours: ledger (streamed chunks)', '10 sites × 8,760 h × 40 cols', () => {
    let n = 0;
    for (const c of ledgerCsv(model.ledger, model.zones, 'USD')) n += c.length;
    return n;
  }, { runs: 3 });
  const libLedger = await timeIt('CSV write, csv-stringify: ledger rows', '10 sites × 8,760 h × 40 cols', () => {
    const out: unknown[][] = [];
    for (const L of model.ledger.sites) {
      for (let t = 0; t < L.itKW.length; t++) {
        const row: unknown[] = [L.id, t];
        for (const a of model.columns(L)) row.push(a[t]!.toFixed(3));
        out.push(row);
      }
    }
    return csvStringify(out).length;
  }, { runs: 3 });
  oursLedger.note = `csv-stringify ${(libLedger.medianMs / oursLedger.medianMs).toFixed(2)}× ours`;
  rows.push(oursLedger, libLedger);
  return rows;
}

/** A simulated fleet-year's ledger (naive policy on a generated fleet) with its zones. */
function ledgerFixture(sites: number) {
  const resolved = loadScenarioText(JSON.stringify(generateFleet(sites)), FLEET_BASE_DIR, 'generated.json');
  const model = buildModel(resolved);
  const ledger = simulate(model, naiveDispatch(model));
  const columns = (L: (typeof ledger.sites)[number]) => [L.itKW, L.idleItKW, L.coolingKW, L.lossesKW, L.fixedKW, L.facilityKW, L.renewableAvailableKW, L.renewableUsedKW, L.renewableExportKW, L.renewableCurtailedKW, L.directGreenKW, L.storageChargeKW, L.storageDischargeKW, L.socKWh, L.gridImportKW, L.gridExportKW, L.shortfallKW, L.importPrice, L.exportPrice, L.carbonIntensity, L.gridRenewableShare, ...L.workloads.flatMap((f) => [f.itKW, f.gpus, f.gpuPowerW, f.throughput, f.workGpuHours, f.tokens])];
  return { ledger, zones: model.sites.map((x) => x.timeZone), columns };
}

const ZONES = ['America/Chicago', 'America/Los_Angeles', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'Asia/Singapore'];

async function timeZones(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const grids = ZONES.map((timeZone): TimeGrid => ({ startMs: Date.UTC(2023, 0, 1), stepMinutes: 60, steps: 8760, timeZone }));
  // a fresh grid object per run: calendars are cached per grid
  const ours = await timeIt('time zones, ours (Intl offsets once per transition): local calendar', '6 zones × 8,760 h', () => {
    for (const g of grids) calendarOf({ ...g });
  }, { runs: 7 });
  const lux = await timeIt('time zones, luxon: local calendar', '6 zones × 8,760 h', () => {
    for (const g of grids) {
      const zone = IANAZone.create(g.timeZone);
      const hour = new Int8Array(g.steps);
      const wd = new Int8Array(g.steps);
      for (let i = 0; i < g.steps; i++) {
        const d = DateTime.fromMillis(g.startMs + i * 3_600_000, { zone });
        hour[i] = d.hour;
        wd[i] = d.weekday % 7;
      }
    }
  }, { runs: 3 });
  ours.note = `luxon ${(lux.medianMs / ours.medianMs).toFixed(1)}× ours`;
  rows.push(ours, lux);
  // reading local wall-clock timestamps (a 15-minute file over three years, Berlin)
  const walls: Array<{ year: number; month: number; day: number; hour: number; minute: number }> = [];
  for (let i = 0; i < 105_120; i++) {
    const d = new Date(Date.UTC(2021, 0, 1) + i * 900_000);
    walls.push({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() });
  }
  const oursWall = await timeIt('time zones, ours: local wall clock → UTC', '105,120 Berlin timestamps', () => {
    let s = 0;
    for (const w of walls) s += wallClockToUtc(w, 'Europe/Berlin');
    return s;
  }, { runs: 3 });
  const luxWall = await timeIt('time zones, luxon: local wall clock → UTC', '105,120 Berlin timestamps', () => {
    let s = 0;
    const zone = IANAZone.create('Europe/Berlin');
    for (const w of walls) s += DateTime.fromObject(w, { zone }).toMillis();
    return s;
  }, { runs: 3 });
  oursWall.note = `luxon ${(luxWall.medianMs / oursWall.medianMs).toFixed(2)}× ours`;
  rows.push(oursWall, luxWall);
  return rows;
}

/** The Mulberry32 generator the code base used before pure-rand. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function randomNumbers(): Promise<BenchResult[]> {
  const n = 876_000;
  const old = await timeIt('random, hand-rolled Mulberry32 (before)', '876,000 numbers (noise for 100 sites × 8,760 h)', () => {
    const r = mulberry32(1);
    let s = 0;
    for (let i = 0; i < n; i++) s += r();
    return s;
  }, { runs: 7 });
  const lib = await timeIt('random, pure-rand xoroshiro128+ (now)', '876,000 numbers', () => {
    const r = seededRandom(1);
    let s = 0;
    for (let i = 0; i < n; i++) s += r();
    return s;
  }, { runs: 7 });
  old.note = `pure-rand ${(lib.medianMs / old.medianMs).toFixed(2)}× the hand-rolled generator`;
  return [old, lib];
}

/** Runs the library comparisons. */
export async function run(): Promise<BenchResult[]> {
  return [...(await csvReading()), ...(await csvWriting()), ...(await timeZones()), ...(await randomNumbers())];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(markdownTable(await run()));
}
