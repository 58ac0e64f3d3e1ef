/**
 * Month-by-month charts: PUE against its design point with the direct green ratio against
 * the 60 % direct-supply reference (per site), and energy with cost (fleet).
 */
import type { MonthKpis } from '../metrics/summary.ts';
import { axisStyle, COLORS, svgChart, type ChartOption } from './chart.ts';
import { formatNumber } from './format.ts';

/** Legend entries get a fixed text width so their spacing does not depend on the viewer's fonts. */
const LEGEND = { top: 6, right: 24, itemGap: 16, selectedMode: false, textStyle: { fontSize: 11, width: 96, overflow: 'truncate' as const } };

/** Direct green share required of "wind-solar-storage + computing" bases; drawn as a reference line. */
export const DIRECT_GREEN_REFERENCE = 0.6;

/** Monthly PUE (bars above 1.0) and direct green ratio (line, %) with design PUE and the site's green target (or the 60 % reference). */
export function monthlyPueChart(months: MonthKpis[], designPue: number | null, title: string, width = 960, height = 320, greenTarget: number | null = null): string {
  const green = greenTarget ?? DIRECT_GREEN_REFERENCE;
  const greenLabel = greenTarget !== null ? `site target ${formatNumber(green * 100, 0)} %` : `${DIRECT_GREEN_REFERENCE * 100} % reference`;
  const pues = months.map((m) => m.pue).filter((p): p is number => p !== null && p > 0);
  const top = Math.max(designPue ?? 0, ...pues, 1.05);
  // bars start at 1.0: PUE cannot be lower, so the bar length is the overhead
  const overhead = top + 0.01 - 1;
  const interval = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1].find((i) => overhead / i <= 6) ?? 1;
  const pueMax = 1 + Math.ceil(overhead / interval) * interval;
  const option: ChartOption = {
    title: { text: title, left: 64, top: 4, textStyle: { fontSize: 14 } },
    legend: LEGEND,
    grid: { left: 72, right: 72, top: 48, bottom: 56 },
    xAxis: { type: 'category', data: months.map((m) => m.month), ...axisStyle, name: 'Month (site local time)', nameLocation: 'middle', nameGap: 32 },
    yAxis: [
      { type: 'value', min: 1, max: pueMax, interval, ...axisStyle, name: 'PUE', nameLocation: 'middle', nameGap: 44, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 3, 2) } },
      { type: 'value', min: 0, max: 100, interval: 20, ...axisStyle, splitLine: { show: false }, name: 'Direct green ratio (%)', nameLocation: 'middle', nameGap: 40 },
    ],
    series: [
      {
        name: 'PUE', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.skyBlue, silent: true, emphasis: { disabled: true },
        data: months.map((m) => (m.pue !== null && m.pue > 0 ? Math.round(m.pue * 1e4) / 1e4 : null)),
        label: { show: months.length <= 14, position: 'top', fontSize: 10, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? formatNumber(p.value, 3, 3) : '') },
        ...(designPue && designPue > 0
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: COLORS.blue, type: 'dashed' as const }, label: { formatter: `design ${formatNumber(designPue, 3)}`, position: 'insideStartTop' as const, color: COLORS.blue, fontSize: 10, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3] }, data: [{ yAxis: designPue }] } }
          : {}),
      },
      {
        name: 'Direct green ratio', type: 'line', yAxisIndex: 1, color: COLORS.green, symbol: 'circle', symbolSize: 6, silent: true, emphasis: { disabled: true },
        lineStyle: { width: 2 },
        data: months.map((m) => Math.round(m.directGreenRatio * 1e4) / 1e2),
        markLine: { silent: true, symbol: 'none', lineStyle: { color: COLORS.green, type: 'dotted' }, label: { formatter: greenLabel, position: 'insideEndBottom', color: COLORS.green, fontSize: 10, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3] }, data: [{ yAxis: green * 100 }] },
      },
    ],
  };
  return svgChart(option, width, height, `${title}: monthly PUE and direct green ratio`);
}

/** Monthly facility energy (bars, MWh) and electricity cost (line, currency) of the fleet. */
export function monthlyEnergyCostChart(months: MonthKpis[], currency: string, title: string, width = 960, height = 320): string {
  const option: ChartOption = {
    title: { text: title, left: 64, top: 4, textStyle: { fontSize: 14 } },
    legend: LEGEND,
    grid: { left: 80, right: 96, top: 48, bottom: 56 },
    xAxis: { type: 'category', data: months.map((m) => m.month), ...axisStyle, name: 'Month', nameLocation: 'middle', nameGap: 32 },
    yAxis: [
      { type: 'value', min: 0, ...axisStyle, name: 'Energy (MWh)', nameLocation: 'middle', nameGap: 60, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 0) } },
      { type: 'value', ...axisStyle, splitLine: { show: false }, name: `Electricity cost (${currency})`, nameLocation: 'middle', nameGap: 72, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(v, 0) } },
    ],
    series: [
      { name: 'Facility energy', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.skyBlue, silent: true, emphasis: { disabled: true }, data: months.map((m) => Math.round(m.facilityEnergyMWh * 1000) / 1000) },
      { name: 'Grid import', type: 'bar', yAxisIndex: 0, barMaxWidth: 36, color: COLORS.blue, silent: true, emphasis: { disabled: true }, data: months.map((m) => Math.round(m.gridImportMWh * 1000) / 1000) },
      { name: 'Electricity cost', type: 'line', yAxisIndex: 1, color: COLORS.black, symbol: 'circle', symbolSize: 6, silent: true, emphasis: { disabled: true }, data: months.map((m) => Math.round(m.energyCost * 100) / 100) },
    ],
  };
  return svgChart(option, width, height, `${title}: monthly energy and electricity cost`);
}
