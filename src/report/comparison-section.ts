/** The report section comparing policies: a table and a chart of cost and green share. */
import type { ComparisonRow } from '../metrics/comparison.ts';
import { COLORS, chartFigure, svgChart } from './chart.ts';
import { dataTable } from './html.ts';

/** HTML of the comparison section body. */
export function comparisonSectionHtml(rows: ComparisonRow[], currency: string): string {
  const table = dataTable(
    [
      { label: 'Policy' },
      { label: `Operating cost (${currency})`, numeric: true, decimals: 0 },
      { label: 'Saving vs first', numeric: true, decimals: 1, unit: '%' },
      { label: 'CO₂ (t)', numeric: true, decimals: 0 },
      { label: 'Direct green', numeric: true, decimals: 1, unit: '%' },
      { label: 'PUE', numeric: true, decimals: 3 },
      { label: 'Peak import (MW)', numeric: true, decimals: 1 },
      { label: 'QoS (weighted)', numeric: true, decimals: 3 },
      { label: 'Unserved (GPU-h)', numeric: true, decimals: 0 },
      { label: 'Late jobs', numeric: true, decimals: 0 },
      { label: 'Run time (s)', numeric: true, decimals: 1 },
    ],
    rows.map((r) => [r.policy, r.operatingCost, r.savingVsFirstPercent, r.co2Tonnes, r.directGreenRatio * 100, r.pue, r.peakImportMW, r.qosWeighted, r.unservedWork, r.lateJobs, r.runSeconds]),
    { caption: 'Every policy is judged by the same simulator, physics and bill. Operating cost = electricity bill + storage wear.' },
  );
  const chart = svgChart(
    {
      grid: { left: 90, right: 90, top: 40, bottom: 60 },
      legend: { top: 5 },
      xAxis: { type: 'category', data: rows.map((r) => r.policy), axisLabel: { interval: 0 } },
      yAxis: [
        { type: 'value', name: `Operating cost (${currency})`, nameLocation: 'middle', nameGap: 70 },
        { type: 'value', name: 'Direct green (%)', min: 0, max: 100, nameLocation: 'middle', nameGap: 45 },
      ],
      series: [
        { type: 'bar', name: 'Operating cost', data: rows.map((r) => r.operatingCost), itemStyle: { color: COLORS.blue } },
        { type: 'line', name: 'Direct green ratio', yAxisIndex: 1, data: rows.map((r) => Math.round(r.directGreenRatio * 1000) / 10), itemStyle: { color: COLORS.green }, lineStyle: { color: COLORS.green } },
      ],
    },
    900,
    360,
    'Operating cost and direct green ratio by policy',
  );
  return `${table}${chartFigure(chart, 'Operating cost (bars, left axis) and direct green ratio (line, right axis) by policy.')}`;
}
