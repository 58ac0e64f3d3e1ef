/**
 * Option builder of a site's monthly electricity bill: one stacked bar per month, a segment per
 * bill item (energy, network charges, demand, capacity, renewable supply, PUE adjustments,
 * certificates, carbon above zero; export credits below), and the month's total as a line.
 * The data function takes the bill as the API and `bills.json` give it. Browser-safe: no Node
 * imports.
 */
import { escapeHtml, formatNumber } from '../format.ts';
import type { ChartView } from './monthly.ts';
import { axisNumber, axisStyle, COLORS, PALETTE, titleAndLegend, TOOLTIP_CLASS, type ChartOption } from './theme.ts';

/** Monthly bill amounts by item. */
export interface MonthlyBillsData {
  title: string;
  currency: string;
  /** Local months, "2023-07". */
  months: string[];
  /** One series per bill item, an amount per month (negative for credits). */
  items: Array<{ name: string; color: string; values: number[] }>;
  /** The month's bill total. */
  total: number[];
}

/** Colour of a bill item by what it charges for (the power chart's colours where they match). */
const ITEM_COLORS: Array<[RegExp, string]> = [
  [/^energy/i, COLORS.blue],
  [/network|government|transmission|distribution/i, COLORS.skyBlue],
  [/demand/i, COLORS.vermillion],
  [/capacity/i, COLORS.purple],
  [/renewable|wind|solar|ppa/i, COLORS.green],
  [/export/i, COLORS.yellow],
  [/pue/i, COLORS.orange],
  [/certificate/i, COLORS.grey],
  [/carbon/i, COLORS.black],
];

/** What the chart needs of a site's bill (`SiteBill` in src/billing/bill.ts). */
export interface BillLike {
  lines: Array<{ month: string; item: string; amount: number }>;
  months: Array<{ month: string; total: number }>;
}

/** Chart data of one site's bill: amounts per item and month, items in the order the bill lists them. */
export function monthlyBillsData(bill: BillLike, currency: string, title: string): MonthlyBillsData {
  const months = bill.months.map((m) => m.month);
  const index = new Map(months.map((m, i) => [m, i]));
  const items = new Map<string, number[]>();
  for (const line of bill.lines) {
    const m = index.get(line.month);
    if (m === undefined) continue;
    let values = items.get(line.item);
    if (!values) items.set(line.item, (values = months.map(() => 0)));
    values[m]! += line.amount;
  }
  let spare = 0;
  return {
    title,
    currency,
    months,
    items: [...items].map(([name, values]) => ({
      name,
      color: ITEM_COLORS.find(([re]) => re.test(name))?.[1] ?? PALETTE[spare++ % PALETTE.length]!,
      values: values.map((v) => Math.round(v * 100) / 100),
    })),
    total: bill.months.map((m) => Math.round(m.total * 100) / 100),
  };
}

/** Money axis in units, thousands or millions, so labels stay short. */
function moneyScale(maxAbs: number): { factor: number; word: string } {
  return maxAbs >= 5e6 ? { factor: 1e6, word: 'million' } : maxAbs >= 5e3 ? { factor: 1e3, word: 'thousand' } : { factor: 1, word: '' };
}

/** Stacked monthly bill items (credits below zero) with the total as a line. */
export function monthlyBillsOption(d: MonthlyBillsData, view: ChartView = {}): ChartOption {
  const width = view.width ?? 960;
  const interactive = view.interactive === true;
  const maxAbs = Math.max(1, ...d.total.map(Math.abs), ...d.items.flatMap((i) => i.values.map(Math.abs)));
  const sc = moneyScale(maxAbs);
  const unit = `${d.currency}${sc.word ? ` ${sc.word}` : ''}`;
  const scaled = (v: number) => Math.round((v / sc.factor) * 1e4) / 1e4;
  const head = titleAndLegend(d.title, width, 80);
  const option: ChartOption = {
    title: head.title,
    legend: { ...(head.legend as object), selectedMode: interactive, type: interactive ? 'scroll' : 'plain', right: 16 },
    grid: { left: 80, right: 32, top: head.gridTop, bottom: 56 },
    xAxis: { type: 'category', data: d.months, ...axisStyle, name: 'Month (site local time)', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', ...axisStyle, name: `Bill (${unit})`, nameLocation: 'middle', nameGap: 60, axisLabel: { ...axisStyle.axisLabel, formatter: axisNumber } },
    series: [
      ...d.items.map((i) => ({ name: i.name, type: 'bar' as const, stack: 'bill', barMaxWidth: 40, color: i.color, silent: !interactive, emphasis: { disabled: true }, data: i.values.map(scaled) })),
      { name: 'Total', type: 'line' as const, color: COLORS.black, symbol: 'circle', symbolSize: 6, silent: !interactive, emphasis: { disabled: true }, data: d.total.map(scaled) },
    ],
  };
  if (interactive) {
    option.tooltip = {
      trigger: 'axis',
      confine: true,
      className: TOOLTIP_CLASS,
      backgroundColor: 'rgba(255,255,255,0.96)',
      textStyle: { color: '#222' },
      axisPointer: { type: 'shadow' },
      formatter: (raw: unknown) => {
        const ps = (Array.isArray(raw) ? raw : [raw]) as Array<{ seriesName?: string; marker?: unknown; dataIndex?: number; axisValue?: unknown }>;
        const month = ps[0]?.dataIndex ?? 0;
        // amounts from the data, not the scaled bars, so the tooltip shows the bill's own figures
        const rows = ps
          .map((p) => {
            const raw = p.seriesName === 'Total' ? d.total[month] : d.items.find((i) => i.name === p.seriesName)?.values[month];
            if (raw === undefined || (Math.abs(raw) < 0.005 && p.seriesName !== 'Total')) return '';
            const bold = p.seriesName === 'Total' ? 'font-weight:bold;' : '';
            return `<tr style="${bold}"><td>${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}</td><td style="text-align:right;padding-left:12px">${formatNumber(raw, 2, 2)} ${escapeHtml(d.currency)}</td></tr>`;
          })
          .join('');
        return `<div style="font-size:12px"><strong>${escapeHtml(String(ps[0]?.axisValue ?? ''))}</strong><table style="border-collapse:collapse">${rows}</table></div>`;
      },
    };
  }
  return option;
}
