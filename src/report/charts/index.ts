/**
 * The chart option builders of the report and the dashboard: plain functions from plain data
 * (arrays of numbers, names, colours) to an ECharts option, with no Node imports, so the same
 * code draws the report's static SVG on the server and its interactive charts in a browser.
 * Pass `{ interactive: true }` for tooltips, zoom and clickable legends; without it the option
 * is for a static rendering.
 */
export { powerFlowOption, powerChartHeight, powerAxis, stackPeak, wallClockLabel, pointPairs, POWER_CHART_SIZE, type PowerFlowData, type PowerFlowView, type StoredEnergy, type FlowSeries, type PowerAxis } from './power-flow.ts';
export { monthlyPueOption, monthlyEnergyCostOption, drawMonthlyCharts, MONTHLY_CHARTS_MIN_DAYS, MONTHLY_CHART_SIZE, type MonthlyPueData, type MonthlyEnergyData, type ChartView } from './monthly.ts';
export { energySankeyOption, energyText, NODE_COLORS, SANKEY_CHART_SIZE, type EnergyFlowGraph, type EnergyNode, type EnergyLink } from './sankey.ts';
export { BASE_OPTION, COLORS, PALETTE, IT_SHADES, FONT_FAMILY, CHART_FONT_FAMILY, TOOLTIP_CLASS, axisStyle, axisNumber, titleAndLegend, niceStep, stepDecimals, type ChartOption } from './theme.ts';
export { monthlyBillsData, monthlyBillsOption, type MonthlyBillsData, type BillLike } from './bills.ts';
export { drDeliveryData, drDeliveryOption, drIntervalRows, type DrDeliveryData, type DrIntervalRow } from './dr-delivery.ts';
