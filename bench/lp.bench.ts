/**
 * LP build vs solve: the generated battery + flexible-load LP (libs-and-style §1.1) at 168×1,
 * 8760×1 and 8760×5 site-hours, built with the typed model builder and solved by HiGHS
 * (WebAssembly) in its worker. Building (builder loop + CSC compile) must stay well under 10 % of
 * the total. Run directly with `node --import tsx bench/lp.bench.ts`, or import `run`.
 */
import { pathToFileURL } from 'node:url';
import { buildBatteryFlexModel } from '../src/optimize/battery-flex-model.ts';
import { HighsWasmSolver } from '../src/optimize/highs-wasm-solver.ts';
import type { CompiledModel } from '../src/optimize/model-builder.ts';
import { median, type BenchResult } from './harness.ts';

const SIZES: { hours: number; sites: number; buildRuns: number; solveRuns: number }[] = [
  { hours: 168, sites: 1, buildRuns: 9, solveRuns: 5 },
  { hours: 8760, sites: 1, buildRuns: 7, solveRuns: 3 },
  { hours: 8760, sites: 5, buildRuns: 3, solveRuns: 1 },
];

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Builds (loop + compile) once and returns the compiled model with its timings. */
function buildOnce(hours: number, sites: number): { model: CompiledModel; totalMs: number; compileMs: number } {
  const t0 = performance.now();
  const { model } = buildBatteryFlexModel({ hours, sites, seed: 1 });
  const compiled = model.compile();
  return { model: compiled, totalMs: performance.now() - t0, compileMs: compiled.timings.compileMs };
}

/** Runs the LP benchmarks and returns one row per measurement. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const solver = new HighsWasmSolver();
  try {
    const t0 = performance.now();
    const version = await solver.warmUp();
    results.push({ name: 'HiGHS worker start + WebAssembly load', size: '—', medianMs: round(performance.now() - t0), runs: 1, note: `HiGHS ${version}; once per process` });
    for (const { hours, sites, buildRuns, solveRuns } of SIZES) {
      // the first build of a size in a process runs partly unoptimised (JIT, heap growth): report
      // it separately from the steady-state median
      const coldMs = buildOnce(hours, sites).totalMs;
      // two more untimed builds give the optimising compiler a chance on a busy machine
      buildOnce(hours, sites);
      buildOnce(hours, sites);
      const builds: number[] = [];
      const compiles: number[] = [];
      let model: CompiledModel | undefined;
      for (let i = 0; i < buildRuns; i++) {
        const b = buildOnce(hours, sites);
        builds.push(b.totalMs);
        compiles.push(b.compileMs);
        model = b.model;
      }
      const m = model as CompiledModel;
      const size = `${hours}×${sites}: ${m.numColumns.toLocaleString('en-US')} cols, ${m.numRows.toLocaleString('en-US')} rows, ${m.numNonzeros.toLocaleString('en-US')} nnz`;
      const walls: number[] = [];
      const inWorker: number[] = [];
      let objective = Number.NaN;
      for (let i = 0; i < solveRuns; i++) {
        const s0 = performance.now();
        const r = await solver.solve(m);
        walls.push(performance.now() - s0);
        inWorker.push(r.solveSeconds * 1000);
        if (r.status !== 'optimal') throw new Error(`${size}: ${r.status} ${r.message ?? ''}`);
        objective = r.objective;
      }
      const buildMs = median(builds);
      const solveMs = median(walls);
      const share = (100 * buildMs) / (buildMs + solveMs);
      const coldShare = (100 * coldMs) / (coldMs + solveMs);
      results.push({
        name: 'build (builder loop + CSC compile)',
        size,
        medianMs: round(buildMs),
        runs: buildRuns,
        note: `compile ${round(median(compiles))} ms; build share ${share.toFixed(1)} % of build + solve (budget < 10 %); first build in process ${round(coldMs)} ms (${coldShare.toFixed(1)} %)`,
      });
      results.push({ name: 'solve (HiGHS WebAssembly, worker)', size, medianMs: round(solveMs), runs: solveRuns, note: `in-worker ${round(median(inWorker))} ms; objective ${objective.toFixed(2)}` });
    }
  } finally {
    await solver.close();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run();
  console.table(results);
}
