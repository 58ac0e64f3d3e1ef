/**
 * Option builder of the power-flow chart of one site: where power went (IT by workload,
 * cooling, losses, fixed loads, storage charge, export) stacked above the zero line, where it
 * came from (renewables, storage discharge, grid import, shortfall) stacked below it, mirrored
 * so the two stacks have equal height at every point (the energy balance); prices run in a panel
 * underneath on the same time axis. The same builder draws the static SVG of the report and
 * the interactive chart (tooltip, zoom) in the page. Browser-safe: no Node imports.
 */
import { escapeHtml, formatNumber } from '../format.ts';
import { axisStyle, CHART_FONT_FAMILY, niceStep, stepDecimals, TOOLTIP_CLASS, type ChartOption } from './theme.ts';

/** One band or line of a time chart: a value per point of the chart's x. */
export interface FlowSeries {
  name: string;
  color: string;
  values: ArrayLike<number>;
}

/** Everything the power-flow chart draws; plain numbers, so it can be sent as JSON. */
export interface PowerFlowData {
  title: string;
  /** Unit of `uses` and `sources`. */
  unit: 'kW' | 'MW';
  /** Currency of the prices (per MWh). */
  currency: string;
  /** Time zone of the x axis with its offset, e.g. "America/Chicago, UTC−05:00 at start". */
  zoneLabel: string;
  /** What one point is, for the subtitle: "daily means", "hourly values", "3-hour means". */
  resolution: string;
  /** Minutes one point stands for (1440 for daily means): the tooltip shows dates or times. */
  pointMinutes: number;
  /** Point times: local wall-clock time written as if it were UTC, ms (drawn with `useUTC`). */
  x: ArrayLike<number>;
  /** Axis range [first, last] in the same clock as `x` (default: the first and last point). */
  xRange?: [number, number];
  /** Uses, ≥ 0, stacked upwards in this order. */
  uses: FlowSeries[];
  /** Sources, ≥ 0, stacked downwards in this order. */
  sources: FlowSeries[];
  /** Prices per MWh (import price, maybe export price). */
  prices: Array<FlowSeries & { dashed?: boolean }>;
  /** Energy held in storage (state of charge) at each point, drawn in a panel of its own when given. */
  soc?: StoredEnergy;
}

/** The state-of-charge line of a site with storage. */
export interface StoredEnergy extends FlowSeries {
  unit: 'kWh' | 'MWh';
  /** Usable capacity in `unit` (the panel's top), when known. */
  capacity?: number;
}

/** How to draw the chart. */
export interface PowerFlowView {
  /** Tooltip, zoom (mouse wheel, drag and a slider), clickable legend. */
  interactive?: boolean;
  width?: number;
  height?: number;
  /** Power axis limit, ± (default: from the data, see `powerAxis`). */
  axis?: PowerAxis;
}

/** A symmetric power axis: ±max in steps of `interval`, labels with `decimals`. */
export interface PowerAxis {
  max: number;
  interval: number;
  decimals: number;
}

/** Time-axis labels by tick level: days as "Jul 10", months as "Jul", years in full. */
const TIME_LABELS = { year: '{yyyy}', month: '{MMM}', day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}' };

/** Default size of the chart, px; the interactive chart adds room for its zoom slider. */
export const POWER_CHART_SIZE = { width: 960, height: 520, sliderHeight: 44, socHeight: 96 } as const;

/** Height of a power chart with or without its state-of-charge panel and zoom slider, px. */
export function powerChartHeight(d: Pick<PowerFlowData, 'soc'>, interactive: boolean): number {
  return POWER_CHART_SIZE.height + (d.soc ? POWER_CHART_SIZE.socHeight : 0) + (interactive ? POWER_CHART_SIZE.sliderHeight : 0);
}

/** Largest stack (uses or sources) over points [from, to). */
export function stackPeak(d: Pick<PowerFlowData, 'uses' | 'sources'>, from = 0, to = Infinity): number {
  const n = Math.min(to, d.uses[0]?.values.length ?? d.sources[0]?.values.length ?? 0);
  let peak = 0;
  for (let j = Math.max(0, from); j < n; j++) {
    let up = 0, down = 0;
    for (const s of d.uses) up += s.values[j]!;
    for (const s of d.sources) down += s.values[j]!;
    if (up > peak) peak = up;
    if (down > peak) peak = down;
  }
  return peak;
}

/** The symmetric power axis for a stack peak: about four ticks each side. */
export function powerAxis(peak: number): PowerAxis {
  const interval = niceStep(peak);
  return { max: Math.max(interval, Math.ceil(peak / interval - 1e-9) * interval), interval, decimals: stepDecimals(interval) };
}

/** "2023-07-14 19:00" (or "2023-07-14" for daily points) from a wall-clock-as-UTC ms value. */
export function wallClockLabel(ms: number, pointMinutes: number): string {
  const iso = new Date(ms).toISOString();
  return pointMinutes >= 1440 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Chart series data as [x, value] pairs, values rounded to 4 decimals. */
export function pointPairs(x: ArrayLike<number>, values: ArrayLike<number>, factor = 1): Array<[number, number]> {
  const out = new Array<[number, number]>(x.length);
  for (let j = 0; j < x.length; j++) out[j] = [x[j]!, Math.round(factor * values[j]! * 1e4) / 1e4];
  return out;
}

interface TooltipParam {
  seriesIndex?: number;
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

function tooltipFormatter(d: PowerFlowData, decimals: number) {
  const nUses = d.uses.length;
  const nSources = d.sources.length;
  const nPrices = d.prices.length;
  return (raw: unknown): string => {
    const ps = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    if (ps.length === 0) return '';
    const first = ps[0]!;
    const x = Array.isArray(first.value) ? Number(first.value[0]) : Number(first.axisValue);
    const groups: Array<{ head: string; rows: string[]; total: number; unit: string }> = [
      { head: 'Uses', rows: [], total: 0, unit: d.unit },
      { head: 'Sources', rows: [], total: 0, unit: d.unit },
      { head: 'Price', rows: [], total: NaN, unit: `${d.currency}/MWh` },
      { head: 'Storage', rows: [], total: NaN, unit: d.soc?.unit ?? '' },
    ];
    for (const p of ps) {
      const i = p.seriesIndex ?? 0;
      const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value);
      if (!Number.isFinite(v)) continue;
      const g = groups[i < nUses ? 0 : i < nUses + nSources ? 1 : i < nUses + nSources + nPrices ? 2 : 3]!;
      const level = g.head === 'Price' || g.head === 'Storage';
      const shown = level ? v : Math.abs(v);
      if (!level) {
        if (Math.abs(v) < 1e-9) continue;
        g.total += shown;
      }
      g.rows.push(`<tr><td>${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}</td><td style="text-align:right;padding-left:12px">${formatNumber(shown, level ? 2 : decimals + 2)} ${escapeHtml(g.unit)}</td></tr>`);
    }
    const body = groups
      .filter((g) => g.rows.length > 0)
      .map((g) => `<tr><th colspan="2" style="text-align:left;padding-top:4px">${g.head}${Number.isFinite(g.total) ? ` · ${formatNumber(g.total, decimals + 2)} ${escapeHtml(g.unit)}` : ''}</th></tr>${g.rows.join('')}`)
      .join('');
    const what = d.pointMinutes > 60 && d.resolution ? ` <span style="color:#666">(${escapeHtml(d.resolution.replace(/s$/, ''))})</span>` : '';
    return `<div style="font-size:12px"><strong>${escapeHtml(wallClockLabel(x, d.pointMinutes))}</strong>${what}<table style="border-collapse:collapse">${body}</table></div>`;
  };
}

/** The ECharts option of the mirrored power-flow chart with its price panel. */
export function powerFlowOption(d: PowerFlowData, view: PowerFlowView = {}): ChartOption {
  const interactive = view.interactive === true;
  const width = view.width ?? POWER_CHART_SIZE.width;
  const height = view.height ?? powerChartHeight(d, interactive);
  const axis = view.axis ?? powerAxis(stackPeak(d));
  const silent = !interactive;

  const area = (f: FlowSeries, stack: string, sign: number) => ({
    name: f.name,
    type: 'line' as const,
    stack,
    data: pointPairs(d.x, f.values, sign),
    xAxisIndex: 0,
    yAxisIndex: 0,
    symbol: 'none',
    silent,
    emphasis: { disabled: true },
    color: f.color,
    lineStyle: { width: 0 },
    areaStyle: { color: f.color, opacity: 0.9 },
  });
  const priceLine = (f: FlowSeries & { dashed?: boolean }, i: number) => ({
    name: f.name,
    type: 'line' as const,
    data: pointPairs(d.x, f.values),
    xAxisIndex: 1,
    yAxisIndex: 1,
    symbol: 'none',
    silent,
    emphasis: { disabled: true },
    color: f.color,
    lineStyle: { width: i === 0 ? 1.2 : 1, color: f.color, ...(f.dashed ? { type: 'dashed' as const } : {}) },
  });

  const left = 72;
  const legendLeft = width - 190;
  const plotRight = 200;
  const powerTop = 64;
  const priceHeight = 72;
  const bottom = 58 + (interactive ? POWER_CHART_SIZE.sliderHeight : 0);
  const priceTop = height - bottom - priceHeight;
  const soc = d.soc;
  // the state-of-charge panel sits between the power and price panels, on the same time axis
  const socHeight = POWER_CHART_SIZE.socHeight - 26;
  const socTop = priceTop - 26 - socHeight;
  const powerHeight = (soc ? socTop : priceTop) - 26 - powerTop;
  const rowHeight = 19;
  const sourcesTop = powerTop + 22 + d.uses.length * rowHeight + 14;
  const xMin = d.xRange?.[0] ?? d.x[0] ?? 0;
  const xMax = d.xRange?.[1] ?? d.x[d.x.length - 1] ?? xMin + 1;
  const heading = (text: string, top: number) => ({ type: 'text' as const, left: legendLeft, top, silent: true, style: { text, fill: '#333', fontFamily: CHART_FONT_FAMILY, fontWeight: 'bold' as const, fontSize: 12 } });
  const legend = (names: string[], top: number, icon?: string) => ({
    show: true, ...(icon ? { icon } : {}), orient: 'vertical' as const, left: legendLeft, top, itemWidth: 14, itemHeight: 10, itemGap: rowHeight - 10,
    selectedMode: interactive, data: names, textStyle: { fontSize: 11, width: 165, overflow: 'truncate' as const },
  });

  const option: ChartOption = {
    useUTC: true,
    title: {
      text: d.title, subtext: `${d.resolution}; uses above zero, sources below; ${d.unit}`, left: left - 8, top: 4,
      textStyle: { fontSize: 14, width: width - left - 8, overflow: 'truncate' }, subtextStyle: { fontSize: 11, color: '#555' },
    },
    graphic: [heading('Uses (above zero)', powerTop), heading('Sources (below zero)', sourcesTop), heading('Price', priceTop - 4), ...(soc ? [heading('Storage', socTop - 4)] : [])],
    legend: [
      legend(d.uses.map((f) => f.name), powerTop + 20, 'rect'),
      legend(d.sources.map((f) => f.name), sourcesTop + 20, 'rect'),
      legend(d.prices.map((s) => s.name), priceTop + 14, 'path://M0,4L24,4L24,6L0,6Z'),
      ...(soc ? [legend([soc.name], socTop + 14, 'rect')] : []),
    ],
    grid: [
      { left, right: plotRight, top: powerTop, height: powerHeight },
      { left, right: plotRight, top: priceTop, height: priceHeight },
      ...(soc ? [{ left, right: plotRight, top: socTop, height: socHeight }] : []),
    ],
    xAxis: [
      { type: 'time', gridIndex: 0, min: xMin, max: xMax, axisLabel: { show: false }, axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: '#EEEEEE' } }, axisLine: { onZero: true, lineStyle: { color: '#333', width: 1 } } },
      { type: 'time', gridIndex: 1, min: xMin, max: xMax, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: TIME_LABELS, hideOverlap: true }, splitLine: { show: true, lineStyle: { color: '#EEEEEE' } }, name: `Local time (${d.zoneLabel})`, nameLocation: 'middle', nameGap: 30 },
      ...(soc ? [{ type: 'time' as const, gridIndex: 2, min: xMin, max: xMax, axisLabel: { show: false }, axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: '#EEEEEE' } }, axisLine: { lineStyle: { color: '#666' } } }] : []),
    ],
    yAxis: [
      {
        type: 'value', gridIndex: 0, min: -axis.max, max: axis.max, interval: axis.interval, ...axisStyle,
        name: `Power (${d.unit})`, nameLocation: 'middle', nameGap: 52,
        axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(Math.abs(v), axis.decimals) },
      },
      { type: 'value', gridIndex: 1, scale: true, splitNumber: 2, ...axisStyle, name: `${d.currency}/MWh`, nameLocation: 'middle', nameGap: 52 },
      ...(soc ? [{ type: 'value' as const, gridIndex: 2, min: 0, ...(soc.capacity && soc.capacity > 0 ? { max: soc.capacity } : {}), splitNumber: 2, ...axisStyle, name: `SoC (${soc.unit})`, nameLocation: 'middle' as const, nameGap: 52, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 6) } }] : []),
    ],
    series: [
      ...d.uses.map((f) => area(f, 'uses', 1)),
      ...d.sources.map((f) => area(f, 'sources', -1)),
      ...d.prices.map(priceLine),
      ...(soc
        ? [{ name: soc.name, type: 'line' as const, data: pointPairs(d.x, soc.values), xAxisIndex: 2, yAxisIndex: 2, symbol: 'none', silent, emphasis: { disabled: true }, color: soc.color, lineStyle: { width: 1.2, color: soc.color }, areaStyle: { color: soc.color, opacity: 0.25 } }]
        : []),
    ],
  };
  if (interactive) {
    option.tooltip = { trigger: 'axis', confine: true, className: TOOLTIP_CLASS, axisPointer: { type: 'line' }, formatter: tooltipFormatter(d, axis.decimals), backgroundColor: 'rgba(255,255,255,0.96)', textStyle: { color: '#222' } };
    option.axisPointer = { link: [{ xAxisIndex: 'all' }] };
    const zoomed = soc ? [0, 1, 2] : [0, 1];
    option.dataZoom = [
      { type: 'inside', xAxisIndex: zoomed, filterMode: 'none' },
      {
        type: 'slider', xAxisIndex: zoomed, filterMode: 'none', left, right: plotRight, bottom: 10, height: 22, showDataShadow: false, brushSelect: false,
        labelFormatter: (v: number) => wallClockLabel(v, 60),
      },
    ];
  }
  return option;
}
