/**
 * The finance section of the HTML report: key figures, yearly cash flows, cumulative cash with
 * the paybacks marked, the NPV tornado, production lines with their break-evens, capex items,
 * and (when a sweep ran) its best points and a chart. Built with the report's helpers so it
 * has the report's look.
 */
import {
  chartFigure,
  dataTable,
  details,
  escapeHtml,
  formatNumber,
  formatPercent,
  kpiTable,
  svgChart,
  textList,
  type Cell,
  type ExtraSection,
  type KpiRow,
} from '../report/index.ts';
import { cashFlowOption, cumulativeOption, FINANCE_CHART_HEIGHTS, FINANCE_CHART_WIDTH, sweepOption, tornadoOption } from './charts.ts';
import type { SweepResult } from './sweep.ts';
import { lineVerdict } from './verdict.ts';
import type { FinanceResult, LineResult } from './value.ts';

const WIDTH = FINANCE_CHART_WIDTH;

function cashFlowChart(f: FinanceResult): string {
  return svgChart(cashFlowOption(f), WIDTH, FINANCE_CHART_HEIGHTS.cashFlows, 'Yearly cash flows: revenue, opex, tax, capex and net cash flow');
}

function cumulativeChart(f: FinanceResult): string {
  return svgChart(cumulativeOption(f), WIDTH, FINANCE_CHART_HEIGHTS.cumulative, 'Cumulative cash and discounted cash with payback marked');
}

function tornadoChart(f: FinanceResult): string {
  return svgChart(tornadoOption(f), WIDTH, FINANCE_CHART_HEIGHTS.tornado(f.tornado.length), 'Tornado: NPV change for each input at the low and high end of its range');
}

function breakEvenCell(l: LineResult, k: 'energyPrice' | 'utilisation' | 'pue' | 'price', decimals: number, asPercent = false): Cell {
  const b = l.breakEven?.[k];
  if (!b) return null;
  if (b.value === null) return { value: null, text: 'none in range' };
  return asPercent ? { value: null, text: formatPercent(b.value, 1) } : { value: b.value, decimals };
}


/**
 * The production lines in two tables that each fit a laptop screen: what each line costs, earns
 * and when it pays back; then, per lever, its value now and the value at which the answer to
 * "payback within the target" flips.
 */
function linesTables(f: FinanceResult): string {
  const cur = f.currency;
  const target = f.paybackTargetMonths;
  const payback = dataTable(
    [
      { label: 'Line' }, { label: 'Kind' }, { label: 'Sites' },
      { label: 'Capex share', unit: `${cur} M`, numeric: true, decimals: 1 },
      { label: 'Revenue, year 1', unit: `${cur} M`, numeric: true, decimals: 1 },
      { label: 'Opex, year 1', unit: `${cur} M`, numeric: true, decimals: 1 },
      { label: 'Utilisation', unit: '%', numeric: true, decimals: 1 },
      { label: 'Payback', unit: 'months', numeric: true, decimals: 1 },
      { label: `Within ${formatNumber(target, 0)} months` },
    ],
    f.lines.map((l) => ({
      cells: [
        l.id, l.kind, l.sites.join(', '), l.capex / 1e6, l.revenueYear1 / 1e6, l.opexYear1 / 1e6,
        l.utilisation === null ? null : l.utilisation * 100,
        l.paybackMonths,
        { html: l.paysBackWithinTarget ? '<span class="badge ok">yes</span>' : '<span class="badge late">no</span>' },
      ] as Cell[],
      className: l.paysBackWithinTarget ? undefined : 'warn',
    })),
    { caption: `AI production lines: pre-tax payback of each line's share of capex (target: under ${formatNumber(target, 0)} months)`, className: 'data lines' },
  );
  const levers = dataTable(
    [
      { label: 'Line' },
      { label: 'Electricity now', unit: `${cur}/MWh`, numeric: true, decimals: 1 },
      { label: 'Break-even electricity', unit: `${cur}/MWh`, numeric: true, decimals: 1 },
      { label: 'Utilisation now', unit: '%', numeric: true, decimals: 1 },
      { label: 'Break-even utilisation', numeric: true },
      { label: 'PUE now', numeric: true, decimals: 3 },
      { label: 'Break-even PUE', numeric: true, decimals: 3 },
      { label: 'Price now', numeric: true, decimals: 3 },
      { label: 'Break-even price', numeric: true, decimals: 3 },
    ],
    f.lines.map((l) => ({
      cells: [
        l.id,
        l.energyPricePerMWh, breakEvenCell(l, 'energyPrice', 1),
        l.utilisation === null ? null : l.utilisation * 100, breakEvenCell(l, 'utilisation', 3, true),
        l.pue, breakEvenCell(l, 'pue', 3),
        l.price === null ? null : { value: l.price, decimals: 3, text: `${formatNumber(l.price, 3)} ${l.priceUnit ?? ''}` }, breakEvenCell(l, 'price', 3),
      ] as Cell[],
      className: l.paysBackWithinTarget ? undefined : 'warn',
    })),
    { caption: `Break-evens: the value of each lever at which the answer to "payback under ${formatNumber(target, 0)} months" flips ("none in range": it does not flip within the lever's range)`, className: 'data lines' },
  );
  return `<div class="scroll">${payback}</div><div class="scroll">${levers}</div>`;
}

function capexTable(f: FinanceResult): string {
  const cur = f.currency;
  return dataTable(
    [
      { label: 'Site' }, { label: 'Category' }, { label: 'Item' },
      { label: 'Quantity', numeric: true, decimals: 2 }, { label: 'Unit' },
      { label: 'Unit cost', unit: cur, numeric: true, decimals: 0 }, { label: 'Cost', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Life', unit: 'years', numeric: true, decimals: 0 }, { label: 'Year spent', numeric: true, decimals: 0 }, { label: 'Source' },
    ],
    f.capexItems.map((c) => [c.siteId, c.category, c.name, c.quantity, c.unit, c.unitCost, c.cost / 1e6, c.lifeYears, c.yearSpent, c.source === 'default' ? 'default (docs/finance.md)' : 'scenario']),
  );
}

function yearsTable(f: FinanceResult): string {
  const cur = f.currency;
  const m = (x: number) => x / 1e6;
  return dataTable(
    [
      { label: 'Year', numeric: true, decimals: 0 },
      { label: 'Revenue', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'of which contracted', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Opex', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'of which electricity', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'EBITDA', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Depreciation', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Tax', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Capex', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Residual', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Cash flow', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Cumulative', unit: `${cur} M`, numeric: true, decimals: 2 },
      { label: 'Discounted', unit: `${cur} M`, numeric: true, decimals: 2 },
    ],
    f.years.map((y) => [y.year, m(y.revenue), m(y.revenueContracted), m(y.opex), m(y.opexEnergy), m(y.ebitda), m(y.depreciation), m(y.tax), m(y.capex), m(y.residualValue), m(y.cashFlow), m(y.cumulativeCashFlow), m(y.discountedCashFlow)]),
  );
}

function sweepChart(s: SweepResult, currency: string): string {
  return svgChart(sweepOption(s, currency), WIDTH, FINANCE_CHART_HEIGHTS.sweep, 'NPV of the sweep points');
}

function sweepHtml(s: SweepResult, currency: string): string {
  const ok = s.ranking.map((i) => s.points[i]!);
  const failed = s.points.filter((p) => p.error);
  const top = ok.slice(0, 10);
  const table = dataTable(
    [
      { label: 'Rank', numeric: true, decimals: 0 }, { label: 'Point', numeric: true, decimals: 0 },
      ...s.dimensions.map((d) => ({ label: d.key })),
      { label: 'NPV', unit: `${currency} M`, numeric: true, decimals: 1 }, { label: 'IRR', unit: '%', numeric: true, decimals: 1 },
      { label: 'Payback', unit: 'years', numeric: true, decimals: 2 }, { label: 'LCOC', unit: `${currency}/GPU-h`, numeric: true, decimals: 3 },
      { label: 'Capex', unit: `${currency} M`, numeric: true, decimals: 1 }, { label: 'PUE', numeric: true, decimals: 3 }, { label: 'Direct green', unit: '%', numeric: true, decimals: 1 },
    ],
    top.map((p, i) => {
      const m = p.metrics!;
      return [i + 1, p.index + 1, ...p.values.map(String), m.npv / 1e6, m.irr === null ? null : m.irr * 100, m.paybackYears, m.lcocPerGpuHour, m.capexTotal / 1e6, m.pue, m.directGreenRatio * 100];
    }),
    { caption: `Best ${top.length} of ${s.points.length} points by NPV (${s.policy} policy, ${s.workers} workers, ${formatNumber(s.elapsedMs / 1000, 1)} s)` },
  );
  const fail = failed.length > 0 ? details(`${failed.length} points could not be evaluated`, textList(failed.map((p) => `point ${p.index + 1} (${p.values.join(', ')}): ${p.error}`))) : '';
  const chart = ok.length > 0 ? chartFigure(sweepChart(s, currency), `Every point is a full simulation with the ${s.policy} policy, then valued. Spec: ${s.spec}`) : '<p class="muted">No point could be evaluated.</p>';
  return `<h3>Design sweep</h3>${chart}<div class="scroll">${table}</div>${fail}`;
}

/** The finance section for `renderReportHtml(... extraSections)`. */
export function financeSection(f: FinanceResult, sweep?: SweepResult): ExtraSection {
  const cur = f.currency;
  const rows: KpiRow[] = [
    { group: 'Returns' },
    { label: 'Net present value', value: f.npv / 1e6, unit: `${cur} M`, decimals: 1, key: 'npv', note: `at ${formatPercent(f.discountRate, 1)} over ${f.horizonYears} years` },
    { label: 'Internal rate of return', value: f.irr === null ? { value: null, text: f.irrStatus === 'multiple' ? `several: ${f.irrs.map((r) => formatPercent(r, 1)).join(', ')}` : 'none' } : f.irr * 100, unit: '%', decimals: 1, key: 'irr' },
    { label: 'Payback (after tax)', value: f.paybackYears === null ? { value: null, text: 'not within the horizon' } : f.paybackYears, unit: 'years', decimals: 2, key: 'payback' },
    { label: 'Discounted payback', value: f.discountedPaybackYears === null ? { value: null, text: 'not within the horizon' } : f.discountedPaybackYears, unit: 'years', decimals: 2, key: 'discounted-payback' },
    { label: 'Capex over the horizon', value: f.capexTotal / 1e6, unit: `${cur} M`, decimals: 1 },
    { group: 'Cost of compute' },
    { label: 'Levelised cost of compute', value: f.lcocPerGpuHour, unit: `${cur}/GPU-h`, decimals: 3, key: 'lcoc' },
    { label: 'All-in cost per million tokens', value: f.costPerMillionTokens, unit: cur, decimals: 3, key: 'cost-per-million-tokens' },
    { label: 'Tokens per kWh (facility)', value: f.tokensPerKWh, unit: 'tokens/kWh', decimals: 0 },
    { label: 'Utilisation of installed GPUs', value: f.operatingYear.utilisation * 100, unit: '%', decimals: 1 },
    { group: 'Contracts' },
    { label: 'Contracted share of revenue', value: f.contractedRevenueShare * 100, unit: '%', decimals: 1, key: 'contracted-share' },
    { label: 'Take-or-pay floor, year 1', value: f.contractFloorRevenueYear1 / 1e6, unit: `${cur} M`, decimals: 1 },
    { label: 'Coverage of fixed opex by take-or-pay minimums', value: f.takeOrPayCoverage === null ? null : f.takeOrPayCoverage * 100, unit: '%', decimals: 0, key: 'take-or-pay-coverage' },
  ];
  const passing = f.lines.filter((l) => l.paysBackWithinTarget).length;
  const parts = [
    `<p>The simulated year (${escapeHtml(f.policy)} policy${f.operatingYear.annualised ? ', annualised' : ''}) repeated over ${f.horizonYears} operating years after construction, with escalation, take-or-pay contracts, tax and depreciation. ${passing} of ${f.lines.length} AI production lines pay back within ${formatNumber(f.paybackTargetMonths, 0)} months. Method and sources: docs/finance.md.</p>`,
    kpiTable(rows, { caption: 'Investment case', id: 'kpi-finance' }),
    chartFigure(cashFlowChart(f), 'Revenue, residual value (year N), opex, tax and capex per year; the line is the net cash flow.'),
    chartFigure(cumulativeChart(f), 'Cumulative cash from operations, simple and discounted; dashed verticals mark the paybacks (linear within a year).'),
  ];
  if (f.tornado.length > 0) parts.push(chartFigure(tornadoChart(f), 'Each bar moves one input to the low or high end of its range (finance.sensitivity) and re-values without re-simulating; see docs/finance.md §5 for the approximations.'));
  parts.push('<h3>AI production lines</h3>', textList(f.lines.map((l) => lineVerdict(l, cur, f.paybackTargetMonths))), linesTables(f));
  parts.push(details('Yearly cash flows', `<div class="scroll">${yearsTable(f)}</div>`));
  parts.push(details(`Capex items (${f.capexItems.length})`, `<div class="scroll">${capexTable(f)}</div>`));
  if (sweep) parts.push(sweepHtml(sweep, cur));
  parts.push(`<h3>Notes</h3>${textList(f.notes, 'No notes.')}`);
  return { id: 'finance', title: 'Finance: investment case', html: parts.join('\n') };
}

export { lineVerdict, cashFlowOption, cumulativeOption, tornadoOption, sweepOption };
