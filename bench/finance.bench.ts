/**
 * Finance stage: valuing the Texas example's simulated year (with break-evens and tornado), and
 * the target — a 100-point design sweep on the Texas example, every point simulated
 * and valued, in worker threads — which must finish in under 2 minutes.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sweepDesigns } from '../src/finance/sweep.ts';
import { valueInvestment } from '../src/finance/value.ts';
import { run as runPipeline } from '../src/pipeline.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

const TEXAS = fileURLToPath(new URL('../examples/texas-single-site.yaml', import.meta.url));
/** 5 storage sizes × 5 solar sizes × 4 wind sizes = 100 points (series read once per worker). */
export const SWEEP_100 = 'storage.energyMWh=0..100:25;renewables.solar.capacityMW=0..60:15;renewables.wind.capacityMW=40..100:20';
/** 20 import limits × 5 storage sizes = 100 points; the grid limit forces a full re-resolve per point. */
export const SWEEP_100_RESOLVE = 'grid.importLimitMW=60..79:1;storage.energyMWh=0..100:25';

/** Runs the finance benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const base = await runPipeline(TEXAS);
  results.push(await timeIt('valueInvestment (lines, break-evens, tornado)', 'Texas, 5 lines × 5 years', () => valueInvestment(base.model, base.summary, base.ledger), { runs: 5 }));
  results.push(await timeIt('valueInvestment (no break-evens, no tornado)', 'Texas, 5 lines × 5 years', () => valueInvestment(base.model, base.summary, base.ledger, { breakEvens: false, sensitivity: false }), { runs: 5 }));
  for (const [label, spec] of [['sweep: simulate + value per point', SWEEP_100], ['sweep, re-reading series per point', SWEEP_100_RESOLVE]] as const) {
    let points = 0;
    let failed = 0;
    const r = await timeIt(
      label,
      `Texas, 100 points, ${availableParallelism()} workers`,
      async () => {
        const s = await sweepDesigns(TEXAS, spec);
        points = s.points.length;
        failed = s.points.filter((p) => !p.metrics).length;
      },
      { runs: 1, warmup: 0 },
    );
    r.note = `${points} points (${failed} failed); target < 120 s: ${r.medianMs < 120_000 ? 'met' : 'MISSED'}`;
    results.push(r);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
