/**
 * Charts as inline SVG, rendered on the server by ECharts so the report reads offline with no
 * scripts. Every chart in the report goes through `svgChart`, which fixes the look (palette,
 * fonts, no animation) and strips what only matters to an interactive chart (hover styles,
 * event metadata) to keep the page small.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
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
import { escapeHtml } from './format.ts';
import { BASE_OPTION, type ChartOption } from './charts/theme.ts';

echarts.use([
  BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart,
  DatasetComponent, GraphicComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, VisualMapComponent,
  SVGRenderer,
]);

/** Look and helpers shared with the interactive charts (re-exported for existing callers). */
export { axisStyle, CHART_FONT_FAMILY, COLORS, FONT_FAMILY, IT_SHADES, PALETTE, type ChartOption } from './charts/theme.ts';

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
    chart.setOption({ ...BASE_OPTION, ...option });
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
