/**
 * Which LP algorithm for which model: every model the planner solves for the examples, for the
 * Texas site on held-out price years (ERCOT 2020 and 2021 day-ahead, Denmark 2021) and for a
 * generated six-market fleet, solved by dual simplex, by interior point (IPX + crossover), by
 * HiGHS's own `choose`, and by a race of simplex against interior point in two workers (first
 * to finish wins). Each model's features (src/optimize/lp-method.ts) are recorded beside the
 * times, so the rule in `chooseLpMethod` can be fitted and checked on them.
 *
 * The models are caught at the solver seam: the planner runs as usual with a solver factory
 * whose solver times every method on each model it is given (compared in the same run, on the
 * same machine, medians of a few runs where a solve is short) and answers with one result.
 *
 * `npm run bench -- lp-method` (about an hour on a busy 2-core machine). Environment:
 * LP_METHOD_LIMIT (seconds per solve, default 600), LP_METHOD_CASES (comma-separated case
 * names), LP_METHOD_OUT (JSON file for the raw rows), LP_METHOD_FEATURES_ONLY=1 (features, no
 * timings), WATTSHIFT_SHARED_DATA (the shared data
 * folder; default ../shared/data or ../../shared/data from the repository).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { loadScenarioInput } from '../src/app/scenario-input.ts';
import { chooseLpMethod, lpFeatures, type LpFeatures } from '../src/optimize/lp-method.ts';
import { HighsWasmSolver } from '../src/optimize/highs-wasm-solver.ts';
import type { CompiledModel } from '../src/optimize/model-builder.ts';
import type { SolveOptions, SolveResult, Solver } from '../src/optimize/solver.ts';
import { planFleet, type PlanOptions } from '../src/plan/planner.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { median, type BenchResult } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LIMIT = Number(process.env.LP_METHOD_LIMIT ?? 600);
/** Read the models' features without timing anything (LP_METHOD_FEATURES_ONLY=1). */
const FEATURES_ONLY = process.env.LP_METHOD_FEATURES_ONLY === '1';
const METHODS = ['simplex', 'ipm', 'choose', 'race'] as const;
type Method = (typeof METHODS)[number];

/** One model's measurements. */
export interface LpMethodRow {
  case: string;
  model: number;
  features: LpFeatures;
  /** Median wall seconds per method (Infinity: hit the limit), and runs. */
  seconds: Record<Method, number>;
  runs: number;
  /** Which method finished first in the race. */
  raceWinner: 'simplex' | 'ipm' | 'none';
  objective: number;
  iterations: { simplex: number; ipm: number; crossover: number };
}

function sharedData(): string {
  const env = process.env.WATTSHIFT_SHARED_DATA;
  if (env) return env;
  for (const p of [join(ROOT, '..', 'shared', 'data'), join(ROOT, '..', '..', 'shared', 'data')]) if (existsSync(p)) return p;
  throw new Error('shared data not found: set WATTSHIFT_SHARED_DATA');
}

/** Writes a held-out price year in the market-prices format (UTC, local, price) and returns its path. */
function heldOutPrices(kind: 'ercot-2020' | 'ercot-2021' | 'dk1-2021'): string {
  const dir = join(tmpdir(), 'wattshift-lp-method');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${kind}.csv`);
  const rows: string[] = ['Datetime (UTC),Datetime (Local),Price (USD/MWh)'];
  if (kind.startsWith('ercot')) {
    const text = readFileSync(join(sharedData(), 'markets-two-settlement', 'US-TEX-ERCO', `ercot_lmp_da_hr_hubs_${kind.slice(6)}.csv`), 'utf8').split('\n');
    const head = text.findIndex((l) => l.startsWith('UTC Timestamp'));
    const cols = text[head]!.split(',');
    const north = cols.indexOf('North LMP');
    for (const line of text.slice(head + 1)) {
      const c = line.split(',');
      if (c.length < cols.length) continue;
      // the file stamps the end of each hour in UTC
      const start = Date.parse(`${c[0]!.replace(' ', 'T')}Z`) - 3_600_000;
      rows.push(`${new Date(start).toISOString().slice(0, 19)}Z,${c[1]},${c[north]}`);
    }
  } else {
    // Denmark's spot prices are in EUR; read as USD here, since only the solver's behaviour is measured
    const text = readFileSync(join(sharedData(), 'markets-two-settlement', 'DK', 'Elspot_DK1.csv'), 'utf8').replace(/^\uFEFF/, '').split('\n');
    const cols = text[0]!.split(',');
    const utc = cols.indexOf('HourUTC');
    const eur = cols.indexOf('SpotPriceEUR');
    const picked = text.slice(1).map((l) => l.split(',')).filter((c) => c[utc]?.startsWith('2021-')).sort((a, b) => a[utc]!.localeCompare(b[utc]!));
    for (const c of picked) rows.push(`${c[utc]!.slice(0, 19)}Z,${c[1]},${c[eur]}`);
  }
  writeFileSync(out, `${rows.join('\n')}\n`);
  return out;
}

/** The Texas example with another year's prices moved onto 2023. */
function texasWith(kind: 'ercot-2020' | 'ercot-2021' | 'dk1-2021'): { text: string; baseDir: string; name: string } {
  const doc = parseYaml(readFileSync(join(ROOT, 'examples', 'texas-single-site.yaml'), 'utf8')) as { sites: Array<{ series: Record<string, unknown> }> };
  const shift = kind === 'ercot-2020' ? 3 : 2;
  doc.sites[0]!.series.price = { file: heldOutPrices(kind), format: 'market-prices', shiftYears: shift, maxGapHours: 24 * 8 };
  return { text: toYaml(doc), baseDir: join(ROOT, 'examples'), name: `texas-${kind}.yaml` };
}

interface Case {
  name: string;
  scenario: () => Parameters<typeof loadScenarioInput>[0];
  options: Partial<PlanOptions>;
  /** Measure only these solve indices (rolling plans solve hundreds of small models). */
  sample?: (index: number) => boolean;
}

const CASES: Case[] = [
  { name: 'phoenix optimal', scenario: () => ({ file: join(ROOT, 'examples', 'phoenix-2025.yaml') }), options: { mode: 'optimal' } },
  { name: 'texas 2023 optimal', scenario: () => ({ file: join(ROOT, 'examples', 'texas-single-site.yaml') }), options: { mode: 'optimal' } },
  { name: 'texas, ERCOT 2020 prices', scenario: () => texasWith('ercot-2020'), options: { mode: 'optimal' } },
  { name: 'texas, ERCOT 2021 prices', scenario: () => texasWith('ercot-2021'), options: { mode: 'optimal' } },
  { name: 'texas, DK1 2021 prices', scenario: () => texasWith('dk1-2021'), options: { mode: 'optimal' } },
  { name: 'texas rolling 48/24', scenario: () => ({ file: join(ROOT, 'examples', 'texas-single-site.yaml') }), options: { mode: 'rolling' }, sample: (i) => i % 120 === 5 },
  { name: 'china optimal', scenario: () => ({ file: join(ROOT, 'examples', 'china-fleet.yaml') }), options: { mode: 'optimal' } },
  { name: 'global optimal', scenario: () => ({ file: join(ROOT, 'examples', 'global-fleet.yaml') }), options: { mode: 'optimal' } },
  { name: 'generated 6 markets optimal', scenario: () => ({ text: JSON.stringify(generateFleet(6)), baseDir: FLEET_BASE_DIR, name: 'generated-6.json' }), options: { mode: 'optimal' } },
  { name: 'generated 12 sites rolling', scenario: () => ({ text: JSON.stringify(generateFleet(12)), baseDir: FLEET_BASE_DIR, name: 'generated-12.json' }), options: { mode: 'rolling' }, sample: (i) => i % 150 === 7 },
];

async function timed(solver: Solver, model: CompiledModel, options: SolveOptions): Promise<{ seconds: number; result: SolveResult }> {
  const t0 = performance.now();
  const result = await solver.solve(model, { timeLimitSeconds: LIMIT, ...options });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds: result.status === 'optimal' ? seconds : Infinity, result };
}

/** Simplex and interior point at once in two workers; the first optimum wins and stops the other. */
async function race(a: Solver, b: Solver, model: CompiledModel): Promise<{ seconds: number; winner: 'simplex' | 'ipm' | 'none' }> {
  const stop = new AbortController();
  const t0 = performance.now();
  const run = (s: Solver, method: 'simplex' | 'ipm') =>
    s.solve(model, { method, timeLimitSeconds: LIMIT, signal: stop.signal }).then((r) => {
      if (r.status !== 'optimal') throw new Error(r.status);
      return method;
    });
  try {
    const winner = await Promise.any([run(a, 'simplex'), run(b, 'ipm')]);
    return { seconds: (performance.now() - t0) / 1000, winner };
  } catch {
    return { seconds: Infinity, winner: 'none' };
  } finally {
    stop.abort();
  }
}

/** Measures every method on `model`; short solves are repeated and their medians kept. */
async function measure(name: string, index: number, model: CompiledModel, a: HighsWasmSolver, b: HighsWasmSolver): Promise<{ row: LpMethodRow; result: SolveResult | undefined }> {
  let answer: SolveResult | undefined;
  const samples: Record<Method, number[]> = { simplex: [], ipm: [], choose: [], race: [] };
  let objective = Number.NaN;
  let iterations = { simplex: 0, ipm: 0, crossover: 0 };
  let winner: LpMethodRow['raceWinner'] = 'none';
  let runs = 0;
  for (let r = 0; r < 3; r++) {
    runs++;
    for (const method of ['simplex', 'ipm', 'choose'] as const) {
      const { seconds, result } = await timed(a, model, { method });
      samples[method].push(seconds);
      if (result.status === 'optimal') answer = result;
      if (method === 'simplex' && result.status === 'optimal') objective = result.objective;
      if (method === 'ipm' && result.iterations) iterations = { ...iterations, ipm: result.iterations.ipm, crossover: result.iterations.crossover };
      if (method === 'simplex' && result.iterations) iterations = { ...iterations, simplex: result.iterations.simplex };
    }
    const rr = await race(a, b, model);
    samples.race.push(rr.seconds);
    winner = rr.winner;
    // the loser's worker was stopped: start it again outside the timings
    await Promise.all([a.warmUp(), b.warmUp()]);
    // long solves are measured once: their noise is small against their size
    if (Math.max(samples.simplex[0]!, samples.ipm[0]!) > 20) break;
  }
  const seconds = Object.fromEntries(METHODS.map((m) => [m, median(samples[m])])) as Record<Method, number>;
  const row: LpMethodRow = { case: name, model: index, features: lpFeatures(model), seconds, runs, raceWinner: winner, objective, iterations };
  process.stderr.write(`${name} #${index}: ${model.numColumns} cols; simplex ${seconds.simplex.toFixed(2)} s, ipm ${seconds.ipm.toFixed(2)} s, choose ${seconds.choose.toFixed(2)} s, race ${seconds.race.toFixed(2)} s (${winner}); rule: ${chooseLpMethod(row.features)}\n`);
  return { row, result: answer };
}

/** Runs the cases and returns one row per measured model. */
export async function measureAll(only = process.env.LP_METHOD_CASES?.split(',').map((s) => s.trim())): Promise<LpMethodRow[]> {
  const rows: LpMethodRow[] = [];
  const a = new HighsWasmSolver();
  const b = new HighsWasmSolver();
  try {
    for (const c of CASES) {
      if (only && !only.some((o) => c.name.startsWith(o))) continue;
      const loaded = loadScenarioInput(c.scenario());
      let index = 0;
      const measuring: Solver = {
        name: 'measuring',
        solve: async (model, options = {}) => {
          const i = index++;
          if (model.numColumns === 0 || (c.sample && !c.sample(i))) return a.solve(model, { ...options, method: 'simplex' });
          if (FEATURES_ONLY) {
            // record the features only; large models are answered with zeros (the plan is not used)
            const nan = Number.NaN;
            rows.push({ case: c.name, model: i, features: lpFeatures(model), seconds: { simplex: nan, ipm: nan, choose: nan, race: nan }, runs: 0, raceWinner: 'none', objective: nan, iterations: { simplex: 0, ipm: 0, crossover: 0 } });
            if (process.env.LP_METHOD_OUT) writeFileSync(process.env.LP_METHOD_OUT, JSON.stringify(rows, null, 1));
            return model.numColumns > 20_000 ? { status: 'optimal', objective: 0, columnValues: new Float64Array(model.numColumns), solveSeconds: 0 } : a.solve(model, { ...options, method: 'simplex' });
          }
          const { row, result } = await measure(c.name, i, model, a, b);
          rows.push(row);
          if (process.env.LP_METHOD_OUT) writeFileSync(process.env.LP_METHOD_OUT, JSON.stringify(rows, (_k, v: unknown) => (v === Infinity ? null : v), 1));
          return result ?? a.solve(model, { ...options, method: 'ipm' });
        },
      };
      try {
        await planFleet(loaded.model, { ...c.options, workers: 1, solverFactory: () => measuring });
      } catch (e) {
        if (!FEATURES_ONLY) throw e;
      }
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  return rows;
}

const fmtS = (s: number) => (Number.isFinite(s) ? (s >= 10 ? s.toFixed(0) : s.toFixed(2)) : `> ${LIMIT}`);

/** The benchmark rows: one per model, with the rule's choice against the fastest method. */
export async function run(): Promise<BenchResult[]> {
  const rows = await measureAll();
  return rows.map((r) => {
    const f = r.features;
    const rule = chooseLpMethod(f);
    const best = r.seconds.simplex <= r.seconds.ipm ? 'simplex' : 'ipm';
    return {
      name: `${r.case} #${r.model}`,
      size: `${f.columns.toLocaleString('en-US')} cols, ${f.rows.toLocaleString('en-US')} rows, ${f.nonzeros.toLocaleString('en-US')} nnz`,
      medianMs: Math.min(r.seconds.simplex, r.seconds.ipm) * 1000,
      runs: r.runs,
      note: `simplex ${fmtS(r.seconds.simplex)} s, ipm ${fmtS(r.seconds.ipm)} s, choose ${fmtS(r.seconds.choose)} s, race ${fmtS(r.seconds.race)} s (${r.raceWinner}); rule: ${rule}${rule === best ? '' : ' (not the fastest)'}; long rows ${f.longRows}, cost spread 10^${f.costSpreadLog10.toFixed(1)}, negative costs ${(f.negativeCostShare * 100).toFixed(1)} %`,
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await measureAll();
  console.log(JSON.stringify(rows, (_k, v: unknown) => (v === Infinity ? null : v), 1));
}
