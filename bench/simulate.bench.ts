/**
 * Simulator throughput: the naive policy over a generated 100-site fleet for a full hourly
 * year (876,000 site-steps). Target: at least 1 million site-steps per second for the step
 * engine. Also times scenario resolution (file reads and alignment) and the physics stage.
 */
import { pathToFileURL } from 'node:url';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { naiveDispatch } from '../src/plan/naive.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import { simulate } from '../src/simulate/engine.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

/** Runs the simulator benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const sites of [10, 100]) {
    const scenario = Scenario.parse(generateFleet(sites));
    let resolved = resolveScenario(scenario, 'generated.yaml', FLEET_BASE_DIR);
    results.push(await timeIt('resolve (read + align series)', `${sites} sites × 8760 h`, () => (resolved = resolveScenario(scenario, 'generated.yaml', FLEET_BASE_DIR)), { runs: 3 }));
    let model = buildFleetModel(resolved);
    results.push(await timeIt('physics stage', `${sites} sites × 8760 h`, () => (model = buildFleetModel(resolved)), { runs: 3 }));
    let dispatch = naiveDispatch(model);
    results.push(await timeIt('naive policy', `${sites} sites × 8760 h`, () => (dispatch = naiveDispatch(model))));
    const r = await timeIt('simulate (step engine)', `${sites} sites × 8760 h`, () => simulate(model, dispatch));
    const siteSteps = sites * 8760;
    r.note = `${((siteSteps / r.medianMs) * 1000 / 1e6).toFixed(2)} M site-steps/s`;
    results.push(r);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
