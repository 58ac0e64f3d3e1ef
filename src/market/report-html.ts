/**
 * The market stage's HTML pages, in the report's look: the bid (quantities by hour at the
 * scenario prices, the scenarios, four curves, reserve offers and qualification) and the
 * back-test (the policies side by side, cumulative cost, daily savings, the costliest week).
 */
import type { FleetModel } from '../model/fleet-model.ts';
import {
  axisStyle, chartFigure, COLORS, dataTable, escapeHtml, formatNumber, formatPercent, kpiTable, REPORT_CSS, section, svgChart, textList,
  type ChartOption, type KpiRow,
} from '../report/index.ts';
import { awardFromPoints } from './bid-curve.ts';
import { POLICY_IDS, POLICY_LABELS, type BacktestResult, type PolicyId } from './backtest.ts';
import type { DayBid } from './day-bid.ts';
import type { MarketData } from './market-data.ts';
import { actualDayAhead, localIso, r2, r3 } from './outputs.ts';
import type { QualificationRow } from './qualification.ts';

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
