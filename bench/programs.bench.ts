/**
 * Grid-program benchmarks. Targets (issue 4 §4): the flexibility envelope of a 100-site fleet
 * for one day (24 hours × 4 durations, reduction and increase) in under 10 s, and a full-year
 * annual program settlement on the China fleet in under 60 s.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { buildModel, loadScenario } from '../src/pipeline.ts';
import { naiveDispatch } from '../src/plan/naive.ts';
import { flexibilityEnvelope } from '../src/programs/envelope.ts';
import { programEvents } from '../src/programs/events.ts';
import { flexContext } from '../src/programs/levers.ts';
import { resolveProgram, scenarioPrograms } from '../src/programs/program.ts';
import { replayEvents } from '../src/programs/replay.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import { simulate } from '../src/simulate/engine.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

const CHINA = fileURLToPath(new URL('../examples/china-fleet.yaml', import.meta.url));

/** Runs the grid-program benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  // 100 sites over two days, so every hour of the first day can hold 4 hours
  const input = generateFleet(100, 48);
  // the archetype defaults rather than fixed design PUEs, so the bench follows cooling-model recalibrations
  for (const site of input.sites) if (site.facility) delete (site.facility.cooling as { designPUE?: number }).designPUE;
  const scenario = Scenario.parse(input);
  const setup = () => {
    const model = buildFleetModel(resolveScenario(scenario, 'generated.yaml', FLEET_BASE_DIR));
    const dispatch = naiveDispatch(model);
    return { model, dispatch, ledger: simulate(model, dispatch) };
  };
  let fleet = setup();
  const durations = [1, 2, 3, 4];
  let cells = 0;
  const env = await timeIt('flexibility envelope (reduce + increase)', '100 sites × 24 h × 4 durations', () => {
    const e = flexibilityEnvelope(flexContext(fleet.model, fleet.dispatch, fleet.ledger), { fromStep: 0, toStep: 24, durations });
    cells = e.sites.length * e.fleet.length * durations.length * 2;
  }, { runs: 3 });
  env.note = `${cells} cells; target < 10 s`;
  results.push(env);
  const e2e = await timeIt('flex end to end (resolve, naive, simulate, envelope)', '100 sites × 24 h × 4 durations', () => {
    fleet = setup();
    flexibilityEnvelope(flexContext(fleet.model, fleet.dispatch, fleet.ledger), { fromStep: 0, toStep: 24, durations });
  }, { runs: 3 });
  e2e.note = 'target < 10 s';
  results.push(e2e);

  // the China fleet's summer program over the 2014 year
  const model = buildModel(loadScenario(CHINA));
  const base = naiveDispatch(model);
  const baseLedger = simulate(model, base);
  let events = 0;
  let revenue = 0;
  const annual = await timeIt('annual program settlement (events, bid, response, simulate, settle)', 'China fleet, 5 sites × 8760 h', () => {
    const { program } = resolveProgram(model);
    const own = programEvents(model, program, scenarioPrograms(model)[0]);
    const r = replayEvents(model, base, baseLedger, program, own.events, { capacity: true });
    events = r.settlements.length;
    revenue = r.totals.net;
  }, { runs: 3 });
  annual.note = `${events} events, net ${revenue.toFixed(0)} CNY; target < 60 s`;
  results.push(annual);
  const annualE2e = await timeIt('annual program end to end (load, naive, simulate, settle)', 'China fleet, 5 sites × 8760 h', () => {
    const m = buildModel(loadScenario(CHINA));
    const d = naiveDispatch(m);
    const l = simulate(m, d);
    const { program } = resolveProgram(m);
    replayEvents(m, d, l, program, programEvents(m, program, scenarioPrograms(m)[0]).events, { capacity: true });
  }, { runs: 3 });
  annualE2e.note = 'target < 60 s';
  results.push(annualE2e);
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
