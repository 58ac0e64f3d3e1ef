/**
 * Option builder of a demand-response event's delivery at one site: the baseline (what the
 * site would have drawn), the metered power during the event and the level the commitment
 * asked for, per measurement interval, with the delivered energy shaded between baseline and
 * actual. The data function takes the rows of `settlement-intervals.csv`. Browser-safe: no Node
 * imports.
 */
import { escapeHtml, formatNumber } from '../format.ts';
import type { ChartView } from './monthly.ts';
import { axisNumber, axisStyle, COLORS, titleAndLegend, TOOLTIP_CLASS, type ChartOption } from './theme.ts';

/** One measurement interval of `settlement-intervals.csv`. */
export interface DrIntervalRow {
  event: string;
  site: string;
  /** Interval start, local time with its offset ("2025-05-03T16:00:00-07:00"). */
  intervalStartLocal: string;
  baselineKW: number;
  actualKW: number;
  targetKW: number;
}

/** What the delivery chart draws. */
export interface DrDeliveryData {
  title: string;
  unit: 'kW' | 'MW';
  /** Local interval starts as labels ("16:00", or "05-03 16:00" when the event spans days). */
  labels: string[];
  baseline: number[];
  actual: number[];
  /** The level that meets the target: baseline − target for a reduction, baseline + target for an increase. */
  committed: number[];
  direction: 'reduce' | 'increase';
}

/** Reads `settlement-intervals.csv` (header row, then one row per event, site and interval). */
export function drIntervalRows(csv: Array<Record<string, string>>): DrIntervalRow[] {
  return csv.map((r) => ({
    event: r.event ?? '',
    site: r.site ?? '',
    intervalStartLocal: r.interval_start_local ?? '',
    baselineKW: Number(r.baseline_kW),
    actualKW: Number(r.actual_kW),
    targetKW: Number(r.target_kW),
  }));
}

/** Chart data of one event at one site, in MW once the baseline passes 1 MW. */
export function drDeliveryData(rows: DrIntervalRow[], event: string, site: string, direction: 'reduce' | 'increase' = 'reduce'): DrDeliveryData {
  const mine = rows.filter((r) => r.event === event && r.site === site);
  const days = new Set(mine.map((r) => r.intervalStartLocal.slice(0, 10)));
  const peak = Math.max(0, ...mine.map((r) => Math.max(r.baselineKW, r.actualKW)));
  const mw = peak >= 1000;
  const f = (kw: number) => Math.round((mw ? kw / 1000 : kw) * 1e4) / 1e4;
  const sign = direction === 'reduce' ? -1 : 1;
  return {
    title: `${event} at ${site}: baseline and metered power`,
    unit: mw ? 'MW' : 'kW',
    labels: mine.map((r) => (days.size > 1 ? `${r.intervalStartLocal.slice(5, 10)} ${r.intervalStartLocal.slice(11, 16)}` : r.intervalStartLocal.slice(11, 16))),
    baseline: mine.map((r) => f(r.baselineKW)),
    actual: mine.map((r) => f(r.actualKW)),
    committed: mine.map((r) => f(r.baselineKW + sign * r.targetKW)),
    direction,
  };
}

/** Baseline, committed level and metered power per interval. */
export function drDeliveryOption(d: DrDeliveryData, view: ChartView = {}): ChartOption {
  const width = view.width ?? 960;
  const interactive = view.interactive === true;
  const head = titleAndLegend(d.title, width, 80);
  const line = (name: string, data: number[], color: string, dashed = false) => ({
    name, type: 'line' as const, step: 'end' as const, data, color, symbol: 'none', silent: !interactive, emphasis: { disabled: true },
    lineStyle: { width: 2, color, ...(dashed ? { type: 'dashed' as const } : {}) },
  });
  const option: ChartOption = {
    title: head.title,
    legend: { ...(head.legend as object), selectedMode: interactive },
    grid: { left: 80, right: 32, top: head.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: d.labels, boundaryGap: false, ...axisStyle, name: 'Interval start (site local time)', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', scale: true, ...axisStyle, name: `Power (${d.unit})`, nameLocation: 'middle', nameGap: 60, axisLabel: { ...axisStyle.axisLabel, formatter: axisNumber } },
    series: [
      line('Baseline', d.baseline, COLORS.grey),
      line(d.direction === 'reduce' ? 'Committed (baseline − target)' : 'Committed (baseline + target)', d.committed, COLORS.vermillion, true),
      { ...line('Metered', d.actual, COLORS.blue), areaStyle: { color: COLORS.blue, opacity: 0.12 } },
    ],
  };
  if (interactive) {
    option.tooltip = {
      trigger: 'axis', confine: true, className: TOOLTIP_CLASS, backgroundColor: 'rgba(255,255,255,0.96)', textStyle: { color: '#222' },
      formatter: (raw: unknown) => {
        const ps = (Array.isArray(raw) ? raw : [raw]) as Array<{ dataIndex?: number; axisValue?: unknown }>;
        const i = ps[0]?.dataIndex ?? 0;
        const delivered = d.direction === 'reduce' ? d.baseline[i]! - d.actual[i]! : d.actual[i]! - d.baseline[i]!;
        const row = (k: string, v: number | undefined) => `<tr><td>${escapeHtml(k)}</td><td style="text-align:right;padding-left:12px">${formatNumber(v, 3)} ${d.unit}</td></tr>`;
        return `<div style="font-size:12px"><strong>${escapeHtml(String(ps[0]?.axisValue ?? ''))}</strong><table style="border-collapse:collapse">${row('Baseline', d.baseline[i])}${row('Committed', d.committed[i])}${row('Metered', d.actual[i])}${row('Delivered', delivered)}</table></div>`;
      },
    };
  }
  return option;
}
