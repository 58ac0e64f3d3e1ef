/**
 * What the market stage hands to people and scripts: the bid as JSON and CSV in the market's
 * format, the back-test's JSON contract and daily CSV, and HTML pages with charts in the
 * report's look. Times are shown in the market's local time with their offset.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import {
  axisStyle, chartFigure, COLORS, csvField, dataTable, escapeHtml, formatNumber, formatPercent, kpiTable, REPORT_CSS, section, svgChart, textList,
  type ChartOption, type KpiRow,
} from '../report/index.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';
import { awardFromPoints } from './bid-curve.ts';
import { POLICY_IDS, POLICY_LABELS, type BacktestResult, type PolicyId } from './backtest.ts';
import type { DayBid } from './day-bid.ts';
import type { MarketData } from './market-data.ts';
import type { QualificationRow } from './qualification.ts';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** ISO local time with its offset in zone `tz`. */
export function localIso(ms: number, tz: string): string {
  const iso = formatLocalIso(ms, offsetMinutesAt(tz, ms));
  // minutes are enough: 2021-02-16T00:00-06:00
  return iso.slice(0, 16) + iso.slice(19);
}

function productEndMs(model: FleetModel, from: number, steps: number): number {
  return model.grid.startMs + (from + steps) * model.grid.stepMinutes * 60_000;
}

/** The actual day-ahead price of each product, when the day has one. */
function actualDayAhead(md: MarketData, bid: DayBid): Array<number | null> {
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

function page(title: string, bodyHtml: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="wattshift">
<title>${escapeHtml(title)} · wattshift</title>
<style>${REPORT_CSS}</style></head>
<body><main>
<header class="report"><h1>${escapeHtml(title)}</h1></header>
${bodyHtml}
</main></body></html>
`;
}

const LEGEND = { top: 26, left: 'center', textStyle: { fontSize: 11 } } as const;

/** The bid page: quantities by hour at the scenario prices, the scenario prices, and the curves of four hours. */
export function bidHtml(model: FleetModel, md: MarketData, bid: DayBid, qualification: QualificationRow[]): string {
  const tz = md.timeZone;
  const cur = model.currency;
  const hours = bid.curves.map((c) => localIso(c.startMs, tz).slice(11, 16));
  const actual = actualDayAhead(md, bid);
  const scen = bid.scenarios;
  const priceAt = (s: number, i: number) => scen.dayAhead[s]![bid.curves[i]!.from - bid.day.from]!;
  const quantile = (i: number, q: number) => {
    const ps = scen.dayAhead.map((_, s) => priceAt(s, i)).sort((a, b) => a - b);
    return ps[Math.min(ps.length - 1, Math.floor(q * ps.length))]!;
  };
  const award = (i: number, p: number) => r3(awardFromPoints(bid.curves[i]!.points, p, md.rules.curveStyle));
  const qSeries = [
    { name: 'at the cheapest scenario price', color: COLORS.green, data: hours.map((_, i) => award(i, quantile(i, 0))) },
    { name: 'at the median scenario price', color: COLORS.blue, data: hours.map((_, i) => award(i, quantile(i, 0.5))) },
    { name: 'at the dearest scenario price', color: COLORS.vermillion, data: hours.map((_, i) => award(i, quantile(i, 1))) },
    ...(actual.every((a) => a !== null) ? [{ name: 'awarded at the cleared price', color: COLORS.black, data: hours.map((_, i) => award(i, actual[i]!)) }] : []),
  ];
  const quantityChart: ChartOption = {
    legend: LEGEND,
    grid: { left: 72, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'category', data: hours, ...axisStyle, name: `Hour (${tz})`, nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', ...axisStyle, name: 'Bought (MW)', nameLocation: 'middle', nameGap: 48 },
    series: qSeries.map((s) => ({ type: 'line', step: 'middle', name: s.name, color: s.color, symbol: 'none', data: s.data, silent: true })),
  };
  const priceChart: ChartOption = {
    legend: { ...LEGEND, data: ['scenarios (similar days)', 'point forecast', ...(actual.every((a) => a !== null) ? ['cleared price'] : [])] },
    grid: { left: 72, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'category', data: hours, ...axisStyle, name: `Hour (${tz})`, nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', ...axisStyle, name: `Day-ahead price (${cur}/MWh)`, nameLocation: 'middle', nameGap: 52 },
    series: [
      ...scen.dayAhead.map((_, s) => ({ type: 'line' as const, name: s === 0 ? 'scenarios (similar days)' : `scenario ${s + 1}`, color: COLORS.lightGrey, symbol: 'none', lineStyle: { width: 1 }, silent: true, data: hours.map((__, i) => r2(priceAt(s, i))) })),
      { type: 'line', name: 'point forecast', color: COLORS.blue, symbol: 'none', lineStyle: { width: 2 }, silent: true, data: bid.curves.map((c) => r2(scen.forecast[c.from - bid.day.from]!)) },
      ...(actual.every((a) => a !== null) ? [{ type: 'line' as const, name: 'cleared price', color: COLORS.black, symbol: 'none', lineStyle: { width: 2 }, silent: true, data: actual.map((a) => r2(a!)) }] : []),
    ],
  };
  // the four most price-responsive hours (widest range of quantity), in time order
  const range = (i: number) => {
    const q = bid.curves[i]!.points.map((p) => p.quantityMW);
    return Math.max(...q) - Math.min(...q);
  };
  const pick = bid.curves.map((_, i) => i).sort((a, b) => range(b) - range(a) || a - b).slice(0, 4).sort((a, b) => a - b);
  const lo = Math.min(...bid.curves.flatMap((_, i) => [quantile(i, 0)]));
  const hi = Math.max(...bid.curves.flatMap((_, i) => [quantile(i, 1)]));
  const span = Math.max(1, hi - lo);
  const curveChart: ChartOption = {
    legend: LEGEND,
    grid: { left: 72, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'value', ...axisStyle, name: 'Bought (MW)', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', ...axisStyle, name: `Price (${cur}/MWh)`, nameLocation: 'middle', nameGap: 52, min: Math.floor(lo - 0.2 * span), max: Math.ceil(hi + 0.2 * span) },
    series: pick.map((i, n) => {
      // the curve's corners: each point's price and a hair above it, inside the chart's range
      const y0 = lo - 0.2 * span;
      const y1 = hi + 0.2 * span;
      const prices = [y0, ...bid.curves[i]!.points.flatMap((p) => [p.priceMWh, p.priceMWh + 1e-6 * span]), y1].filter((p) => p >= y0 && p <= y1).sort((a, b) => a - b);
      return { type: 'line' as const, name: `${hours[i]} curve`, color: [COLORS.green, COLORS.orange, COLORS.vermillion, COLORS.purple][n], symbol: 'none', silent: true, data: prices.map((p) => [award(i, p), r2(p)]) };
    }),
  };
  const offers = Object.entries(bid.reserveOffersMW).filter(([, v]) => v.some((x) => x > 0));
  const parts = [
    kpiTable([
      { label: 'Market', value: `${md.spec.id} (${md.rules.name})` },
      { label: 'Day', value: `${bid.day.key} (${tz})` },
      { label: 'Sites', value: bid.sites.map((s) => model.sites[s]!.id).join(', ') },
      { label: 'Price scenarios', value: `${scen.probability.length} (${scen.method}: ${scen.analogues.join(', ')})` },
      { label: 'Price limits', value: `${md.rules.priceFloorPerMWh} … ${md.rules.priceCapPerMWh}`, unit: `${cur}/MWh` },
      { label: 'Model', value: `${formatNumber(bid.stats.columns, 0)} columns, ${formatNumber(bid.stats.rows, 0)} rows; solved in ${bid.stats.solveSeconds.toFixed(2)} s (${bid.stats.status})` },
    ]),
    chartFigure(svgChart(quantityChart, 960, 320, 'Quantity bought by hour'), 'What the curves buy in each hour at the cheapest, median and dearest scenario price (and at the cleared price when it is known). Quantity never rises with price.'),
    chartFigure(svgChart(priceChart, 960, 320, 'Price scenarios'), 'Day-ahead price scenarios from similar days, their mean (the point forecast) and, when published, the cleared price.'),
    chartFigure(svgChart(curveChart, 960, 360, 'Bid curves of four hours'), `The ${md.rules.curveStyle === 'steps' ? 'stepwise' : 'piecewise-linear'} curves of the four most price-responsive hours: quantity bought against the clearing price.`),
    offers.length
      ? dataTable([{ label: 'Hour' }, ...offers.map(([id]) => ({ label: id, unit: 'MW', numeric: true, decimals: 1 }))], hours.map((hh, i) => [hh, ...offers.map(([, v]) => v[i]!)]), { caption: 'Reserve capacity offered' })
      : '<p class="muted">No reserve capacity offered.</p>',
    qualification.length
      ? dataTable([{ label: 'Product' }, { label: 'Subject' }, { label: 'Fast enough' }, { label: 'Largest', unit: 'MW', numeric: true, decimals: 1 }, { label: 'Minimum', unit: 'MW', numeric: true, decimals: 1 }, { label: 'Qualifies' }, { label: 'Why' }],
          qualification.map((q) => [q.product, q.subject, [...new Set([...q.levers.up, ...q.levers.down])].join(', ') || '—', q.maxMW, q.minOfferMW, q.qualifies ? 'yes' : 'no', q.reason]), { caption: 'Reserve qualification' })
      : '',
    bid.notes.length ? `<h3>Notes</h3>${textList(bid.notes)}` : '',
  ];
  return page(`${model.name}: day-ahead bid for ${bid.day.key}`, section('bid', 'Day-ahead bid', parts.join('\n')));
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

const POLICY_COLORS: Record<PolicyId, string> = {
  naive: COLORS.grey, priceTakerDayAhead: COLORS.orange, priceTakerForecast: COLORS.skyBlue, bidding: COLORS.blue, perfectForesight: COLORS.green,
};

/** The back-test section: the policies side by side and charts of their costs over the days. */
export function backtestSectionHtml(r: BacktestResult): string {
  const cur = r.currency;
  const rows: KpiRow[] = [
    { label: 'Cost (energy net of reserve revenue, plus penalties)', value: POLICY_IDS.map((id) => r.policies[id].cost), unit: cur, decimals: 0, key: 'cost' },
    { label: 'day-ahead purchases', value: POLICY_IDS.map((id) => r.policies[id].dayAheadCost), unit: cur, decimals: 0, indent: true },
    { label: 'real-time settlement of deviations', value: POLICY_IDS.map((id) => r.policies[id].realTimeCost), unit: cur, decimals: 0, indent: true },
    { label: 'deviation penalties', value: POLICY_IDS.map((id) => r.policies[id].bandPenalty), unit: cur, decimals: 0, indent: true },
    { label: 'reserve revenue', value: POLICY_IDS.map((id) => -r.policies[id].reserveRevenue), unit: cur, decimals: 0, indent: true },
    { label: 'Value of the work done', value: POLICY_IDS.map((id) => r.policies[id].valueOfWork), unit: cur, decimals: 0, note: 'at the scenario\'s values per GPU-hour and per million tokens' },
    { label: 'Cost net of the value of work', value: POLICY_IDS.map((id) => r.policies[id].cost - r.policies[id].valueOfWork), unit: cur, decimals: 0 },
    { label: 'Energy metered', value: POLICY_IDS.map((id) => r.policies[id].meteredMWh), unit: 'MWh', decimals: 0 },
    { label: 'Absolute deviation from awards', value: POLICY_IDS.map((id) => r.policies[id].absDeviationMWh), unit: 'MWh', decimals: 0 },
    { label: 'Reserve energy called / not delivered', value: POLICY_IDS.map((id) => `${formatNumber(r.policies[id].calledMWh, 1)} / ${formatNumber(r.policies[id].undeliveredMWh, 1)}`), unit: 'MWh' },
    { label: 'Inference demand served', value: POLICY_IDS.map((id) => formatPercent(r.policies[id].qos.inferenceServedShare, 2)) },
    { label: 'QoS-weighted job performance', value: POLICY_IDS.map((id) => r.policies[id].qos.weighted), decimals: 3 },
    { label: 'Every QoS floor held every day', value: POLICY_IDS.map((id) => (r.policies[id].qos.floorsMet ? 'yes' : 'no')) },
  ];
  const table = kpiTable(rows, { caption: `${r.days} market days, ${r.from} to ${r.to} (${r.timeZone})`, columns: POLICY_IDS.map((id) => id), id: 'kpi-backtest' });
  const days = r.policies.naive.days.map((d) => d.day);
  const cumulative = (id: PolicyId) => {
    let c = 0;
    return r.policies[id].days.map((d) => r2((c += d.cost)));
  };
  const cumChart: ChartOption = {
    legend: LEGEND,
    grid: { left: 96, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'category', data: days, ...axisStyle, name: 'Market day', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', ...axisStyle, name: `Cumulative cost (${cur})`, nameLocation: 'middle', nameGap: 76, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 0) } },
    series: POLICY_IDS.map((id) => ({ type: 'line' as const, name: id, color: POLICY_COLORS[id], symbol: 'none', silent: true, data: cumulative(id) })),
  };
  const saving = (id: PolicyId) => r.policies[id].days.map((d, k) => r2(r.policies.naive.days[k]!.cost - d.cost));
  const dailyChart: ChartOption = {
    legend: LEGEND,
    grid: { left: 96, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'category', data: days, ...axisStyle, name: 'Market day', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', ...axisStyle, name: `Saving against naive (${cur})`, nameLocation: 'middle', nameGap: 76, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 0) } },
    series: (['priceTakerDayAhead', 'bidding', 'perfectForesight'] as PolicyId[]).map((id) => ({ type: 'bar' as const, name: id, color: POLICY_COLORS[id], silent: true, data: saving(id) })),
  };
  // the most expensive week for the naive plan: where a stress event shows
  let worst = 0;
  let worstCost = -Infinity;
  for (let d = 0; d + 7 <= days.length || (d === 0 && days.length < 7); d++) {
    const c = r.policies.naive.days.slice(d, d + 7).reduce((a, x) => a + x.cost, 0);
    if (c > worstCost) {
      worstCost = c;
      worst = d;
    }
    if (days.length < 7) break;
  }
  const week = days.slice(worst, worst + 7);
  const weekTable = dataTable(
    [{ label: 'Day' }, ...POLICY_IDS.map((id) => ({ label: id, unit: cur, numeric: true, decimals: 0 }))],
    week.map((d, k) => [d, ...POLICY_IDS.map((id) => r.policies[id].days[worst + k]!.cost)]),
    { caption: `The week the naive plan paid most for (${week[0]} to ${week[week.length - 1]})` },
  );
  const captured = r.capturedShare === null ? 'not defined (perfect foresight saves nothing against naive)' : formatPercent(r.capturedShare, 1);
  const parts = [
    `<p>Captured share of the perfect-knowledge value: <strong>${escapeHtml(captured)}</strong> = (naive − bidding) / (naive − perfect foresight), from settled simulated costs.${r.capturedShareNetOfWorkValue !== null ? ` Net of the value of the work done: ${escapeHtml(formatPercent(r.capturedShareNetOfWorkValue, 1))}.` : ''}</p>`,
    textList(POLICY_IDS.map((id) => `${id}: ${POLICY_LABELS[id]}`)),
    `<div class="scroll">${table}</div>`,
    chartFigure(svgChart(cumChart, 960, 340, 'Cumulative cost by policy'), 'Cumulative settled cost of each policy over the back-test days.'),
    chartFigure(svgChart(dailyChart, 960, 320, 'Daily saving against naive'), 'What each optimising policy saved against the naive plan, day by day.'),
    weekTable,
    `<p class="muted">Bidding programme: median ${formatNumber(r.bidStats.medianColumns, 0)} columns, median solve ${r.bidStats.medianSolveSeconds.toFixed(2)} s (longest ${r.bidStats.maxSolveSeconds.toFixed(2)} s).</p>`,
    r.notes.length ? `<h3>Notes</h3>${textList(r.notes)}` : '',
  ];
  return parts.join('\n');
}

/** The back-test page. */
export function backtestHtml(model: FleetModel, r: BacktestResult): string {
  return page(`${model.name}: market back-test ${r.from} to ${r.to}`, section('backtest', 'Market back-test', backtestSectionHtml(r)));
}
