/**
 * HTML report benchmarks: generation time and page size for the six-site global fleet and a
 * generated 100-site fleet, each over a full year of hourly steps, simulated with the naive
 * policy (real prices, carbon and weather).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { buildModel, loadScenario, plan, simulate, summarise } from '../src/pipeline.ts';
import { renderReportHtml, type ReportInput } from '../src/report/index.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario } from '../src/scenario/schema/index.ts';
import { FLEET_BASE_DIR, generateFleet } from './fleet.ts';
import { markdownTable, timeIt, type BenchResult } from './harness.ts';

const GLOBAL = fileURLToPath(new URL('../examples/global-fleet.yaml', import.meta.url));

async function reportInput(model: ReturnType<typeof buildModel>): Promise<ReportInput> {
  const ledger = simulate(model, await plan(model, 'naive'));
  const { summary, bills } = summarise(model, ledger);
  return { summary, ledger, bills, siteTimeZones: model.sites.map((s) => s.timeZone), generatedAt: '2024-01-01T00:00:00Z' };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** Runs the report benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const fleets: Array<[string, () => Promise<ReportInput>]> = [
    ['global fleet', async () => reportInput(buildModel(loadScenario(GLOBAL)))],
    ['generated fleet', async () => reportInput(buildFleetModel(resolveScenario(Scenario.parse(generateFleet(100, 8760)), 'generated.yaml', FLEET_BASE_DIR)))],
  ];
  for (const [label, make] of fleets) {
    const input = await make();
    const size = `${input.summary.sites.length} sites × ${input.summary.horizon.steps} h`;
    let bytes = 0;
    const r = await timeIt(`renderReportHtml, ${label}`, size, () => {
      bytes = Buffer.byteLength(renderReportHtml(input));
    }, { runs: input.summary.sites.length > 10 ? 3 : 5 });
    r.note = `page ${mb(bytes)}`;
    results.push(r);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
