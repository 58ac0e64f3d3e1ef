/**
 * What the market stage hands to scripts: the bid as JSON and CSV in the market's format, and
 * the back-test's JSON contract and daily CSV. Times are the market's local time with offset.
 * (The HTML pages are in report-html.ts, which loads the chart renderer.)
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { csvField } from '../report/format.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';
import { awardFromPoints } from './bid-curve.ts';
import { POLICY_IDS, POLICY_LABELS, type BacktestResult, type PolicyId } from './backtest.ts';
import type { DayBid } from './day-bid.ts';
import type { MarketData } from './market-data.ts';
import type { QualificationRow } from './qualification.ts';

/** Rounded to 2, 3 and 4 decimals for JSON and CSV. */
export const r2 = (x: number) => Math.round(x * 100) / 100;
export const r3 = (x: number) => Math.round(x * 1000) / 1000;
export const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** ISO local time with its offset in zone `tz`. */
export function localIso(ms: number, tz: string): string {
  const iso = formatLocalIso(ms, offsetMinutesAt(tz, ms));
  // minutes are enough: 2021-02-16T00:00-06:00
  return iso.slice(0, 16) + iso.slice(19);
}

/** End of a product, UTC ms. */
export function productEndMs(model: FleetModel, from: number, steps: number): number {
  return model.grid.startMs + (from + steps) * model.grid.stepMinutes * 60_000;
}

/** The actual day-ahead price of each product, when the day has one. */
export function actualDayAhead(md: MarketData, bid: DayBid): Array<number | null> {
  return bid.curves.map((c) => (md.dayAheadKnown[c.from + md.offset] ? md.dayAhead[c.from + md.offset]! : null));
}

/** The `bid --json` document. */
export function bidJson(model: FleetModel, md: MarketData, bid: DayBid, qualification: QualificationRow[]): Record<string, unknown> {
  const tz = md.timeZone;
  const actual = actualDayAhead(md, bid);
  return {
    scenario: model.name,
    market: md.spec.id,
    rules: { id: md.rules.id, name: md.rules.name, priceFloorPerMWh: md.rules.priceFloorPerMWh, priceCapPerMWh: md.rules.priceCapPerMWh, maxSegments: md.rules.maxSegments, curveStyle: md.rules.curveStyle, quantityStepMW: md.rules.quantityStepMW },
    currency: model.currency,
    timeZone: tz,
    day: bid.day.key,
    sites: bid.sites.map((s) => model.sites[s]!.id),
    products: bid.curves.map((c, i) => ({
      start: localIso(c.startMs, tz),
      end: localIso(productEndMs(model, c.from, c.steps), tz),
      points: c.points.map((p) => ({ priceMWh: r2(p.priceMWh), quantityMW: c.quantitiesMW.length ? r3(p.quantityMW) : 0 })),
      segments: c.quantitiesMW.map((q, k) => ({ priceFromMWh: k === 0 ? md.rules.priceFloorPerMWh : r2(c.breaks[k - 1]!), priceToMWh: k < c.breaks.length ? r2(c.breaks[k]!) : md.rules.priceCapPerMWh, quantityMW: r3(q) })),
      ...(actual[i] !== null ? { clearedPriceMWh: r2(actual[i]!), awardMW: r3(awardFromPoints(c.points, actual[i]!, md.rules.curveStyle)) } : {}),
    })),
    reserveOffersMW: Object.fromEntries(Object.entries(bid.reserveOffersMW).map(([k, v]) => [k, v.map(r3)])),
    scenarios: {
      method: bid.scenarios.method,
      analogueDays: bid.scenarios.analogues,
      probability: bid.scenarios.probability.map(r4),
    },
    expectedObjective: r2(bid.expectedObjective),
    model: bid.stats,
    qualification,
    notes: bid.notes,
  };
}

/** The bid as CSV: one row per curve point, in the market's format (and one per reserve offer). */
export function bidCsv(model: FleetModel, md: MarketData, bid: DayBid, header = true): string {
  const cur = model.currency;
  const bidder = bid.sites.length === md.siteIndices.length ? 'portfolio' : bid.sites.map((s) => model.sites[s]!.id).join('+');
  const lines = header ? [`bidder,day,product_start,product_end,point,price_${cur}_per_MWh,quantity_MW`] : [];
  const row = (cells: Array<string | number>) => lines.push(cells.map((x) => csvField(String(x))).join(','));
  for (const c of bid.curves) {
    const a = localIso(c.startMs, md.timeZone);
    const b = localIso(productEndMs(model, c.from, c.steps), md.timeZone);
    c.points.forEach((p, k) => row([bidder, bid.day.key, a, b, k + 1, r2(p.priceMWh), r3(p.quantityMW)]));
  }
  for (const [id, offers] of Object.entries(bid.reserveOffersMW)) {
    bid.curves.forEach((c, i) => {
      if (offers[i]! > 0) row([bidder, bid.day.key, localIso(c.startMs, md.timeZone), localIso(productEndMs(model, c.from, c.steps), md.timeZone), `reserve:${id}`, '', r3(offers[i]!)]);
    });
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The `backtest --json` document (a contract: fields are only added). */
export function backtestJson(model: FleetModel, r: BacktestResult): Record<string, unknown> {
  const policy = (id: PolicyId) => {
    const p = r.policies[id];
    return {
      label: POLICY_LABELS[id],
      cost: r2(p.cost),
      dayAheadCost: r2(p.dayAheadCost),
      realTimeCost: r2(p.realTimeCost),
      bandPenalty: r2(p.bandPenalty),
      reserveRevenue: r2(p.reserveRevenue),
      reserveWithheld: r2(p.reserveWithheld),
      valueOfWork: r2(p.valueOfWork),
      costNetOfWorkValue: r2(p.cost - p.valueOfWork),
      energyMWh: r3(p.meteredMWh),
      awardMWh: r3(p.awardMWh),
      absDeviationMWh: r3(p.absDeviationMWh),
      calledMWh: r3(p.calledMWh),
      undeliveredMWh: r3(p.undeliveredMWh),
      qos: {
        inferenceServedShare: r4(p.qos.inferenceServedShare),
        weighted: p.qos.weighted === null ? null : r4(p.qos.weighted),
        floorsMet: p.qos.floorsMet,
        jobs: p.qos.jobs.map((j) => ({ ...j, meanPerformance: r4(j.meanPerformance), minDailyPerformance: r4(j.minDailyPerformance) })),
      },
      solves: p.solves,
      solveSeconds: r2(p.solveSeconds),
    };
  };
  return {
    scenario: model.name,
    market: r.market,
    rules: r.rules,
    currency: r.currency,
    timeZone: r.timeZone,
    from: r.from,
    to: r.to,
    days: r.days,
    daysWithoutDayAhead: r.daysWithoutDayAhead,
    policies: Object.fromEntries(POLICY_IDS.map((id) => [id, policy(id)])),
    capturedShare: r.capturedShare === null ? null : r4(r.capturedShare),
    capturedShareNetOfWorkValue: r.capturedShareNetOfWorkValue === null ? null : r4(r.capturedShareNetOfWorkValue),
    bidModel: { medianColumns: r.bidStats.medianColumns, medianSolveSeconds: r3(r.bidStats.medianSolveSeconds), maxSolveSeconds: r3(r.bidStats.maxSolveSeconds) },
    notes: r.notes,
  };
}

/** One row per day and policy. */
export function backtestDaysCsv(r: BacktestResult): string {
  const cur = r.currency;
  const lines = [`day,policy,cost_${cur},day_ahead_${cur},real_time_${cur},band_penalty_${cur},reserve_revenue_${cur},energy_MWh,award_MWh,abs_deviation_MWh`];
  for (let d = 0; d < r.days; d++) {
    for (const id of POLICY_IDS) {
      const s = r.policies[id].days[d]!;
      lines.push([s.day, id, r2(s.cost), r2(s.dayAheadCost), r2(s.realTimeCost), r2(s.bandPenalty), r2(s.reserveRevenue), r3(s.meteredMWh), r3(s.awardMWh), r3(s.absDeviationMWh)].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

