/**
 * Report writers: the ledger and bills as CSV, all-or-nothing output writing, and the
 * self-contained HTML report with the chart and table helpers later stages use to add
 * their own sections in the same look. The chart option builders (browser-safe, shared with
 * the page script and the dashboard) are under `charts`.
 */
export { ledgerCsv, ledgerCsvHeader, fleetWorkloadIds } from './ledger-csv.ts';
export { billsCsv } from './bills-csv.ts';
export { writeOutputs, type OutputFile } from './write-outputs.ts';
export { renderReportHtml, type ReportInput, type ExtraSection } from './report-html.ts';
export { svgChart, chartFigure, axisStyle, COLORS, PALETTE, IT_SHADES, FONT_FAMILY, CHART_FONT_FAMILY, type ChartOption } from './chart.ts';
export { titleAndLegend, axisNumber, BASE_OPTION } from './charts/theme.ts';
export { kpiTable, dataTable, details, section, textList, anchorId, cellHtml, type KpiRow, type Cell, type Column } from './html.ts';
export { kpiRows, type SiteExtras } from './kpi-rows.ts';
export { powerChart, powerFlowData, peakWeek, siteFlows, type PowerChartOptions, type SiteFlows, type LedgerFlow } from './power-chart.ts';
export { siteEnergyFlows, energyFlowRules, flowImbalances, type EnergyFlowRule, type EnergyFlowOptions } from './energy-flows.ts';
export { monthlyPueChart, monthlyEnergyCostChart, monthlyPueData, monthlyEnergyData, DIRECT_GREEN_REFERENCE } from './monthly-charts.ts';
export * as charts from './charts/index.ts';
export { timeBuckets, bucketMeans, wallClockMs, DAILY_AFTER_DAYS, type TimeBuckets } from './time-buckets.ts';
export { escapeHtml, formatNumber, formatSignificant, formatPercent, countScale, csvNumber, csvField, currencyTag, type CsvNumber } from './format.ts';
export { REPORT_CSS } from './style.ts';
export { comparisonSectionHtml } from './comparison-section.ts';
