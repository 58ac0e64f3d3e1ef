/**
 * The report's chart look, shared by the server-rendered SVG and the interactive charts in the
 * page (and any dashboard that reuses the option builders): colours, fonts, axis styling and the
 * title/legend layout. Browser-safe: no Node imports.
 */
import type { EChartsOption } from 'echarts';
import { formatNumber } from '../format.ts';

/** The ECharts option type, re-exported so callers need not import echarts themselves. */
export type ChartOption = EChartsOption;

/**
 * Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), named by
 * what the report uses them for, so the same flow has the same colour in every chart.
 */
export const COLORS = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#999999',
  lightGrey: '#DDDDDD',
  darkGrey: '#555555',
} as const;

/** Default series palette: Okabe–Ito order, black last. */
export const PALETTE: string[] = [COLORS.blue, COLORS.orange, COLORS.green, COLORS.vermillion, COLORS.skyBlue, COLORS.purple, COLORS.yellow, COLORS.grey, COLORS.black];

/**
 * Shades for IT power per workload: one hue (indigo) in steps of lightness, so "IT" reads as
 * one family and neighbours differ in lightness, which survives any colour-vision deficiency.
 */
export const IT_SHADES: string[] = ['#332288', '#5B4BA8', '#7F72BF', '#A39AD4', '#C6C0E6', '#4B3B8F'];

/** Font stack of the page. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/**
 * Font stack of chart text. ECharts lays out text on the server with Helvetica/Arial widths,
 * so charts ask for fonts with those metrics (or a condensed fallback of similar width);
 * a wider font would make legend entries run into each other.
 */
export const CHART_FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans Condensed', sans-serif";

/** Colour of chart text. */
export const TEXT_COLOR = '#333333';
const AXIS_COLOR = '#666666';

/** Axis styling shared by the report's charts: readable labels, light split lines. */
export const axisStyle = {
  nameTextStyle: { color: TEXT_COLOR, fontSize: 12 },
  axisLabel: { color: AXIS_COLOR, fontSize: 11 },
  axisLine: { lineStyle: { color: AXIS_COLOR } },
  splitLine: { lineStyle: { color: '#E5E5E5' } },
} as const;

/** Options every chart starts from: palette, fonts, no animation, transparent background. */
export const BASE_OPTION: ChartOption = {
  animation: false,
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: { fontFamily: CHART_FONT_FAMILY, color: TEXT_COLOR },
};

/** Class of the interactive charts' tooltip element (for styling and tests). */
export const TOOLTIP_CLASS = 'chart-tooltip';

/** Height of the title line, px (14 px bold text and its padding). */
export const TITLE_HEIGHT = 24;
/** Height of one legend row, px. */
export const LEGEND_ROW_HEIGHT = 20;

/**
 * Title on the first line and the legend on its own line below it, both from the plot's left
 * edge, so a long title can never run into the legend; the plot starts under both. The title
 * is cut (with an ellipsis) at the chart width rather than wrapped onto the legend.
 */
export function titleAndLegend(title: string, width: number, left = 64): { title: ChartOption['title']; legend: ChartOption['legend']; gridTop: number } {
  const top = 4;
  const legendTop = top + TITLE_HEIGHT;
  return {
    title: { text: title, left, top, textStyle: { fontSize: 14, width: Math.max(100, width - left - 16), overflow: 'truncate' } },
    legend: { top: legendTop, left, itemGap: 16, selectedMode: false, textStyle: { fontSize: 11 } },
    gridTop: legendTop + LEGEND_ROW_HEIGHT + 20,
  };
}

/**
 * Axis-label formatter for plain quantities: thousands separators and as many decimals as the
 * tick needs (up to 6), so nice ticks such as 0, 0.5, 1, 1.5 never print as "0, 1, 1, 2".
 */
export function axisNumber(v: number): string {
  return formatNumber(v, 6);
}

/** Step size (1, 2, 2.5 or 5 × 10^k) giving about `ticks` intervals up to `max`. */
export function niceStep(max: number, ticks = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Decimals that tell ticks `step` apart (0 for whole steps, 1 for 0.5, 2 for 0.25, …). */
export function stepDecimals(step: number): number {
  for (let d = 0; d <= 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9 * 10 ** d) return d;
  return 6;
}
