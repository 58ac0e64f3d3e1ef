/**
 * Market benchmarks (issue 11): bid generation for one site-day (ERCOT, energy only; DK2 with
 * three reserve products) and for a 100-site portfolio-day, with model sizes. Bid rows are
 * medians over seven days of 2021; the portfolio is one run per scenario count. Full-year
 * back-tests: market-backtest.bench.ts.
 */
import { fileURLToPath } from 'node:url';
import { buildFleetModel } from '../src/model/fleet-model.ts';
import { HighsWasmSolver } from '../src/optimize/index.ts';
import { buildModel, loadScenario } from '../src/pipeline.ts';
import { bidDay, pacedState, type DayBid } from '../src/market/day-bid.ts';
import { loadMarket } from '../src/market/market-data.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { Scenario, type ScenarioInput } from '../src/scenario/schema/index.ts';
import { median, type BenchResult } from './harness.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

/** The ERCOT example's site and workloads copied to `n` sites of varied size, all bidding as one portfolio. */
export function portfolio(n: number): ScenarioInput {
  const base = loadScenario(`${EXAMPLES}ercot-2021.yaml`).scenario;
  const sites: ScenarioInput['sites'] = [];
  const workloads: NonNullable<ScenarioInput['workloads']> = [];
  for (let i = 0; i < n; i++) {
    const id = `dfw${String(i).padStart(3, '0')}`;
    const scale = 0.25 + ((i * 37) % 100) / 100; // 0.25 … 1.24 of the example site, deterministic
    const s = base.sites[0]!;
    sites.push({
      ...s,
      id,
      grid: { ...s.grid, importLimitMW: Math.round(s.grid.importLimitMW * scale * 10) / 10 },
      it: [{ accelerator: 'H100', gpus: Math.max(512, Math.round((16384 * scale) / 512) * 512) }],
      storage: i % 2 === 0 ? { ...s.storage!, energyMWh: Math.round(24 * scale), powerMW: Math.round(6 * scale * 10) / 10 } : undefined,
    });
    const gpus = sites[i]!.it[0]!.gpus;
    for (const w of base.workloads) {
      if (w.type === 'inference') workloads.push({ ...w, id: `${id}-${w.id}`, sites: [id], demandTokensPerSecond: { ...(w.demandTokensPerSecond as object), scale: 1.0e6 * (gpus / 16384) } as never });
      else if (w.type === 'training') workloads.push({ ...w, id: `${id}-${w.id}`, sites: [id], gpus: { max: Math.max(256, Math.round((w.gpus.max * gpus) / 16384)), min: w.gpus.min ? Math.max(64, Math.round((w.gpus.min * gpus) / 16384)) : undefined }, workGpuHours: w.continuous ? w.workGpuHours : (w.workGpuHours * gpus) / 16384 });
    }
  }
  return { ...(base as ScenarioInput), name: `ercot-portfolio-${n}`, sites, workloads, markets: [{ ...base.markets[0]!, sites: sites.map((s) => s.id) }] };
}

async function bidRows(name: string, file: string, dayKeys: string[]): Promise<BenchResult> {
  const model = buildModel(loadScenario(file));
  const md = loadMarket(model, 0);
  const solver = new HighsWasmSolver();
  const times: number[] = [];
  let last: DayBid | undefined;
  try {
    for (const key of dayKeys) {
      const day = md.days.find((d) => d.key === key)!;
      const t0 = performance.now();
      last = await bidDay(model, md, day, pacedState(model, day.from), solver);
      times.push(performance.now() - t0);
    }
  } finally {
    await solver.close();
  }
  const s = last!.stats;
  return { name, size: `1 site-day, ${s.scenarios} scenarios`, medianMs: Math.round(median(times)), runs: times.length, note: `${s.columns.toLocaleString('en-US')} columns, ${s.rows.toLocaleString('en-US')} rows, ${s.nonzeros.toLocaleString('en-US')} non-zeros (last day); build + solve per bid` };
}

/** Runs the market benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const only = process.env.MARKET_BENCH;
  const rows: BenchResult[] = [];
  const days = ['2021-01-20', '2021-03-10', '2021-05-12', '2021-07-14', '2021-09-15', '2021-11-10', '2021-12-08'];
  if (only !== 'portfolio') rows.push(await bidRows('bid, ERCOT North (energy only)', `${EXAMPLES}ercot-2021.yaml`, days));
  if (only !== 'portfolio') rows.push(await bidRows('bid, DK2 (energy + mFRR, FCR-N, FCR-D)', `${EXAMPLES}denmark-dk2-2021.yaml`, days));

  for (const n of only === 'days' ? [] : [100]) {
    const scenario = Scenario.parse(portfolio(n));
    const model = buildFleetModel(resolveScenario(scenario, 'portfolio.yaml', EXAMPLES));
    const md = loadMarket(model, 0);
    const solver = new HighsWasmSolver();
    try {
      for (const scenarios of [5, 10]) {
        md.spec.bidding.scenarios = scenarios;
        const day = md.days.find((d) => d.key === '2021-07-14')!;
        const t0 = performance.now();
        const bid = await bidDay(model, md, day, pacedState(model, day.from), solver, { timeLimitSeconds: 1800 });
        const ms = performance.now() - t0;
        const s = bid.stats;
        rows.push({ name: `bid, ${n}-site portfolio (ERCOT North)`, size: `${n} sites × 24 h, ${s.scenarios} scenarios`, medianMs: Math.round(ms), runs: 1, note: `${s.columns.toLocaleString('en-US')} columns, ${s.rows.toLocaleString('en-US')} rows, ${s.nonzeros.toLocaleString('en-US')} non-zeros; build ${s.buildSeconds.toFixed(1)} s, solve ${s.solveSeconds.toFixed(1)} s (${s.status})` });
      }
    } finally {
      await solver.close();
    }
  }

  return rows;
}
