/**
 * Optimiser benchmarks (issue targets in brackets): Texas single site, full year, optimal
 * [< 30 s end to end]; the six-site global fleet, full year, rolling 48 h / 24 h [< 120 s], and
 * its full-horizon optimum for the cost gap; generated fleets of 10, 30 and 100 sites, rolling
 * [100 sites < 10 min, < 4 GB], with time per window; model building's share of the time
 * [< 10 %]. Each line is one run (a full-year plan is the unit of work); peak memory is the
 * process's resident set.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { buildModel, loadScenario, plan, simulate, summarise } from '../src/pipeline.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, type BenchResult } from './harness.ts';

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
sampler.unref();

async function endToEnd(name: string, size: string, file: string, policy: string, options = {}): Promise<{ row: BenchResult; cost: number }> {
  const t0 = performance.now();
  const model = buildModel(loadScenario(file));
  const dispatch = await plan(model, policy, undefined, options);
  const { summary } = summarise(model, simulate(model, dispatch));
  const ms = performance.now() - t0;
  const st = dispatch.solver!;
  const share = (st.buildSeconds / (ms / 1000)) * 100;
  return {
    row: {
      name,
      size,
      medianMs: Math.round(ms),
      runs: 1,
      note: `${st.solves} solves, largest ${st.largestColumns.toLocaleString('en-US')} cols; build ${st.buildSeconds.toFixed(1)} s (${share.toFixed(1)} % of total), solve ${st.solveSeconds.toFixed(1)} s; cost ${Math.round(summary.fleet.energyCost + summary.fleet.storageDegradationCost).toLocaleString('en-US')} ${summary.currency}`,
    },
    cost: summary.fleet.energyCost + summary.fleet.storageDegradationCost,
  };
}

/** Runs the optimiser benchmarks (the full-horizon global optimum takes a few minutes). */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  rows.push((await endToEnd('Texas, optimal (load, plan, simulate)', '1 site × 8760 h', example('texas-single-site.yaml'), 'optimal')).row);
  const rolling = await endToEnd('global fleet, rolling 48 h / 24 h', '6 sites × 8760 h', example('global-fleet.yaml'), 'rolling', { lookaheadHours: 48, commitHours: 24 });
  rows.push(rolling.row);
  const opt = await endToEnd('global fleet, optimal (full horizon)', '6 sites × 8760 h', example('global-fleet.yaml'), 'optimal');
  opt.row.note += `; rolling costs ${(((rolling.cost - opt.cost) / Math.abs(opt.cost)) * 100).toFixed(1)} % more`;
  rows.push(opt.row);
  for (const sites of [10, 30, 100]) {
    peakRss = process.memoryUsage().rss;
    const scenario = Scenario.parse(generateFleet(sites));
    const t0 = performance.now();
    const model = buildFleetModel(resolveScenario(scenario, 'generated.yaml', FLEET_BASE_DIR));
    const dispatch = await plan(model, 'rolling', undefined, { lookaheadHours: 48, commitHours: 24 });
    simulate(model, dispatch);
    const ms = performance.now() - t0;
    const st = dispatch.solver!;
    rows.push({
      name: 'generated fleet, rolling 48 h / 24 h',
      size: `${sites} sites × 8760 h`,
      medianMs: Math.round(ms),
      runs: 1,
      note: `${(ms / st.windows).toFixed(0)} ms per window (${st.windows} windows, ${st.solves} solves); build ${((st.buildSeconds / (ms / 1000)) * 100).toFixed(1)} % of total; peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB`,
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
  clearInterval(sampler);
}
