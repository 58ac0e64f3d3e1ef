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
import { iterationCounts, progressLogOptions, toModelData } from '../src/optimize/highs-run.ts';
import { loadHighsRuntime } from '../src/optimize/load-highs.ts';

const HOURS = 720;
const SITES = 2;

async function main(): Promise<void> {
  const method = process.argv[2];
  if (method !== 'simplex' && method !== 'ipm') throw new Error(`usage: record-highs-log.ts simplex|ipm (found ${String(method)})`);
  const highs = await loadHighsRuntime();
  const model = toWireModel(buildBatteryFlexModel({ hours: HOURS, sites: SITES, seed: 1 }).model.compile());
  const m = highs.createModel(toModelData(highs, model));
  try {
    m.options.set({ ...progressLogOptions(false), solver: method });
    const messages: string[] = [];
    m.run({
      [highs.constants.callbackType.logging]: (e) => {
        messages.push(e.message);
        return undefined;
      },
    });
    const info = iterationCounts(m);
    const out = { model: `battery-flex ${HOURS} h × ${SITES} sites, seed 1`, rows: model.numRows, columns: model.numColumns, method, highs: highs.version.string, info, messages };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } finally {
    m.dispose();
  }
}

await main();
