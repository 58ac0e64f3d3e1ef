/**
 * Option builders of the finance charts: yearly cash flows, cumulative cash with the paybacks
 * marked, the NPV tornado and the NPV over a design sweep. Plain functions from the figures of
 * `finance.json` (a `FinanceResult`, or the document the API serves) to an ECharts option,
 * drawn as static SVG in the report and interactively in the dashboard. Browser-safe: they
 * import nothing from Node, and take structural types so a page needs only the JSON.
 */
import { escapeHtml, formatNumber } from '../report/format.ts';
import { axisStyle, COLORS, titleAndLegend, TOOLTIP_CLASS, type ChartOption } from '../report/charts/theme.ts';

/** One year of the projection (a `YearRow` of src/finance/cashflows.ts). */
export interface FinanceChartYear {
  year: number;
  revenue: number;
  residualValue: number;
  opex: number;
  tax: number;
  capex: number;
  cashFlow: number;
  cumulativeCashFlow: number;
  cumulativeDiscountedCashFlow: number;
  discountFactor: number;
}

/** One bar of the tornado (a `TornadoBar` of src/finance/sensitivity.ts). */
export interface FinanceChartTornadoBar {
  label: string;
  lowText: string;
  highText: string;
  npvLow: number;
  npvHigh: number;
}

/** What the finance charts draw: a subset of `FinanceResult` (src/finance/value.ts). */
export interface FinanceChartData {
  currency: string;
  npv: number;
  horizonYears: number;
  paybackYears: number | null;
  discountedPaybackYears: number | null;
  years: FinanceChartYear[];
  tornado: FinanceChartTornadoBar[];
}

/** What the sweep chart draws: a subset of `SweepResult` (src/finance/sweep.ts). */
export interface SweepChartData {
  dimensions: Array<{ key: string; values: Array<string | number | boolean> }>;
  points: Array<{ values: Array<string | number | boolean>; metrics?: { npv: number } | null }>;
}

/** How to draw a finance chart. */
export interface FinanceChartView {
  /** Tooltips and clickable legends. */
  interactive?: boolean;
  width?: number;
}

/** Default width of the finance charts, px. */
export const FINANCE_CHART_WIDTH = 960;

/** Heights of the finance charts, px (the tornado grows with its bars). */
export const FINANCE_CHART_HEIGHTS = {
  cashFlows: 360,
  cumulative: 340,
  sweep: 360,
  tornado: (bars: number) => 80 + 44 * bars + 60,
} as const;

/** Money unit for charts: millions or billions so axes stay short. */
export function moneyScale(maxAbs: number): { factor: number; word: string } {
  return maxAbs >= 5e9 ? { factor: 1e9, word: 'billion' } : maxAbs >= 5e6 ? { factor: 1e6, word: 'million' } : maxAbs >= 5e3 ? { factor: 1e3, word: 'thousand' } : { factor: 1, word: '' };
}

/** Title, then the legend on its own line below it, then the plot (so a long title never runs into the legend). */
function head(title: string, width: number, interactive: boolean) {
  const h = titleAndLegend(title, width);
  return { title: h.title, legend: { ...(h.legend as object), selectedMode: interactive }, gridTop: h.gridTop };
}

const tooltipBase = { confine: true, className: TOOLTIP_CLASS, backgroundColor: 'rgba(255,255,255,0.96)', textStyle: { color: '#222' } };

interface AxisParam {
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
  axisValueLabel?: unknown;
}

/** An axis tooltip listing every series at the hovered category with the full amount and unit. */
function moneyTooltip(unit: string, factor: number, heading: (p: AxisParam) => string) {
  return (raw: unknown): string => {
    const ps = (Array.isArray(raw) ? raw : [raw]) as AxisParam[];
    if (ps.length === 0) return '';
    const rows = ps
      .map((p) => {
        const v = Array.isArray(p.value) ? Number(p.value[1]) : typeof p.value === 'object' && p.value !== null ? Number((p.value as { value?: number }).value) : Number(p.value);
        if (!Number.isFinite(v)) return '';
        return `<tr><td>${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}</td><td style="text-align:right;padding-left:12px">${formatNumber(v * factor, 0)} ${escapeHtml(unit)}</td></tr>`;
      })
      .join('');
    return `<div style="font-size:12px"><strong>${escapeHtml(heading(ps[0]!))}</strong><table style="border-collapse:collapse">${rows}</table></div>`;
  };
}

/** Option of the yearly cash-flow chart: revenue, residual value, opex, tax and capex as stacked bars, net cash flow as a line. */
export function cashFlowOption(f: FinanceChartData, view: FinanceChartView = {}): ChartOption {
  const width = view.width ?? FINANCE_CHART_WIDTH;
  const interactive = view.interactive === true;
  const ys = f.years;
  const maxAbs = Math.max(1, ...ys.map((y) => Math.max(Math.abs(y.revenue), y.opex + y.tax + y.capex)));
  const sc = moneyScale(maxAbs);
  const v = (x: number) => Math.round((x / sc.factor) * 1000) / 1000;
  const series = [
    { name: 'Revenue', color: COLORS.green, data: ys.map((y) => v(y.revenue)) },
    { name: 'Residual value', color: COLORS.skyBlue, data: ys.map((y) => v(y.residualValue)) },
    { name: 'Opex', color: COLORS.orange, data: ys.map((y) => v(-y.opex)) },
    { name: 'Tax', color: COLORS.purple, data: ys.map((y) => v(-y.tax)) },
    { name: 'Capex', color: COLORS.vermillion, data: ys.map((y) => v(-y.capex)) },
  ];
  const h = head('Yearly cash flows', width, interactive);
  const option: ChartOption = {
    title: h.title,
    legend: h.legend,
    grid: { left: 88, right: 32, top: h.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: ys.map((y) => `Year ${y.year}`), ...axisStyle, name: 'Year (0 = construction)', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', ...axisStyle, name: `${f.currency} ${sc.word}`.trim(), nameLocation: 'middle', nameGap: 64 },
    series: [
      ...series.map((s) => ({ name: s.name, type: 'bar' as const, stack: 'cash', color: s.color, data: s.data, silent: !interactive, barMaxWidth: 48 })),
      { name: 'Net cash flow', type: 'line' as const, color: COLORS.black, symbol: 'circle', symbolSize: 7, data: ys.map((y) => v(y.cashFlow)), silent: !interactive },
    ],
  };
  if (interactive) option.tooltip = { ...tooltipBase, trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: moneyTooltip(f.currency, sc.factor, (p) => String(p.axisValue ?? '')) };
  return option;
}

/** Option of the cumulative-cash chart with the paybacks marked. */
export function cumulativeOption(f: FinanceChartData, view: FinanceChartView = {}): ChartOption {
  const width = view.width ?? FINANCE_CHART_WIDTH;
  const interactive = view.interactive === true;
  const ys = f.years;
  const maxAbs = Math.max(1, ...ys.map((y) => Math.max(Math.abs(y.cumulativeCashFlow), Math.abs(y.cumulativeDiscountedCashFlow))));
  const sc = moneyScale(maxAbs);
  const v = (x: number) => Math.round((x / sc.factor) * 1000) / 1000;
  // operations accrue evenly through a year, so the cumulative line is drawn year-end to year-end
  // and the residual value (a year-N lump) is left out, as in the payback itself
  let cum = 0;
  let cumD = 0;
  const simple: Array<[number, number]> = [];
  const disc: Array<[number, number]> = [];
  for (const y of ys) {
    cum += y.cashFlow - y.residualValue;
    cumD += (y.cashFlow - y.residualValue) * y.discountFactor;
    simple.push([y.year, v(cum)]);
    disc.push([y.year, v(cumD)]);
  }
  const marks: Array<{ xAxis: number; name: string }> = [];
  if (f.paybackYears !== null) marks.push({ xAxis: Math.round(f.paybackYears * 1000) / 1000, name: `payback ${formatNumber(f.paybackYears, 2)} y` });
  if (f.discountedPaybackYears !== null) marks.push({ xAxis: Math.round(f.discountedPaybackYears * 1000) / 1000, name: `discounted ${formatNumber(f.discountedPaybackYears, 2)} y` });
  const h = head('Cumulative cash (before residual value)', width, interactive);
  const option: ChartOption = {
    title: h.title,
    legend: h.legend,
    grid: { left: 88, right: 32, top: h.gridTop, bottom: 56 },
    xAxis: { type: 'value', min: 0, max: f.horizonYears, interval: 1, ...axisStyle, name: 'Years from the start of construction', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', ...axisStyle, name: `${f.currency} ${sc.word}`.trim(), nameLocation: 'middle', nameGap: 64 },
    series: [
      {
        name: 'Cumulative cash', type: 'line', color: COLORS.blue, data: simple, symbol: 'circle', symbolSize: 6, silent: !interactive, lineStyle: { width: 2 },
        markLine: {
          silent: true, symbol: 'none',
          data: [
            { yAxis: 0, lineStyle: { color: COLORS.grey, type: 'solid' }, label: { show: false } },
            ...marks.map((m, i) => ({ xAxis: m.xAxis, lineStyle: { color: i === 0 ? COLORS.blue : COLORS.orange, type: 'dashed' as const }, label: { formatter: m.name, position: 'insideEndTop' as const, fontSize: 10, color: i === 0 ? COLORS.blue : COLORS.orange } })),
          ],
        },
      },
      { name: 'Cumulative discounted cash', type: 'line', color: COLORS.orange, data: disc, symbol: 'diamond', symbolSize: 6, silent: !interactive, lineStyle: { width: 2, type: 'dashed' } },
    ],
  };
  if (interactive) option.tooltip = { ...tooltipBase, trigger: 'axis', formatter: moneyTooltip(f.currency, sc.factor, (p) => `End of year ${String(Array.isArray(p.value) ? p.value[0] : (p.axisValue ?? ''))}`) };
  return option;
}

/** Option of the NPV tornado: the change of NPV with each input at the low and high end of its range, widest bar on top. */
export function tornadoOption(f: FinanceChartData, view: FinanceChartView = {}): ChartOption {
  const interactive = view.interactive === true;
  const width = view.width ?? FINANCE_CHART_WIDTH;
  const bars = [...f.tornado].reverse(); // widest at the top
  const maxAbs = Math.max(1, ...bars.map((b) => Math.max(Math.abs(b.npvLow - f.npv), Math.abs(b.npvHigh - f.npv))));
  const sc = moneyScale(maxAbs);
  const v = (x: number) => Math.round(((x - f.npv) / sc.factor) * 1000) / 1000;
  const h = head(`NPV sensitivity (base NPV ${formatNumber(f.npv / sc.factor, 1)} ${sc.word} ${f.currency})`, width, interactive);
  const option: ChartOption = {
    title: h.title,
    legend: h.legend,
    grid: { left: 220, right: 64, top: h.gridTop, bottom: 56 },
    // room beyond the longest bars for their end labels
    xAxis: { type: 'value', boundaryGap: ['12%', '12%'], ...axisStyle, name: `Change of NPV, ${f.currency} ${sc.word}`.trim(), nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'category', data: bars.map((b) => b.label), ...axisStyle },
    series: (['low', 'high'] as const).map((side) => ({
      name: side === 'low' ? 'Low end of the range' : 'High end of the range',
      type: 'bar' as const,
      color: side === 'low' ? COLORS.skyBlue : COLORS.vermillion,
      barGap: '-100%',
      barMaxWidth: 28,
      silent: !interactive,
      // labels sit just outside the bar end so short bars stay readable
      data: bars.map((b) => {
        const x = v(side === 'low' ? b.npvLow : b.npvHigh);
        return { value: x, label: { show: true, position: x < 0 ? ('left' as const) : ('right' as const), fontSize: 10, formatter: side === 'low' ? b.lowText : b.highText } };
      }),
    })),
  };
  if (interactive) {
    option.tooltip = {
      ...tooltipBase,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (raw: unknown) => {
        const ps = (Array.isArray(raw) ? raw : [raw]) as Array<{ dataIndex?: number }>;
        const b = bars[ps[0]?.dataIndex ?? 0];
        if (!b) return '';
        const row = (text: string, npv: number) => `<tr><td>${escapeHtml(text)}</td><td style="text-align:right;padding-left:12px">NPV ${formatNumber(npv / sc.factor, 2)} ${escapeHtml(`${sc.word} ${f.currency}`.trim())}</td><td style="text-align:right;padding-left:12px">${npv >= f.npv ? '+' : '−'}${formatNumber(Math.abs(npv - f.npv) / sc.factor, 2)}</td></tr>`;
        return `<div style="font-size:12px"><strong>${escapeHtml(b.label)}</strong><table style="border-collapse:collapse">${row(`low (${b.lowText})`, b.npvLow)}${row(`high (${b.highText})`, b.npvHigh)}</table></div>`;
      },
    };
  }
  return option;
}

/** Option of the sweep chart: NPV against the first dimension, a line per value of the second (best over the rest). */
export function sweepOption(s: SweepChartData, currency: string, view: FinanceChartView = {}): ChartOption {
  const interactive = view.interactive === true;
  const width = view.width ?? FINANCE_CHART_WIDTH;
  const ok = s.points.filter((p) => p.metrics);
  const d0 = s.dimensions[0]!;
  const maxAbs = Math.max(1, ...ok.map((p) => Math.abs(p.metrics!.npv)));
  const sc = moneyScale(maxAbs);
  const v = (x: number) => Math.round((x / sc.factor) * 1000) / 1000;
  const groups = s.dimensions.length > 1 ? s.dimensions[1]!.values : [null];
  const series = groups.map((g, gi) => ({
    name: g === null ? 'NPV' : `${s.dimensions[1]!.key} = ${String(g)}`,
    type: 'line' as const,
    symbol: 'circle',
    symbolSize: 7,
    silent: !interactive,
    color: [COLORS.blue, COLORS.orange, COLORS.green, COLORS.vermillion, COLORS.skyBlue, COLORS.purple, COLORS.grey][gi % 7],
    data: d0.values.map((x) => {
      const pts = ok.filter((p) => p.values[0] === x && (g === null || p.values[1] === g));
      return pts.length ? v(Math.max(...pts.map((p) => p.metrics!.npv))) : null;
    }),
  }));
  const h = head(`NPV over the sweep${s.dimensions.length > 2 ? ' (best over the other dimensions)' : ''}`, width, interactive);
  const option: ChartOption = {
    title: h.title,
    legend: h.legend,
    grid: { left: 88, right: 32, top: h.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: d0.values.map(String), ...axisStyle, name: d0.key, nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', scale: true, ...axisStyle, name: `NPV, ${currency} ${sc.word}`.trim(), nameLocation: 'middle', nameGap: 64 },
    series,
  };
  if (interactive) option.tooltip = { ...tooltipBase, trigger: 'axis', formatter: moneyTooltip(currency, sc.factor, (p) => `${d0.key} = ${String(p.axisValue ?? '')}`) };
  return option;
}
