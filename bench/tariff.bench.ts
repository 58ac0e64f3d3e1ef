/**
 * Tariff engine and tariff rows in the optimiser: billing a year of a large site, and optimal
 * plans of the US campus example with its utility tariff (on-peak demand, ratchet, 4CP, genset):
 * a month with the genset's on/off relaxed, and two weeks solved exactly as a mixed-integer
 * program. Each row is a median of its runs.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { billSite } from '../src/billing/bill.ts';
import { buildModel, loadScenario, loadScenarioText, plan, simulate } from '../src/pipeline.ts';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { markdownTable, median, type BenchResult } from './harness.ts';

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

async function planRow(name: string, size: string, load: () => ReturnType<typeof buildModel>, runs: number): Promise<BenchResult> {
  const walls: number[] = [];
  let note = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const model = load();
    const dispatch = await plan(model, 'optimal');
    const ledger = simulate(model, dispatch);
    const bill = billSite(model.sites[0]!, ledger.sites[0]!, model.grid);
    walls.push(performance.now() - t0);
    const st = dispatch.solver!;
    const predicted = st.predictedBill?.[0]?.total ?? NaN;
    note = `${st.columns.toLocaleString('en-US')} cols, ${st.integerColumns ?? 0} binaries; build ${st.buildSeconds.toFixed(2)} s, solve ${st.solveSeconds.toFixed(2)} s; bill ${Math.round(bill.total).toLocaleString('en-US')}, predicted ${Math.round(predicted).toLocaleString('en-US')}${dispatch.notes.some((x) => x.includes('relaxed')) ? '; genset on/off relaxed' : ''}`;
  }
  return { name, size, medianMs: Math.round(median(walls)), runs, note };
}

/** Runs the tariff benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const texas = buildModel(loadScenario(example('texas-single-site.yaml')));
  const ledger = simulate(texas, await plan(texas, 'naive'));
  const bills: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    billSite(texas.sites[0]!, ledger.sites[0]!, texas.grid);
    bills.push(performance.now() - t0);
  }
  rows.push({ name: 'bill one site-year (billSite)', size: '1 site × 8760 h, spot + demand', medianMs: Math.round(median(bills) * 10) / 10, runs: 7, note: 'the Texas example, naive ledger' });
  rows.push(await planRow('US campus, optimal (load, plan, simulate, bill)', '1 site × 744 h', () => buildModel(loadScenario(example('us-utility-campus.yaml'))), 3));
  // the same campus over two weeks: few enough binaries for an exact mixed-integer program
  const text = readFileSync(example('us-utility-campus.yaml'), 'utf8');
  const doc = parse(text) as { horizon: Record<string, unknown>; workloads: Array<Record<string, unknown>> };
  doc.horizon = { start: '2023-07-17T00:00', hours: 336, stepMinutes: 60, timeZone: 'America/Chicago' };
  doc.workloads[1]!.workGpuHours = 110_000;
  const twoWeeks = stringify(doc);
  rows.push(await planRow('US campus, optimal MILP (genset on/off exact)', '1 site × 336 h', () => buildModel(loadScenarioText(twoWeeks, fileURLToPath(new URL('../examples/', import.meta.url)))), 3));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(markdownTable(await run()));
