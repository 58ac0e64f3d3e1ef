/**
 * Use case `backtest`: every market day of a period, the bidding policy (stochastic curves,
 * awards at the real cleared prices, intraday re-optimisation, reserves) against the naive plan,
 * the price-taker plans and perfect foresight, all simulated and settled on real prices.
 */
import { InputError } from '../errors/index.ts';
import type { Solver } from '../optimize/index.ts';
import { runBacktest, POLICY_IDS, type BacktestResult } from '../market/backtest.ts';
import type { MarketData } from '../market/market-data.ts';
import { backtestDaysCsv, backtestJson } from '../market/outputs.ts';
import { loadMarketOf, marketDayOption } from './bid.ts';
import { csvFile, htmlFile, jsonFile } from './files.ts';
import { checkpoint } from './progress.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num } from './text-format.ts';
import type { Numeric, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `backtest`: a calendar year, or a first day and a number of days (default: every market day of the horizon). */
export interface BacktestOptions {
  market?: string;
  /** A calendar year in the market's time zone. */
  year?: Numeric;
  /** First market day, YYYY-MM-DD. */
  from?: string;
  /** With `from`: number of days (default 1). */
  days?: Numeric;
  /** Solver name for the solver factory (default 'highs'); two solvers run side by side. */
  solver?: string;
}

/** Input of {@link runMarketBacktest}. */
export interface BacktestInput extends BacktestOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runMarketBacktest}: json is the contract; files are summary.json, days.csv and report.html. */
export interface BacktestOutput extends UseCaseOutput<Record<string, unknown>> {
  scenario: LoadedScenario;
  market: MarketData;
  result: BacktestResult;
}

function whole(flag: string, v: Numeric | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(x) || x < min) throw new InputError('OPTION_INVALID', `${flag} must be a whole number ≥ ${min}, got "${String(v)}"`, { path: flag });
  return x;
}

/** Back-tests daily bidding over a period against the naive, price-taker and perfect-foresight plans. */
export async function runMarketBacktest(input: BacktestInput, deps: UseCaseDeps): Promise<BacktestOutput> {
  checkpoint(deps, 'before loading the scenario');
  const year = whole('--year', input.year, 1);
  const count = whole('--days', input.days, 1);
  if (year !== undefined && input.from !== undefined) throw new InputError('OPTION_INVALID', 'give --year or --from (with --days), not both', { path: '--year' });
  if (count !== undefined && input.from === undefined) throw new InputError('OPTION_INVALID', '--days needs --from', { path: '--days' });
  const scenario = loadScenarioInput(input.scenario);
  const md = loadMarketOf(scenario, input.market);
  let days = md.days;
  if (year !== undefined) {
    days = md.days.filter((d) => d.key.startsWith(`${year}-`));
    if (days.length === 0) throw new InputError('OPTION_INVALID', `the scenario's horizon holds no market day of ${year} (it runs from ${md.days[0]!.key} to ${md.days[md.days.length - 1]!.key})`, { path: '--year' });
  }
  if (input.from !== undefined) {
    const i = md.days.indexOf(marketDayOption(md, input.from, '--from'));
    const n = count ?? 1;
    days = md.days.slice(i, i + n);
    if (days.length < n) throw new InputError('OPTION_INVALID', `only ${days.length} market day(s) of the horizon follow ${input.from}, not ${n}`, { path: '--days' });
  }
  const name = input.solver ?? 'highs';
  const solvers: [Solver, Solver] = [deps.solverFactory(name), deps.solverFactory(name)];
  let result: BacktestResult;
  try {
    result = await runBacktest(scenario.model, md, { days, solvers, progress: deps.progress, signal: deps.signal });
  } finally {
    await Promise.all(solvers.map((s) => s.close?.()));
  }
  deps.progress?.(1, 'done');
  const json = backtestJson(scenario.model, result);
  return {
    scenario, market: md, result, json,
    text: backtestText(result),
    files: async () => {
      // the HTML page loads the chart renderer: only when files are asked for
      const { backtestHtml } = await import('../market/report-html.ts');
      return [jsonFile('summary.json', json), csvFile('days.csv', backtestDaysCsv(result)), htmlFile('report.html', backtestHtml(scenario.model, result))];
    },
  };
}

function backtestText(r: BacktestResult): string {
  const cur = r.currency;
  const rows = [['policy', `cost ${cur}`, `day-ahead ${cur}`, `real-time ${cur}`, `reserves ${cur}`, 'MWh', 'deviation MWh', 'served', 'floors']];
  for (const id of POLICY_IDS) {
    const p = r.policies[id];
    rows.push([id, num(p.cost, 0), num(p.dayAheadCost, 0), num(p.realTimeCost, 0), num(p.reserveRevenue, 0), num(p.meteredMWh, 0), num(p.absDeviationMWh, 0), `${(p.qos.inferenceServedShare * 100).toFixed(2)} %`, p.qos.floorsMet ? 'held' : 'missed']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((x) => x[c]!.length)));
  const lines = rows.map((x, i) => x.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ') + (i === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : ''));
  const share = r.capturedShare === null ? 'not defined' : `${(r.capturedShare * 100).toFixed(1)} %`;
  return [
    `market back-test ${r.market} (${r.rules}), ${r.days} days ${r.from} to ${r.to} (${r.timeZone})`,
    '',
    ...lines,
    '',
    `captured share of the perfect-knowledge value: ${share}${r.capturedShareNetOfWorkValue !== null ? ` (net of the value of work: ${(r.capturedShareNetOfWorkValue * 100).toFixed(1)} %)` : ''}`,
    `bidding programme: median ${num(r.bidStats.medianColumns, 0)} columns, median solve ${r.bidStats.medianSolveSeconds.toFixed(2)} s`,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}
