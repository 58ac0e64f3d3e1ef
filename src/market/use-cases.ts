/**
 * The market commands as library functions: `bid` (one day's curves and reserve offers) and
 * `backtest` (a period of daily bids against the price-taker plans). Each takes typed input and
 * its dependencies (a solver factory, progress) and returns values: the JSON document, a text
 * summary and the output files. The CLI is a thin adapter over these.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Solver } from '../optimize/index.ts';
import { buildModel, loadScenario } from '../pipeline.ts';
import { runBacktest, POLICY_IDS, type BacktestResult } from './backtest.ts';
import { awardFromPoints } from './bid-curve.ts';
import { bidDay, pacedState, type DayBid } from './day-bid.ts';
import { loadMarket, pickMarket, type MarketData, type MarketDay } from './market-data.ts';
import { qualificationReport, type QualificationRow } from './qualification.ts';
import { backtestDaysCsv, backtestHtml, backtestJson, bidCsv, bidHtml, bidJson, localIso } from './report.ts';

/** What the market use cases need from their caller. */
export interface MarketDeps {
  /** Makes a solver; the back-test asks for two (the bidding chain and the price-taker chains run side by side). */
  solverFactory: () => Solver;
  progress?: (fraction: number, phase?: string) => void;
}

/** A file a use case produces. */
export interface MarketFile {
  name: string;
  mediaType: string;
  content: string;
}

/** Input of {@link runBid}. */
export interface BidInput {
  file: string;
  /** Market day, YYYY-MM-DD in the market's time zone. */
  day: string;
  /** Market id (default: the scenario's only market). */
  market?: string;
  /** One bid per site instead of one for the portfolio. */
  perSite?: boolean;
  /** Leave reserves out. */
  noReserves?: boolean;
}

/** Result of {@link runBid}. */
export interface BidOutput {
  json: Record<string, unknown>;
  text: string;
  files(): Promise<MarketFile[]>;
  model: FleetModel;
  market: MarketData;
  bids: DayBid[];
  qualification: QualificationRow[];
}

function findDay(md: MarketData, key: string, option: string): MarketDay {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) throw new InputError('OPTION_INVALID', `${option} must be a date YYYY-MM-DD, got "${key}"`, { path: option });
  const d = md.days.find((x) => x.key === key);
  if (!d) {
    throw new InputError('OPTION_INVALID', `${key} is not a whole market day of the scenario's horizon (${md.timeZone}); the horizon's market days run from ${md.days[0]!.key} to ${md.days[md.days.length - 1]!.key}`, { path: option });
  }
  return d;
}

function load(file: string, market: string | undefined): { model: FleetModel; md: MarketData } {
  const model = buildModel(loadScenario(file));
  const index = pickMarket(model.resolved.scenario.markets, market, file);
  return { model, md: loadMarket(model, index) };
}

const num = (x: number, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Makes the day-ahead bid (curves and reserve offers) of one market day. */
export async function runBid(input: BidInput, deps: MarketDeps): Promise<BidOutput> {
  const { model, md } = load(input.file, input.market);
  const day = findDay(md, input.day, '--day');
  const groups: number[][] = input.perSite ? md.siteIndices.map((s) => [s]) : [md.siteIndices];
  if (input.perSite) {
    for (const w of model.workloads) {
      const shared = w.siteIndices.filter((s) => md.siteIndices.includes(s));
      if (shared.length > 1) throw new InputError('OPTION_INVALID', `--per-site: workload "${w.id}" may run at several bidding sites (${shared.map((s) => model.sites[s]!.id).join(', ')}), so their bids are not independent; bid as a portfolio`, { path: '--per-site' });
    }
  }
  const solver = deps.solverFactory();
  const bids: DayBid[] = [];
  try {
    for (const [k, sites] of groups.entries()) {
      deps.progress?.(k / groups.length, `bidding ${day.key}`);
      bids.push(await bidDay(model, md, day, pacedState(model, day.from), solver, { sites, reserves: !input.noReserves }));
    }
  } finally {
    await solver.close?.();
  }
  deps.progress?.(1, 'done');
  const qualification = qualificationReport(model, md.spec, md.siteIndices);
  const json = bids.length === 1 ? bidJson(model, md, bids[0]!, qualification) : { scenario: model.name, market: md.spec.id, day: day.key, perSite: true, bids: bids.map((b) => bidJson(model, md, b, qualification)) };
  const text = bids.map((b) => bidText(model, md, b)).join('\n') + qualificationText(qualification);
  return {
    json, text, model, market: md, bids, qualification,
    files: async () => [
      { name: 'bid.json', mediaType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n` },
      { name: 'bid.csv', mediaType: 'text/csv; charset=utf-8', content: bids.map((b, i) => bidCsv(model, md, b, i === 0)).join('') },
      ...bids.map((b) => ({ name: bids.length === 1 ? 'bid.html' : `bid-${model.sites[b.sites[0]!]!.id}.html`, mediaType: 'text/html; charset=utf-8', content: bidHtml(model, md, b, qualification) })),
    ],
  };
}

function bidText(model: FleetModel, md: MarketData, bid: DayBid): string {
  const cur = model.currency;
  const lines = [
    `${model.name}: day-ahead bid for ${bid.day.key} (${md.timeZone}), market ${md.spec.id} (${md.rules.name})`,
    `bidder: ${bid.sites.map((s) => model.sites[s]!.id).join(' + ')}; ${bid.scenarios.probability.length} price scenario(s) by ${bid.scenarios.method} (${bid.scenarios.analogues.slice(0, 5).join(', ')}${bid.scenarios.analogues.length > 5 ? ', …' : ''})`,
    `model: ${num(bid.stats.columns, 0)} columns, ${num(bid.stats.rows, 0)} rows, solved in ${bid.stats.solveSeconds.toFixed(2)} s (${bid.stats.status})`,
    '',
    `hour   steps  MW bought from … to (as the price rises)   ${Object.keys(bid.reserveOffersMW).map((k) => `${k} MW`).join('  ')}`,
  ];
  bid.curves.forEach((c, i) => {
    const q = c.points.map((p) => p.quantityMW);
    const offers = Object.values(bid.reserveOffersMW).map((v) => num(v[i]!, 1).padStart(8));
    const known = md.dayAheadKnown[c.from + md.offset] ? ` awarded ${num(awardFromPoints(c.points, md.dayAhead[c.from + md.offset]!, md.rules.curveStyle), 1)} MW at ${num(md.dayAhead[c.from + md.offset]!, 2)} ${cur}/MWh` : '';
    lines.push(`${localIso(c.startMs, md.timeZone).slice(11, 16)}  ${String(c.points.length).padStart(5)}  ${num(Math.max(...q), 1).padStart(8)} … ${num(Math.min(...q), 1).padEnd(8)}${offers.join('')}${known}`);
  });
  if (bid.notes.length) lines.push('', ...bid.notes.map((n) => `note: ${n}`));
  return `${lines.join('\n')}\n`;
}

function qualificationText(rows: QualificationRow[]): string {
  if (!rows.length) return '';
  return `\nreserve qualification:\n${rows.map((q) => `  ${q.product} / ${q.subject}: ${q.qualifies ? 'qualifies' : 'does not qualify'}: ${q.reason}`).join('\n')}\n`;
}

/** Input of {@link runMarketBacktest}. */
export interface BacktestInput {
  file: string;
  market?: string;
  /** A calendar year (market time zone). */
  year?: number;
  /** First day and number of days (instead of a year). */
  from?: string;
  days?: number;
  maxPoints?: number;
}

/** Result of {@link runMarketBacktest}. */
export interface BacktestOutput {
  json: Record<string, unknown>;
  text: string;
  files(): Promise<MarketFile[]>;
  model: FleetModel;
  market: MarketData;
  result: BacktestResult;
}

/** Back-tests daily bidding over a period against the naive and price-taker plans. */
export async function runMarketBacktest(input: BacktestInput, deps: MarketDeps): Promise<BacktestOutput> {
  const { model, md } = load(input.file, input.market);
  let days = md.days;
  if (input.year !== undefined) {
    if (!Number.isInteger(input.year)) throw new InputError('OPTION_INVALID', `--year must be a year such as 2021, got "${input.year}"`, { path: '--year' });
    days = md.days.filter((d) => d.key.startsWith(`${input.year}-`));
    if (days.length === 0) throw new InputError('OPTION_INVALID', `the scenario's horizon holds no market day of ${input.year} (it runs from ${md.days[0]!.key} to ${md.days[md.days.length - 1]!.key})`, { path: '--year' });
  }
  if (input.from !== undefined) {
    const first = findDay(md, input.from, '--from');
    const i = md.days.indexOf(first);
    const n = input.days ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new InputError('OPTION_INVALID', `--days must be a whole number of days ≥ 1, got "${input.days}"`, { path: '--days' });
    days = md.days.slice(i, i + n);
    if (days.length < n) throw new InputError('OPTION_INVALID', `only ${days.length} market day(s) of the horizon follow ${input.from}, not ${n}`, { path: '--days' });
  } else if (input.days !== undefined) {
    throw new InputError('OPTION_INVALID', '--days needs --from', { path: '--days' });
  }
  const solvers: [Solver, Solver] = [deps.solverFactory(), deps.solverFactory()];
  let result: BacktestResult;
  try {
    result = await runBacktest(model, md, { days, solvers, maxPoints: input.maxPoints, progress: deps.progress });
  } finally {
    await Promise.all(solvers.map((s) => s.close?.()));
  }
  const json = backtestJson(model, result);
  return {
    json, model, market: md, result,
    text: backtestText(result),
    files: async () => [
      { name: 'summary.json', mediaType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n` },
      { name: 'days.csv', mediaType: 'text/csv; charset=utf-8', content: backtestDaysCsv(result) },
      { name: 'report.html', mediaType: 'text/html; charset=utf-8', content: backtestHtml(model, result) },
    ],
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
