/**
 * The power-flow chart of one site: where power went (IT by workload, cooling, losses, fixed
 * loads, storage charge, export) stacked above the zero line, where it came from
 * (renewables, storage discharge, grid import, shortfall) stacked below it, mirrored so the
 * two stacks have equal height at every point (the energy balance); the import price runs in
 * a panel underneath on the same time axis.
 */
import type { SiteLedger } from '../simulate/ledger.ts';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { axisStyle, CHART_FONT_FAMILY, COLORS, IT_SHADES, svgChart, type ChartOption } from './chart.ts';
import { formatNumber } from './format.ts';
import { bucketMeans, timeBuckets } from './time-buckets.ts';

/** Time-axis labels by tick level: days as "Jul 10", months as "Jul", years in full. */
const TIME_LABELS = { year: '{yyyy}', month: '{MMM}', day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}' };

/** Workloads drawn separately; the rest are summed into "other workloads". */
const MAX_WORKLOAD_SERIES = 5;

interface Flow {
  name: string;
  color: string;
  kw: ArrayLike<number>;
}

/** Step size (1, 2, 2.5 or 5 × 10^k) giving about four ticks up to `max`. */
function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function sumInto(target: Float64Array, a: ArrayLike<number>): void {
  for (let t = 0; t < target.length; t++) target[t]! += a[t]!;
}

function anyNonZero(a: ArrayLike<number>, from: number, to: number): boolean {
  for (let t = from; t < to; t++) if (Math.abs(a[t]!) > 1e-9) return true;
  return false;
}

/** IT power per workload at the site, largest energy first, the tail summed. */
function workloadFlows(L: SiteLedger, from: number, to: number): Flow[] {
  const n = L.itKW.length;
  const byId = new Map<string, Float64Array>();
  for (const f of L.workloads) {
    let a = byId.get(f.id);
    if (!a) byId.set(f.id, (a = new Float64Array(n)));
    sumInto(a, f.itKW);
  }
  const energy = (a: Float64Array) => {
    let s = 0;
    for (let t = from; t < to; t++) s += a[t]!;
    return s;
  };
  const ranked = [...byId].map(([id, kw]) => ({ id, kw, e: energy(kw) })).filter((w) => w.e > 0).sort((a, b) => b.e - a.e);
  const shown = ranked.length > MAX_WORKLOAD_SERIES + 1 ? ranked.slice(0, MAX_WORKLOAD_SERIES) : ranked;
  const flows: Flow[] = shown.map((w, i) => ({ name: `IT · ${w.id}`, color: IT_SHADES[i % IT_SHADES.length]!, kw: w.kw }));
  if (shown.length < ranked.length) {
    const rest = new Float64Array(n);
    for (const w of ranked.slice(shown.length)) sumInto(rest, w.kw);
    flows.push({ name: `IT · ${ranked.length - shown.length} other workloads`, color: IT_SHADES[shown.length % IT_SHADES.length]!, kw: rest });
  }
  return flows;
}

/** Options of `powerChart`. */
export interface PowerChartOptions {
  /** First step drawn (default 0). */
  from?: number;
  /** Step after the last drawn (default: all). */
  to?: number;
  /** Points per series before averaging kicks in (default 400; > 60 days always daily). */
  maxPoints?: number;
  title: string;
  currency: string;
  width?: number;
  height?: number;
}

/** Renders the mirrored power-flow chart with a price panel; returns the SVG and the time resolution drawn. */
export function powerChart(L: SiteLedger, grid: TimeGrid, timeZone: string, o: PowerChartOptions): { svg: string; resolution: string } {
  const from = o.from ?? 0;
  const to = o.to ?? grid.steps;
  const width = o.width ?? 960;
  const height = o.height ?? 520;
  const n = L.itKW.length;
  const buckets = timeBuckets(grid, timeZone, from, to, o.maxPoints ?? 400);

  const renewables = new Float64Array(n);
  for (let t = 0; t < n; t++) renewables[t] = Math.max(0, L.renewableAvailableKW[t]! - L.renewableCurtailedKW[t]!);
  const workloads = workloadFlows(L, from, to);
  // idle IT is only drawn separately when workloads are; otherwise total IT is one band
  const itBands: Flow[] = workloads.length > 0 ? [...workloads, { name: 'IT · idle GPUs', color: COLORS.lightGrey, kw: L.idleItKW }] : [{ name: 'IT (total)', color: IT_SHADES[0]!, kw: L.itKW }];
  const uses: Flow[] = [
    ...itBands,
    { name: 'Cooling', color: COLORS.skyBlue, kw: L.coolingKW },
    { name: 'UPS & distribution losses', color: COLORS.purple, kw: L.lossesKW },
    { name: 'Fixed loads', color: COLORS.grey, kw: L.fixedKW },
    { name: 'Facility load series', color: COLORS.lightGrey, kw: L.facilityLoadKW },
    { name: 'Other loads (buildings)', color: COLORS.black, kw: L.siteLoadKW },
    { name: 'Storage charge', color: COLORS.orange, kw: L.storageChargeKW },
    { name: 'Grid export', color: COLORS.yellow, kw: L.gridExportKW },
  ].filter((f) => anyNonZero(f.kw, from, to));
  const sources: Flow[] = [
    { name: 'Renewables', color: COLORS.green, kw: renewables },
    { name: 'Storage discharge', color: COLORS.orange, kw: L.storageDischargeKW },
    { name: 'Backup generators', color: COLORS.darkGrey, kw: L.generatorKW },
    { name: 'Grid import', color: COLORS.blue, kw: L.gridImportKW },
    { name: 'Shortfall (unsupplied)', color: COLORS.vermillion, kw: L.shortfallKW },
  ].filter((f) => anyNonZero(f.kw, from, to));

  // kW for small sites, MW once the largest stack passes 1 MW
  const useMeans = uses.map((f) => bucketMeans(f.kw, buckets));
  const srcMeans = sources.map((f) => bucketMeans(f.kw, buckets));
  let peak = 0;
  for (let j = 0; j < buckets.x.length; j++) {
    let up = 0, down = 0;
    for (const a of useMeans) up += a[j]!;
    for (const a of srcMeans) down += a[j]!;
    peak = Math.max(peak, up, down);
  }
  const mw = peak >= 1000;
  const scale = mw ? 0.001 : 1;
  const unit = mw ? 'MW' : 'kW';
  const step = niceStep(peak * scale);
  const yMax = Math.max(step, Math.ceil((peak * scale) / step) * step);
  const decimals = step < 1 ? 2 : step < 10 ? 1 : 0;

  const pairs = (a: Float64Array, factor: number) => buckets.x.map((x, j) => [x, Math.round(factor * a[j]! * 1e4) / 1e4]);
  const area = (f: Flow, means: Float64Array, stack: string, sign: number) => ({
    name: f.name,
    type: 'line' as const,
    stack,
    data: pairs(means, sign * scale),
    xAxisIndex: 0,
    yAxisIndex: 0,
    symbol: 'none',
    silent: true,
    emphasis: { disabled: true },
    color: f.color,
    lineStyle: { width: 0 },
    areaStyle: { color: f.color, opacity: 0.9 },
  });
  const importPrice = bucketMeans(L.importPrice, buckets);
  const exportPrice = bucketMeans(L.exportPrice, buckets);
  let exportDiffers = false;
  for (let t = from; t < to && !exportDiffers; t++) if (Math.abs(L.exportPrice[t]! - L.importPrice[t]!) > 1e-9) exportDiffers = true;
  const priceSeries = [
    { name: 'Import price', type: 'line' as const, data: pairs(importPrice, 1), xAxisIndex: 1, yAxisIndex: 1, symbol: 'none', silent: true, emphasis: { disabled: true }, color: COLORS.black, lineStyle: { width: 1.2, color: COLORS.black } },
    ...(exportDiffers
      ? [{ name: 'Export price', type: 'line' as const, data: pairs(exportPrice, 1), xAxisIndex: 1, yAxisIndex: 1, symbol: 'none', silent: true, emphasis: { disabled: true }, color: COLORS.vermillion, lineStyle: { width: 1, type: 'dashed' as const, color: COLORS.vermillion } }]
      : []),
  ];

  const left = 72;
  const legendLeft = width - 190;
  const plotRight = 200;
  const powerTop = 64;
  const priceHeight = 72;
  const priceTop = height - 58 - priceHeight;
  const powerHeight = priceTop - 26 - powerTop;
  const rowHeight = 19;
  const sourcesTop = powerTop + 22 + uses.length * rowHeight + 14;
  const xMin = buckets.x[0] ?? 0;
  const xMax = buckets.x[buckets.x.length - 1] ?? xMin + 1;
  const heading = (text: string, top: number) => ({ type: 'text' as const, left: legendLeft, top, silent: true, style: { text, fill: '#333', fontFamily: CHART_FONT_FAMILY, fontWeight: 'bold' as const, fontSize: 12 } });
  const legend = (names: string[], top: number, icon?: string) => ({ show: true, ...(icon ? { icon } : {}), orient: 'vertical' as const, left: legendLeft, top, itemWidth: 14, itemHeight: 10, itemGap: rowHeight - 10, selectedMode: false, data: names, textStyle: { fontSize: 11, width: 165, overflow: 'truncate' as const } });
  const cal = calendarOf(grid, timeZone);
  const off = cal.offsetMinutes[from] ?? 0;
  const zoneNote = `${timeZone}, UTC${off < 0 ? '−' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')} at start`;

  const option: ChartOption = {
    useUTC: true,
    title: { text: o.title, subtext: `${buckets.resolution}; uses above zero, sources below; ${unit}`, left: left - 8, top: 4, textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 11, color: '#555' } },
    graphic: [heading('Uses (above zero)', powerTop), heading('Sources (below zero)', sourcesTop), heading('Price', priceTop - 4)],
    legend: [
      legend(uses.map((f) => f.name), powerTop + 20, 'rect'),
      legend(sources.map((f) => f.name), sourcesTop + 20, 'rect'),
      legend(priceSeries.map((s) => s.name), priceTop + 14, 'path://M0,4L24,4L24,6L0,6Z'),
    ],
    grid: [
      { left, right: plotRight, top: powerTop, height: powerHeight },
      { left, right: plotRight, top: priceTop, height: priceHeight },
    ],
    xAxis: [
      { type: 'time', gridIndex: 0, min: xMin, max: xMax, axisLabel: { show: false }, axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: '#EEEEEE' } }, axisLine: { onZero: true, lineStyle: { color: '#333', width: 1 } } },
      { type: 'time', gridIndex: 1, min: xMin, max: xMax, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: TIME_LABELS, hideOverlap: true }, splitLine: { show: true, lineStyle: { color: '#EEEEEE' } }, name: `Local time (${zoneNote})`, nameLocation: 'middle', nameGap: 30 },
    ],
    yAxis: [
      {
        type: 'value', gridIndex: 0, min: -yMax, max: yMax, interval: step, ...axisStyle,
        name: `Power (${unit})`, nameLocation: 'middle', nameGap: 52,
        axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatNumber(Math.abs(v), decimals) },
      },
      { type: 'value', gridIndex: 1, scale: true, splitNumber: 2, ...axisStyle, name: `${o.currency}/MWh`, nameLocation: 'middle', nameGap: 52 },
    ],
    series: [
      ...uses.map((f, i) => area(f, useMeans[i]!, 'uses', 1)),
      ...sources.map((f, i) => area(f, srcMeans[i]!, 'sources', -1)),
      ...priceSeries,
    ],
  };
  return { svg: svgChart(option, width, height, `${o.title} (${unit}), with import price`), resolution: buckets.resolution };
}

/**
 * The 7 local days with the most facility energy, as a step range, or null when the range is
 * not longer than 8 days (the full chart already shows it at step resolution).
 */
export function peakWeek(L: SiteLedger, grid: TimeGrid, timeZone: string): { from: number; to: number; firstDay: string; lastDay: string } | null {
  const cal = calendarOf(grid, timeZone);
  const days = cal.dayKeys.length;
  if (days <= 8) return null;
  const energy = new Float64Array(days);
  const first = new Int32Array(days).fill(-1);
  const last = new Int32Array(days);
  for (let t = 0; t < grid.steps; t++) {
    const d = cal.dayIndex[t]!;
    energy[d]! += L.facilityKW[t]!;
    if (first[d] === -1) first[d] = t;
    last[d] = t;
  }
  let best = 0, bestSum = -Infinity, sum = 0;
  for (let d = 0; d < days; d++) {
    sum += energy[d]!;
    if (d >= 7) sum -= energy[d - 7]!;
    if (d >= 6 && sum > bestSum) {
      bestSum = sum;
      best = d - 6;
    }
  }
  return { from: first[best]!, to: last[best + 6]! + 1, firstDay: cal.dayKeys[best]!, lastDay: cal.dayKeys[best + 6]! };
}
