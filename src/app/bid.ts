/**
 * Use case `bid`: the day-ahead bid of one market day: monotone price–quantity curves per
 * product from a stochastic programme over price scenarios drawn from history (one copy of the
 * dispatch LP per scenario), and reserve offers, in the market's format.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { awardFromPoints } from '../market/bid-curve.ts';
import { bidDay, pacedState, type DayBid } from '../market/day-bid.ts';
import { loadMarket, pickMarket, type MarketData, type MarketDay } from '../market/market-data.ts';
import { qualificationReport, type QualificationRow } from '../market/qualification.ts';
import { bidCsv, bidJson, localIso } from '../market/outputs.ts';
import { csvFile, htmlFile, jsonFile } from './files.ts';
import { checkpoint } from './progress.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num } from './text-format.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `bid`. */
export interface BidOptions {
  /** Market day, YYYY-MM-DD in the market's time zone. */
  day: string;
  /** Market id (default: the scenario's only market). */
  market?: string;
  /** One bid per site instead of one for the portfolio. */
  perSite?: boolean;
  /** Offer reserves where the market has products (default true). */
  reserves?: boolean;
  /** Solver name for the solver factory (default 'highs'). */
  solver?: string;
}

/** Input of {@link runBid}. */
export interface BidInput extends BidOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runBid}: json is the bid (or `bids` per site); files are bid.json, bid.csv and bid.html (one page per site). */
export interface BidOutput extends UseCaseOutput<Record<string, unknown>> {
  scenario: LoadedScenario;
  market: MarketData;
  bids: DayBid[];
  qualification: QualificationRow[];
}

/** A whole market day of the horizon, or an input error naming the valid range. */
export function marketDayOption(md: MarketData, key: string, flag: string): MarketDay {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) throw new InputError('OPTION_INVALID', `${flag} must be a date YYYY-MM-DD, got "${key}"`, { path: flag });
  const d = md.days.find((x) => x.key === key);
  if (!d) {
    throw new InputError('OPTION_INVALID', `${key} is not a whole market day of the scenario's horizon (${md.timeZone}); the horizon's market days run from ${md.days[0]!.key} to ${md.days[md.days.length - 1]!.key}`, { path: flag });
  }
  return d;
}

/** The scenario's market named by `market` (or its only one), loaded with its history. */
export function loadMarketOf(scenario: LoadedScenario, market: string | undefined): MarketData {
  return loadMarket(scenario.model, pickMarket(scenario.model.resolved.scenario.markets, market, scenario.resolved.file));
}

/** Makes the day-ahead bid (curves and reserve offers) of one market day. */
export async function runBid(input: BidInput, deps: UseCaseDeps): Promise<BidOutput> {
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const { model } = scenario;
  const md = loadMarketOf(scenario, input.market);
  const day = marketDayOption(md, input.day, '--day');
  const groups: number[][] = input.perSite ? md.siteIndices.map((s) => [s]) : [md.siteIndices];
  if (input.perSite) {
    for (const w of model.workloads) {
      const shared = w.siteIndices.filter((s) => md.siteIndices.includes(s));
      if (shared.length > 1) throw new InputError('OPTION_INVALID', `--per-site: workload "${w.id}" may run at several bidding sites (${shared.map((s) => model.sites[s]!.id).join(', ')}), so their bids are not independent; bid as a portfolio`, { path: '--per-site' });
    }
  }
  const solver = deps.solverFactory(input.solver ?? 'highs');
  const bids: DayBid[] = [];
  try {
    for (const [k, sites] of groups.entries()) {
      checkpoint(deps, `before bidding ${day.key}`);
      deps.progress?.(k / groups.length, `bidding ${day.key}`);
      bids.push(await bidDay(model, md, day, pacedState(model, day.from), solver, { sites, reserves: input.reserves ?? true, signal: deps.signal }));
    }
  } finally {
    await solver.close?.();
  }
  deps.progress?.(1, 'done');
  const qualification = qualificationReport(model, md.spec, md.siteIndices);
  const json = bids.length === 1 ? bidJson(model, md, bids[0]!, qualification) : { scenario: model.name, market: md.spec.id, day: day.key, perSite: true, bids: bids.map((b) => bidJson(model, md, b, qualification)) };
  return {
    scenario, market: md, bids, qualification, json,
    text: bids.map((b) => bidText(model, md, b)).join('\n') + qualificationText(qualification),
    files: async () => {
      // the HTML pages load the chart renderer: only when files are asked for
      const { bidHtml } = await import('../market/report-html.ts');
      return [
        jsonFile('bid.json', json),
        csvFile('bid.csv', bids.map((b, i) => bidCsv(model, md, b, i === 0)).join('')),
        ...bids.map((b) => htmlFile(bids.length === 1 ? 'bid.html' : `bid-${model.sites[b.sites[0]!]!.id}.html`, bidHtml(model, md, b, qualification))),
      ];
    },
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
