/**
 * Charts as inline SVG, rendered on the server by ECharts so the report reads offline with no
 * scripts. Every chart in the report goes through `svgChart`, which fixes the look (palette,
 * fonts, no animation) and strips what only matters to an interactive chart (hover styles,
 * event metadata) to keep the page small.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DatasetComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { escapeHtml } from './format.ts';

echarts.use([
  BarChart, HeatmapChart, LineChart, ScatterChart,
  DatasetComponent, GraphicComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, VisualMapComponent,
  SVGRenderer,
]);

/** The ECharts option type, re-exported so sections need not import echarts themselves. */
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

const TEXT_COLOR = '#333333';
const AXIS_COLOR = '#666666';

/** Axis styling shared by the report's charts: readable labels, light split lines. */
export const axisStyle = {
  nameTextStyle: { color: TEXT_COLOR, fontSize: 12 },
  axisLabel: { color: AXIS_COLOR, fontSize: 11 },
  axisLine: { lineStyle: { color: AXIS_COLOR } },
  splitLine: { lineStyle: { color: '#E5E5E5' } },
} as const;

let chartCounter = 0;

/** Removes interactive-only parts of an ECharts SSR SVG and gives its ids a page-unique prefix. */
function cleanSvg(svg: string, prefix: string): string {
  return svg
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/ pointer-events="visible"/g, '')
    .replace(/\bzr\d+-/g, prefix);
}

/**
 * Renders an ECharts option to a self-contained SVG string (`width` × `height` px, scaling
 * with the page). `label` becomes the SVG's accessible name.
 */
export function svgChart(option: ChartOption, width = 960, height = 400, label?: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: CHART_FONT_FAMILY, color: TEXT_COLOR },
      ...option,
    });
    const svg = cleanSvg(chart.renderToSVGString(), `c${++chartCounter}-`);
    const aria = label ? ` role="img" aria-label="${escapeHtml(label)}"` : '';
    return svg.replace(/^<svg /, `<svg class="chart"${aria} `);
  } finally {
    chart.dispose();
  }
}

/** Wraps a chart in a figure with a caption (HTML-escaped) and an optional note (trusted HTML). */
export function chartFigure(svg: string, caption: string, noteHtml = ''): string {
  return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}${noteHtml ? ` <span class="note">${noteHtml}</span>` : ''}</figcaption></figure>`;
}
