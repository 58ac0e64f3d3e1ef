/**
 * Option builders of the month-by-month charts: PUE against its design point with the direct
 * green ratio (and the site's direct-green target, when it has one), and facility energy, grid
 * import and electricity cost. Browser-safe: no Node imports.
 */
import { escapeHtml, formatNumber } from '../format.ts';
import { axisNumber, axisStyle, COLORS, titleAndLegend, TOOLTIP_CLASS, type ChartOption } from './theme.ts';

/** Shortest horizon, in days, for which month-by-month charts are drawn (the shortest month). */
export const MONTHLY_CHARTS_MIN_DAYS = 28;

/** True when a horizon of `days` is long enough for month-by-month charts to say something. */
export function drawMonthlyCharts(days: number): boolean {
  return days >= MONTHLY_CHARTS_MIN_DAYS;
}

/** Monthly PUE and direct green ratio of one site. */
export interface MonthlyPueData {
  title: string;
  /** Month keys, "2023-07". */
  months: string[];
  /** PUE per month (null where there was no IT energy). */
  pue: Array<number | null>;
  /** Direct green ratio per month, %. */
  directGreenPercent: number[];
  designPue: number | null;
  /** The site's direct-green target, %; no reference line without one. */
  greenTargetPercent: number | null;
}

/** Monthly facility energy, grid import and electricity cost. */
export interface MonthlyEnergyData {
  title: string;
  currency: string;
  months: string[];
  facilityMWh: number[];
  gridImportMWh: number[];
  cost: number[];
}

/** How to draw a chart. */
export interface ChartView {
  /** Tooltip and clickable legend. */
  interactive?: boolean;
  width?: number;
  height?: number;
}

/** Default size of the monthly charts, px. */
export const MONTHLY_CHART_SIZE = { width: 960, height: 320 } as const;

interface AxisParam {
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/** An axis tooltip: the category, then one row per series with its formatted value and unit. */
function axisTooltip(format: Record<string, (v: number) => string>) {
  return (raw: unknown): string => {
    const ps = (Array.isArray(raw) ? raw : [raw]) as AxisParam[];
    if (ps.length === 0) return '';
    const rows = ps
      .filter((p) => typeof p.value === 'number' && Number.isFinite(p.value))
      .map((p) => `<tr><td>${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}</td><td style="text-align:right;padding-left:12px">${escapeHtml((format[p.seriesName ?? ''] ?? String)(p.value as number))}</td></tr>`)
      .join('');
    return `<div style="font-size:12px"><strong>${escapeHtml(String(ps[0]!.axisValue ?? ''))}</strong><table style="border-collapse:collapse">${rows}</table></div>`;
  };
}

const tooltipBase = { trigger: 'axis' as const, confine: true, className: TOOLTIP_CLASS, backgroundColor: 'rgba(255,255,255,0.96)', textStyle: { color: '#222' } };

/** Monthly PUE (bars above 1.0) and direct green ratio (line, %) with the design PUE and, when the site has one, its direct-green target. */
export function monthlyPueOption(d: MonthlyPueData, view: ChartView = {}): ChartOption {
  const width = view.width ?? MONTHLY_CHART_SIZE.width;
  const interactive = view.interactive === true;
  const pues = d.pue.filter((p): p is number => p !== null && p > 0);
  const top = Math.max(d.designPue ?? 0, ...pues, 1.05);
  // bars start at 1.0: PUE cannot be lower, so the bar length is the overhead
  const overhead = top + 0.01 - 1;
  const interval = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1].find((i) => overhead / i <= 6) ?? 1;
  const pueMax = 1 + Math.ceil(overhead / interval) * interval;
  const head = titleAndLegend(d.title, width);
  const target = d.greenTargetPercent;
  const option: ChartOption = {
    title: head.title,
    legend: { ...(head.legend as object), selectedMode: interactive },
    grid: { left: 72, right: 72, top: head.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: d.months, ...axisStyle, name: 'Month (site local time)', nameLocation: 'middle', nameGap: 32 },
    yAxis: [
      { type: 'value', min: 1, max: pueMax, interval, ...axisStyle, name: 'PUE (facility ÷ IT energy)', nameLocation: 'middle', nameGap: 44, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 3, 2) } },
      { type: 'value', min: 0, max: 100, interval: 20, ...axisStyle, splitLine: { show: false }, name: 'Direct green ratio (%)', nameLocation: 'middle', nameGap: 40 },
    ],
    series: [
      {
        name: 'PUE', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.skyBlue, silent: !interactive, emphasis: { disabled: true },
        data: d.pue.map((p) => (p !== null && p > 0 ? Math.round(p * 1e4) / 1e4 : null)),
        label: { show: d.months.length <= 14, position: 'top', fontSize: 10, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? formatNumber(p.value, 3, 3) : '') },
        ...(d.designPue && d.designPue > 0
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: COLORS.blue, type: 'dashed' as const }, label: { formatter: `design ${formatNumber(d.designPue, 3)}`, position: 'insideStartTop' as const, color: COLORS.blue, fontSize: 10, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3] }, data: [{ yAxis: d.designPue }] } }
          : {}),
      },
      {
        name: 'Direct green ratio', type: 'line', yAxisIndex: 1, color: COLORS.green, symbol: 'circle', symbolSize: 6, silent: !interactive, emphasis: { disabled: true },
        lineStyle: { width: 2 },
        data: d.directGreenPercent.map((v) => Math.round(v * 100) / 100),
        ...(target !== null
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: COLORS.green, type: 'dotted' as const }, label: { formatter: `site target ${formatNumber(target, 0)} %`, position: 'insideEndBottom' as const, color: COLORS.green, fontSize: 10, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3] }, data: [{ yAxis: target }] } }
          : {}),
      },
    ],
  };
  if (interactive) option.tooltip = { ...tooltipBase, formatter: axisTooltip({ PUE: (v) => formatNumber(v, 3, 3), 'Direct green ratio': (v) => `${formatNumber(v, 1, 1)} %` }) };
  return option;
}

/** Monthly facility energy and grid import (bars, MWh) and electricity cost (line, currency). */
export function monthlyEnergyCostOption(d: MonthlyEnergyData, view: ChartView = {}): ChartOption {
  const width = view.width ?? MONTHLY_CHART_SIZE.width;
  const interactive = view.interactive === true;
  const head = titleAndLegend(d.title, width, 80);
  const option: ChartOption = {
    title: head.title,
    legend: { ...(head.legend as object), selectedMode: interactive },
    grid: { left: 80, right: 96, top: head.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: d.months, ...axisStyle, name: 'Month', nameLocation: 'middle', nameGap: 32 },
    yAxis: [
      { type: 'value', min: 0, ...axisStyle, name: 'Energy (MWh)', nameLocation: 'middle', nameGap: 60, axisLabel: { ...axisStyle.axisLabel, formatter: axisNumber } },
      { type: 'value', ...axisStyle, splitLine: { show: false }, name: `Electricity cost (${d.currency})`, nameLocation: 'middle', nameGap: 72, axisLabel: { ...axisStyle.axisLabel, formatter: axisNumber } },
    ],
    series: [
      { name: 'Facility energy', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.skyBlue, silent: !interactive, emphasis: { disabled: true }, data: d.facilityMWh.map((v) => Math.round(v * 1000) / 1000) },
      { name: 'Grid import', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.blue, silent: !interactive, emphasis: { disabled: true }, data: d.gridImportMWh.map((v) => Math.round(v * 1000) / 1000) },
      { name: 'Electricity cost', type: 'line', yAxisIndex: 1, color: COLORS.black, symbol: 'circle', symbolSize: 6, silent: !interactive, emphasis: { disabled: true }, data: d.cost.map((v) => Math.round(v * 100) / 100) },
    ],
  };
  if (interactive) {
    const mwh = (v: number) => `${formatNumber(v, 1)} MWh`;
    option.tooltip = { ...tooltipBase, formatter: axisTooltip({ 'Facility energy': mwh, 'Grid import': mwh, 'Electricity cost': (v) => `${formatNumber(v, 0)} ${d.currency}` }) };
  }
  return option;
}
