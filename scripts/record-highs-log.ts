/**
 * Records HiGHS's log of one solve of the generated battery + flexible-load LP, with the options a
 * solve with progress uses (log to the callback only, development level 1), so the progress
 * estimator can be tested on a real log without depending on how fast the machine is.
 *
 *   node --import tsx scripts/record-highs-log.ts simplex > test/fixtures/highs-log/battery-flex-720h-simplex.json
 *   node --import tsx scripts/record-highs-log.ts ipm > test/fixtures/highs-log/battery-flex-720h-ipm.json
 */
import { buildBatteryFlexModel } from '../src/optimize/battery-flex-model.ts';
import { toWireModel } from '../src/optimize/highs-protocol.ts';
import { loadHighsRuntime } from '../src/optimize/load-highs.ts';

const HOURS = 720;
const SITES = 2;

async function main(): Promise<void> {
  const method = process.argv[2];
  if (method !== 'simplex' && method !== 'ipm') throw new Error(`usage: record-highs-log.ts simplex|ipm (found ${String(method)})`);
  const highs = await loadHighsRuntime();
  const model = toWireModel(buildBatteryFlexModel({ hours: HOURS, sites: SITES, seed: 1 }).model.compile());
  const m = highs.createModel({
    numCols: model.numColumns,
    numRows: model.numRows,
    sense: highs.constants.objectiveSense.minimize,
    offset: model.objectiveConstant,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    matrix: { format: 'csc', numRows: model.numRows, numCols: model.numColumns, starts: model.starts, indices: model.indices, values: model.values },
  });
  try {
    m.options.set({ output_flag: true, log_to_console: false, log_dev_level: 1, solver: method });
    const messages: string[] = [];
    m.run({
      [highs.constants.callbackType.logging]: (e) => {
        messages.push(e.message);
        return undefined;
      },
    });
    const info = {
      simplex: Number(m.info.get('simplex_iteration_count')),
      ipm: Number(m.info.get('ipm_iteration_count')),
      crossover: Number(m.info.get('crossover_iteration_count')),
    };
    const out = { model: `battery-flex ${HOURS} h × ${SITES} sites, seed 1`, rows: model.numRows, columns: model.numColumns, method, highs: highs.version.string, info, messages };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } finally {
    m.dispose();
  }
}

await main();
