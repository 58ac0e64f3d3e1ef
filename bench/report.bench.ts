/**
 * HTML report benchmarks: generation time and page size for the six-site global fleet and a
 * generated 100-site fleet, each over a full year of hourly steps, simulated with the naive
 * policy (real prices, carbon and weather); the interactive page (chart script, chart data and
 * full-resolution flows inlined) against the static one (SVG only) in the same run.
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
    const runs = input.summary.sites.length > 10 ? 3 : 5;
    const rows: BenchResult[] = [];
    for (const interactive of [false, true]) {
      let html = '';
      const r = await timeIt(`renderReportHtml, ${label}, ${interactive ? 'interactive' : 'static'}`, size, () => {
        html = renderReportHtml({ ...input, interactive });
      }, { runs });
      const part = (re: RegExp) => [...html.matchAll(re)].reduce((a, m) => a + m[0].length, 0);
      r.note = interactive
        ? `page ${mb(Buffer.byteLength(html))}: SVG ${mb(part(/<svg[\s\S]*?<\/svg>/g))}, chart data ${mb(part(/<script type="application\/json">[\s\S]*?<\/script>/g))}, full-resolution flows ${mb(part(/<script type="text\/plain"[\s\S]*?<\/script>/g))}, chart script ${mb(part(/<script>[\s\S]*?<\/script>/g))}; ×${(r.medianMs / rows[0]!.medianMs).toFixed(2)} the static time`
        : `page ${mb(Buffer.byteLength(html))}`;
      rows.push(r);
    }
    results.push(...rows);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await run()));
}
