/**
 * Series reading and alignment benchmarks. The shared market files are read for every run, so
 * reading and aligning all six markets (price, carbon, weather) must stay well under 2 s.
 * Run directly with `node --import tsx bench/series.bench.ts` for a table, or import `run`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSeries, loadWeather } from '../src/series/index.ts';
import type { TimeGrid } from '../src/time/grid.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

const DATA = fileURLToPath(new URL('../examples/data/', import.meta.url));
const MARKETS = ['US-TEX-ERCO', 'US-CAL-CISO', 'US-MIDA-PJM', 'DE-LU', 'JP-TK', 'SG'];

/** Median of 5 timed runs (the caller has warmed up). */
const bench = (name: string, size: string, fn: () => void, note?: string): Promise<BenchResult> => timeIt(name, size, fn, { runs: 5, warmup: 0, note });

const hourly2023 = (timeZone: string): TimeGrid => ({ startMs: Date.UTC(2023, 0, 1), stepMinutes: 60, steps: 8760, timeZone });

function loadMarket(m: string, grid: TimeGrid): void {
  const ctx = { baseDir: DATA, grid, name: `markets.${m}`, defaultTimeZone: grid.timeZone };
  loadSeries({ file: `markets/${m}/prices-2023.csv.gz`, format: 'market-prices' }, { ...ctx, quantity: 'price' });
  loadSeries({ file: `markets/${m}/carbon-2023.csv.gz`, format: 'electricity-maps' }, { ...ctx, quantity: 'carbonIntensity' });
  // the Open-Meteo labels are in each market's own zone, so a UTC year leaves edge gaps of a few hours
  loadWeather({ file: `markets/${m}/weather-2023.json.gz`, format: 'open-meteo' }, ctx);
}

/** Runs every series benchmark (median of 5 runs each, after one warm-up). */
export async function run(): Promise<BenchResult[]> {
  const grid = hourly2023('UTC');
  const results: BenchResult[] = [];
  // warm-up: JIT, and the zone caches a real process would also have after its first read
  for (const m of MARKETS) loadMarket(m, grid);

  results.push(await bench('six markets: price + carbon + weather, read + align', '6 × 3 files, 8760 h each', () => {
    for (const m of MARKETS) loadMarket(m, grid);
  }, 'budget < 2000 ms'));
  const ctx = { baseDir: DATA, grid, name: 'bench', defaultTimeZone: 'UTC' };
  results.push(await bench('market-prices (ERCOT)', '8760 rows', () => {
    loadSeries({ file: 'markets/US-TEX-ERCO/prices-2023.csv.gz', format: 'market-prices' }, { ...ctx, quantity: 'price' });
  }));
  results.push(await bench('electricity-maps (ERCOT)', '8760 rows × 11 cols', () => {
    loadSeries({ file: 'markets/US-TEX-ERCO/carbon-2023.csv.gz', format: 'electricity-maps' }, { ...ctx, quantity: 'carbonIntensity' });
  }));
  results.push(await bench('open-meteo (ERCOT)', '8760 h × 4 vars', () => {
    loadWeather({ file: 'markets/US-TEX-ERCO/weather-2023.json.gz', format: 'open-meteo' }, ctx);
  }));
  const grid2014: TimeGrid = { startMs: Date.UTC(2013, 11, 31, 16), stepMinutes: 60, steps: 8760, timeZone: 'Asia/Shanghai' };
  results.push(await bench('uci-pm25 (Shenyang 2014)', '8760 rows × 17 cols', () => {
    loadWeather({ file: 'china-weather/ShenyangPM-2014.csv.gz', format: 'uci-pm25' }, { ...ctx, grid: grid2014 });
  }));

  // a large local-time file: 3 years of 15-minute data across DST, resampled to hourly
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-bench-'));
  try {
    const start = Date.UTC(2021, 0, 1);
    const rows: string[] = ['time,load_kw'];
    const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const n = 3 * 365 * 96;
    for (let i = 0; i < n; i++) rows.push(`${fmt.format(new Date(start + i * 900_000))},${(1000 + (i % 96)).toFixed(1)}`);
    writeFileSync(join(dir, 'load.csv'), rows.join('\n'));
    const g: TimeGrid = { startMs: Date.UTC(2021, 0, 1), stepMinutes: 60, steps: 3 * 8760, timeZone: 'Europe/Berlin' };
    results.push(await bench('generic csv, local wall clock (Berlin), 15 min → 60 min', `${n} rows`, () => {
      loadSeries(
        { file: 'load.csv', format: 'csv', valueColumn: 'load_kw', unit: 'kW', timeZone: 'Europe/Berlin' },
        { baseDir: dir, grid: g, quantity: 'power', name: 'bench', defaultTimeZone: 'Europe/Berlin' },
      );
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(markdownTable(await run()));
}
