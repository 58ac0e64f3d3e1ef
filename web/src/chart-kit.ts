/**
 * The charting part of the dashboard, in a chunk of its own that pages load when they first
 * draw a chart: the ECharts modules the report uses (line, bar and Sankey charts, tooltips,
 * zoom, legends, reference lines, canvas renderer) and the report's and finance's option
 * builders, so the dashboard draws exactly what the report draws.
 */
export { echarts } from '../../src/report/client/echarts.ts';
export * from '../../src/report/charts/index.ts';
export * from '../../src/finance/charts.ts';
