/**
 * A finance run's investment case: NPV, IRR, paybacks and cost of compute; yearly cash flows,
 * cumulative cash with the paybacks, the NPV tornado (the report's finance charts); payback
 * per AI production line against the target; the yearly table; and a design sweep's best
 * points when one ran.
 */
import { api } from '../api.ts';
import { mountChart } from '../charts.ts';
import { badge, h, replace } from '../dom.ts';
import { percent } from '../format.ts';
import type { Scope } from '../page.ts';
import type { FinanceChartData, SweepChartData } from '../../../src/finance/charts.ts';
import { card, num, section, table } from '../ui.ts';

/** The finance document (`finance --json`, finance.json): the parts the page shows. */
export interface FinanceDoc extends FinanceChartData {
  scenario: string;
  policy: string;
  discountRate: number;
  irr: number | null;
  irrs: number[];
  irrStatus: string;
  lcocPerGpuHour: number | null;
  costPerMillionTokens: number | null;
  contractedRevenueShare: number;
  capexTotal: number;
  paybackTargetMonths: number;
  years: Array<FinanceChartData['years'][number] & { ebitda: number; depreciation: number; discountedCashFlow: number }>;
  lines: Array<{ id: string; kind: string; label?: string; sites: string[]; capex: number; revenueYear1: number; opexYear1: number; utilisation: number | null; paybackMonths: number | null; paysBackWithinTarget: boolean }>;
  notes: string[];
  sweep: (SweepChartData & { spec: string; policy: string; ranking: number[]; points: Array<SweepChartData['points'][number] & { index: number; error?: string; metrics?: { npv: number; irr: number | null; paybackYears: number | null; capexTotal: number; pue: number; directGreenRatio: number } | null }> }) | null;
}

/** The investment case of a finance run, drawn into `host`. */
export async function financeView(scope: Scope, host: HTMLElement, runId: string): Promise<void> {
  const f = await api<FinanceDoc>(`/runs/${runId}/finance`, { signal: scope.signal });
  const cur = f.currency;
  const m = (x: number) => num(x / 1e6, 2, 2);
  const passing = f.lines.filter((l) => l.paysBackWithinTarget).length;
  const cards = h(
    'div',
    { class: 'cards' },
    card('Net present value', num(f.npv / 1e6, 2), `${cur} M`, h('div', { class: 'card-note' }, `at ${percent(f.discountRate)} % over ${f.horizonYears} years`)),
    card('Internal rate of return', f.irr === null ? (f.irrStatus === 'multiple' ? 'several' : 'none') : percent(f.irr), f.irr === null ? '' : '%'),
    card('Payback', f.paybackYears === null ? 'not within horizon' : num(f.paybackYears, 2), f.paybackYears === null ? '' : 'years'),
    card('Discounted payback', f.discountedPaybackYears === null ? 'not within horizon' : num(f.discountedPaybackYears, 2), f.discountedPaybackYears === null ? '' : 'years'),
    card('Capex', num(f.capexTotal / 1e6, 1), `${cur} M`),
    card('Levelised cost of compute', num(f.lcocPerGpuHour, 3), `${cur}/GPU-h`),
    card('Production lines paying back', `${passing} of ${f.lines.length}`, '', h('div', { class: 'card-note' }, `within ${num(f.paybackTargetMonths, 0)} months`)),
  );
  const cash = h('div', { class: 'chart-host' });
  const cumulative = h('div', { class: 'chart-host' });
  const tornado = h('div', { class: 'chart-host' });
  const lines = table(
    [
      { label: 'Line', value: (l) => h('span', { title: l.label ?? '' }, l.id) },
      { label: 'Kind', value: (l) => l.kind },
      { label: 'Sites', value: (l) => l.sites.join(', ') },
      { label: 'Capex share', unit: `${cur} M`, num: true, value: (l) => m(l.capex) },
      { label: 'Revenue, year 1', unit: `${cur} M`, num: true, value: (l) => m(l.revenueYear1) },
      { label: 'Opex, year 1', unit: `${cur} M`, num: true, value: (l) => m(l.opexYear1) },
      { label: 'Utilisation', unit: '%', num: true, value: (l) => percent(l.utilisation) },
      { label: 'Payback', unit: 'months', num: true, value: (l) => (l.paybackMonths === null ? 'beyond horizon' : num(l.paybackMonths, 1)) },
      { label: `Within ${num(f.paybackTargetMonths, 0)} months`, value: (l) => (l.paysBackWithinTarget ? badge('yes', 'ok') : badge('no', 'warn')) },
    ],
    f.lines,
    { caption: `AI production lines: pre-tax payback of each line's share of capex (target: under ${num(f.paybackTargetMonths, 0)} months)`, className: 'lines' },
  );
  const years = table(
    [
      { label: 'Year', value: (y) => String(y.year) },
      { label: 'Revenue', unit: `${cur} M`, num: true, value: (y) => m(y.revenue) },
      { label: 'Opex', unit: `${cur} M`, num: true, value: (y) => m(y.opex) },
      { label: 'EBITDA', unit: `${cur} M`, num: true, value: (y) => m(y.ebitda) },
      { label: 'Depreciation', unit: `${cur} M`, num: true, value: (y) => m(y.depreciation) },
      { label: 'Tax', unit: `${cur} M`, num: true, value: (y) => m(y.tax) },
      { label: 'Capex', unit: `${cur} M`, num: true, value: (y) => m(y.capex) },
      { label: 'Residual', unit: `${cur} M`, num: true, value: (y) => m(y.residualValue) },
      { label: 'Cash flow', unit: `${cur} M`, num: true, value: (y) => m(y.cashFlow) },
      { label: 'Cumulative', unit: `${cur} M`, num: true, value: (y) => m(y.cumulativeCashFlow) },
      { label: 'Discounted', unit: `${cur} M`, num: true, value: (y) => m(y.discountedCashFlow) },
    ],
    f.years,
    { caption: 'Yearly cash flows (year 0: construction)' },
  );
  const sweepHost = h('div', { class: 'chart-host' });
  replace(
    host,
    cards,
    section('Cash flows', h('div', { class: 'grid-2' }, cash, cumulative)),
    f.tornado.length ? section('What moves the NPV', tornado) : null,
    section('Payback per AI production line', lines),
    section('Yearly cash flows', years),
    f.sweep ? section(`Design sweep: ${f.sweep.spec}`, sweepHost) : null,
    f.notes.length ? section('Notes', h('ul', null, f.notes.map((n) => h('li', null, n)))) : null,
  );
  await Promise.all([
    mountChart(scope, cash, { label: 'Yearly cash flows: revenue, residual value, opex, tax and capex, with the net cash flow', height: (k) => k.FINANCE_CHART_HEIGHTS.cashFlows, build: (width, k) => k.cashFlowOption(f, { interactive: true, width }) }),
    mountChart(scope, cumulative, { label: 'Cumulative cash and discounted cash with the paybacks marked', height: (k) => k.FINANCE_CHART_HEIGHTS.cumulative, build: (width, k) => k.cumulativeOption(f, { interactive: true, width }) }),
    f.tornado.length ? mountChart(scope, tornado, { label: 'Tornado: NPV change for each input at the low and high end of its range', height: (k) => k.FINANCE_CHART_HEIGHTS.tornado(f.tornado.length), build: (width, k) => k.tornadoOption(f, { interactive: true, width }) }) : null,
    f.sweep && f.sweep.points.some((p) => p.metrics) ? mountChart(scope, sweepHost, { label: 'NPV over the design sweep', height: (k) => k.FINANCE_CHART_HEIGHTS.sweep, build: (width, k) => k.sweepOption(f.sweep!, cur, { interactive: true, width }) }) : null,
  ]);
  if (f.sweep) sweepHost.appendChild(sweepTable(f.sweep, cur));
}

/** The best points of a sweep by NPV. */
export function sweepTable(s: NonNullable<FinanceDoc['sweep']>, cur: string): HTMLElement {
  const ranked = s.ranking.map((i) => s.points[i]!).slice(0, 20);
  return table(
    [
      { label: 'Rank', num: true, value: (p) => String(ranked.indexOf(p) + 1) },
      ...s.dimensions.map((d, k) => ({ label: d.key, value: (p: (typeof ranked)[number]) => String(p.values[k]) })),
      { label: 'NPV', unit: `${cur} M`, num: true, value: (p) => num((p.metrics?.npv ?? NaN) / 1e6, 2) },
      { label: 'IRR', unit: '%', num: true, value: (p) => percent(p.metrics?.irr ?? null) },
      { label: 'Payback', unit: 'years', num: true, value: (p) => num(p.metrics?.paybackYears ?? null, 2) },
      { label: 'PUE', num: true, value: (p) => num(p.metrics?.pue ?? null, 3) },
      { label: 'Direct green', unit: '%', num: true, value: (p) => percent(p.metrics?.directGreenRatio ?? null) },
    ],
    ranked,
    { caption: `Best ${ranked.length} of ${s.points.length} points by NPV (${s.policy} policy)` },
  );
}
