/**
 * The power-flow chart of one site from its ledger: the flows as bands (IT by workload,
 * cooling, losses, fixed loads, storage charge, export above zero; renewables, storage
 * discharge, grid import, shortfall below), averaged into buckets for the overview, drawn by
 * `powerFlowOption` (charts/power-flow.ts) as static SVG here and interactively in the page.
 */
import type { SiteLedger } from '../simulate/ledger.ts';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { svgChart } from './chart.ts';
import { powerFlowOption, type FlowSeries, type PowerFlowData } from './charts/power-flow.ts';
import { COLORS, IT_SHADES } from './charts/theme.ts';
import { bucketMeans, timeBuckets, wallClockMs } from './time-buckets.ts';

/** Workloads drawn separately; the rest are summed into "other workloads". */
const MAX_WORKLOAD_SERIES = 5;

/** A flow of the ledger, kW per step. */
export interface LedgerFlow {
  name: string;
  color: string;
  kw: ArrayLike<number>;
}

/** The site's flows as chart bands, kW per step, zero flows left out. */
export interface SiteFlows {
  uses: LedgerFlow[];
  sources: LedgerFlow[];
  prices: Array<LedgerFlow & { dashed?: boolean }>;
}

function sumInto(target: Float64Array, a: ArrayLike<number>): void {
  for (let t = 0; t < target.length; t++) target[t]! += a[t]!;
}

function anyNonZero(a: ArrayLike<number>, from: number, to: number): boolean {
  for (let t = from; t < to; t++) if (Math.abs(a[t]!) > 1e-9) return true;
  return false;
}

/** IT power per workload at the site, largest energy first, the tail summed. */
function workloadFlows(L: SiteLedger, from: number, to: number): LedgerFlow[] {
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
  const flows: LedgerFlow[] = shown.map((w, i) => ({ name: `IT · ${w.id}`, color: IT_SHADES[i % IT_SHADES.length]!, kw: w.kw }));
  if (shown.length < ranked.length) {
    const rest = new Float64Array(n);
    for (const w of ranked.slice(shown.length)) sumInto(rest, w.kw);
    flows.push({ name: `IT · ${ranked.length - shown.length} other workloads`, color: IT_SHADES[shown.length % IT_SHADES.length]!, kw: rest });
  }
  return flows;
}

/** The bands of the power-flow chart over steps [from, to): flows that are zero there are left out. */
export function siteFlows(L: SiteLedger, from = 0, to = L.itKW.length): SiteFlows {
  const n = L.itKW.length;
  const renewables = new Float64Array(n);
  for (let t = 0; t < n; t++) renewables[t] = Math.max(0, L.renewableAvailableKW[t]! - L.renewableCurtailedKW[t]!);
  const workloads = workloadFlows(L, from, to);
  // idle IT is only drawn separately when workloads are; otherwise total IT is one band
  const itBands: LedgerFlow[] = workloads.length > 0 ? [...workloads, { name: 'IT · idle GPUs', color: COLORS.lightGrey, kw: L.idleItKW }] : [{ name: 'IT (total)', color: IT_SHADES[0]!, kw: L.itKW }];
  const uses = [
    ...itBands,
    { name: 'Cooling', color: COLORS.skyBlue, kw: L.coolingKW },
    { name: 'UPS & distribution losses', color: COLORS.purple, kw: L.lossesKW },
    { name: 'Fixed loads', color: COLORS.grey, kw: L.fixedKW },
    { name: 'Facility load series', color: COLORS.lightGrey, kw: L.facilityLoadKW },
    { name: 'Other loads (buildings)', color: COLORS.black, kw: L.siteLoadKW },
    { name: 'Storage charge', color: COLORS.orange, kw: L.storageChargeKW },
    { name: 'Grid export', color: COLORS.yellow, kw: L.gridExportKW },
  ].filter((f) => anyNonZero(f.kw, from, to));
  const sources = [
    { name: 'Renewables', color: COLORS.green, kw: renewables },
    { name: 'Storage discharge', color: COLORS.orange, kw: L.storageDischargeKW },
    { name: 'Backup generators', color: COLORS.darkGrey, kw: L.generatorKW },
    { name: 'Grid import', color: COLORS.blue, kw: L.gridImportKW },
    { name: 'Shortfall (unsupplied)', color: COLORS.vermillion, kw: L.shortfallKW },
  ].filter((f) => anyNonZero(f.kw, from, to));
  let exportDiffers = false;
  for (let t = from; t < to && !exportDiffers; t++) if (Math.abs(L.exportPrice[t]! - L.importPrice[t]!) > 1e-9) exportDiffers = true;
  const prices = [
    { name: 'Import price', color: COLORS.black, kw: L.importPrice },
    ...(exportDiffers ? [{ name: 'Export price', color: COLORS.vermillion, kw: L.exportPrice, dashed: true }] : []),
  ];
  return { uses, sources, prices };
}

/** Largest total of uses (or of sources) at any step in [from, to), kW. */
export function stepPeakKW(flows: SiteFlows, from: number, to: number): number {
  let peak = 0;
  for (let t = from; t < to; t++) {
    let up = 0, down = 0;
    for (const f of flows.uses) up += f.kw[t]!;
    for (const f of flows.sources) down += f.kw[t]!;
    peak = Math.max(peak, up, down);
  }
  return peak;
}

/** "America/Chicago, UTC−05:00 at start". */
export function zoneLabel(grid: TimeGrid, timeZone: string, step: number): string {
  const off = calendarOf(grid, timeZone).offsetMinutes[step] ?? 0;
  return `${timeZone}, UTC${off < 0 ? '−' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')} at start`;
}

/** Options of `powerFlowData` and `powerChart`. */
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
  /** Bands to draw (default: the site's non-zero flows over [from, to)). */
  flows?: SiteFlows;
}

/**
 * The chart data of steps [from, to): bucket means of every flow (so each point's energy is
 * right and the stacks stay consistent), in kW, or MW once the largest stack passes 1 MW.
 */
export function powerFlowData(L: SiteLedger, grid: TimeGrid, timeZone: string, o: PowerChartOptions): PowerFlowData {
  const from = o.from ?? 0;
  const to = o.to ?? grid.steps;
  const flows = o.flows ?? siteFlows(L, from, to);
  const buckets = timeBuckets(grid, timeZone, from, to, o.maxPoints ?? 400);
  const mw = stepPeakKW(flows, from, to) >= 1000;
  const scale = mw ? 0.001 : 1;
  const band = (f: LedgerFlow, s: number): FlowSeries => ({ name: f.name, color: f.color, values: Array.from(bucketMeans(f.kw, buckets, s), (v) => Math.round(v * 1e4) / 1e4) });
  const wall = wallClockMs(grid, timeZone);
  const x = buckets.x;
  return {
    title: o.title,
    unit: mw ? 'MW' : 'kW',
    currency: o.currency,
    zoneLabel: zoneLabel(grid, timeZone, from),
    resolution: buckets.resolution,
    pointMinutes: buckets.pointMinutes,
    x,
    xRange: [Math.min(x[0] ?? 0, wall[from] ?? 0), Math.max(x[x.length - 1] ?? 0, wall[Math.max(from, to - 1)] ?? 0)],
    uses: flows.uses.map((f) => band(f, scale)),
    sources: flows.sources.map((f) => band(f, scale)),
    prices: flows.prices.map((f) => ({ ...band(f, 1), ...(f.dashed ? { dashed: true } : {}) })),
  };
}

/** Renders the mirrored power-flow chart with a price panel as SVG; returns the SVG and the time resolution drawn. */
export function powerChart(L: SiteLedger, grid: TimeGrid, timeZone: string, o: PowerChartOptions): { svg: string; resolution: string; data: PowerFlowData } {
  const data = powerFlowData(L, grid, timeZone, o);
  const width = o.width ?? 960;
  const height = o.height ?? 520;
  return { svg: svgChart(powerFlowOption(data, { width, height }), width, height, `${o.title} (${data.unit}), with import price`), resolution: data.resolution, data };
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
