/**
 * The report page's script: turns each figure that carries chart data into an interactive
 * ECharts chart (tooltips, zoom, clickable legends) drawn by the same option builders as the
 * static SVG it replaces on screen. Power charts get a month/week picker and switch to full
 * resolution when the visible window is short enough. Charts are built when they scroll into
 * view. Without this script (or when printing) the page shows the static SVG.
 */
import type { ECharts } from 'echarts/core';
import { monthlyEnergyCostOption, monthlyPueOption, MONTHLY_CHART_SIZE } from '../charts/monthly.ts';
import { POWER_CHART_SIZE, powerAxis, powerFlowOption, stackPeak, wallClockLabel, type PowerFlowData } from '../charts/power-flow.ts';
import { energySankeyOption, SANKEY_CHART_SIZE } from '../charts/sankey.ts';
import { BASE_OPTION, type ChartOption } from '../charts/theme.ts';
import { canDecode, decodeSeries, wallClockSteps } from './decode.ts';
import { echarts } from './echarts.ts';
import type { PageChart, PowerFullResolution } from './page-data.ts';

/** The visible window is drawn at full resolution once it holds at most this many steps (about two months of hours). */
export const FULL_RESOLUTION_MAX_STEPS = 1500;

/** Narrowest and widest chart drawn, px. */
const MIN_WIDTH = 480;
const MAX_WIDTH = 1600;

interface Live {
  chart: ECharts;
  /** Rebuilds the option for a new width. */
  relayout(width: number): void;
}

const lives: Live[] = [];

function widthOf(el: HTMLElement): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(el.clientWidth || POWER_CHART_SIZE.width)));
}

function readChart(fig: HTMLElement): PageChart | null {
  const block = fig.querySelector('script[type="application/json"]');
  return block?.textContent ? (JSON.parse(block.textContent) as PageChart) : null;
}

function mount(fig: HTMLElement, height: number): { el: HTMLDivElement; chart: ECharts; width: number } {
  const el = document.createElement('div');
  el.className = 'chart-live';
  el.style.height = `${height}px`;
  const anchor = fig.querySelector('svg.chart');
  // the canvas says what the static chart it replaces said
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', anchor?.getAttribute('aria-label') ?? 'chart');
  fig.insertBefore(el, anchor ?? fig.firstChild);
  const width = widthOf(el);
  const chart = echarts.init(el, null, { renderer: 'canvas', width, height });
  return { el, chart, width };
}

function withBase(option: ChartOption): ChartOption {
  return { ...BASE_OPTION, ...option };
}

/** A static chart (monthly or Sankey): tooltip and legend, rebuilt on resize. */
function hydrateSimple(fig: HTMLElement, build: (width: number) => ChartOption, height: number): Live {
  const { chart, width } = mount(fig, height);
  chart.setOption(withBase(build(width)));
  return { chart, relayout: (w) => chart.setOption(withBase(build(w))) };
}

interface FullData {
  x: Float64Array;
  series: Float64Array[];
}

/** A power chart: overview points until the reader zooms in far enough, then full resolution around the visible window. */
function hydratePower(fig: HTMLElement, overview: PowerFlowData, full: PowerFullResolution | undefined): Live {
  const height = POWER_CHART_SIZE.height + POWER_CHART_SIZE.sliderHeight;
  const { chart, width: w0 } = mount(fig, height);
  let width = w0;
  const status = fig.querySelector<HTMLElement>('.chart-status');
  const xMin = overview.xRange?.[0] ?? overview.x[0] ?? 0;
  const xMax = overview.xRange?.[1] ?? overview.x[overview.x.length - 1] ?? xMin;
  let shown: PowerFlowData = overview;
  let decoded: Promise<FullData | null> | null = null;
  let pending = 0;

  const draw = (data: PowerFlowData, merge: boolean) => {
    const option = powerFlowOption(data, { interactive: true, width, height, axis: powerAxis(stackPeak(data)) });
    if (merge) chart.setOption({ title: option.title, yAxis: option.yAxis, series: option.series, tooltip: option.tooltip });
    else chart.setOption(withBase(option));
    shown = data;
    if (status) status.textContent = `Showing ${data.resolution}${full && data === overview ? ' · zoom in (wheel, drag or slider) or pick a month or week for full resolution' : ''}.`;
  };

  const load = (): Promise<FullData | null> => {
    if (!full || !canDecode()) return Promise.resolve(null);
    decoded ??= (async () => {
      const block = document.getElementById(full.series.blockId);
      if (!block?.textContent) return null;
      const series = await decodeSeries(full.series, block.textContent);
      return { x: wallClockSteps(full.axis, full.series.steps), series };
    })();
    return decoded;
  };

  const visible = (): [number, number] => {
    const dz = (chart.getOption() as { dataZoom?: Array<{ start?: number; end?: number }> }).dataZoom?.[0];
    const a = xMin + ((dz?.start ?? 0) / 100) * (xMax - xMin);
    const b = xMin + ((dz?.end ?? 100) / 100) * (xMax - xMin);
    return [a, b];
  };

  const update = async () => {
    const [a, b] = visible();
    fig.dataset.visibleFrom = wallClockLabel(a, 60);
    fig.dataset.visibleTo = wallClockLabel(b, 60);
    const stepMs = (full?.axis.stepMinutes ?? 60) * 60_000;
    const data = full && (b - a) / stepMs <= FULL_RESOLUTION_MAX_STEPS ? await load() : null;
    if (!data || !full) {
      if (shown !== overview) draw(overview, true);
      return;
    }
    // the visible window and one window-width either side, so short pans stay at full resolution
    const n = data.x.length;
    const span = b - a;
    const i0 = Math.max(0, Math.floor((a - span - data.x[0]!) / stepMs) - 2);
    const i1 = Math.min(n, Math.ceil((b + span - data.x[0]!) / stepMs) + 3);
    const nUses = overview.uses.length;
    const nSources = overview.sources.length;
    const slice = (s: number) => {
      const f = full.factors[s] ?? 1;
      return Array.from(data.series[s]!.subarray(i0, i1), (v) => v * f);
    };
    draw({
      ...overview,
      resolution: full.resolution,
      pointMinutes: full.axis.stepMinutes,
      x: Array.from(data.x.subarray(i0, i1)),
      xRange: [xMin, xMax],
      uses: overview.uses.map((u, k) => ({ ...u, values: slice(k) })),
      sources: overview.sources.map((u, k) => ({ ...u, values: slice(nUses + k) })),
      prices: overview.prices.map((u, k) => ({ ...u, values: slice(nUses + nSources + k) })),
    }, true);
  };

  const schedule = () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => {
      update().catch((e: unknown) => console.error('wattshift report: full-resolution data could not be read', e));
    }, 80);
  };

  draw(overview, false);
  chart.on('datazoom', schedule);
  // a horizon short enough is drawn at full resolution from the start
  schedule();
  const picker = fig.querySelector<HTMLSelectElement>('select.range-picker');
  picker?.addEventListener('change', () => {
    const [from, to] = picker.value.split(':').map(Number);
    if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) chart.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
    else chart.dispatchAction({ type: 'dataZoom', startValue: from, endValue: to });
  });
  return {
    chart,
    relayout: (w) => {
      width = w;
      const option = powerFlowOption(shown, { interactive: true, width, height, axis: powerAxis(stackPeak(shown)) });
      delete option.dataZoom;
      chart.setOption(option);
    },
  };
}

function hydrate(fig: HTMLElement): void {
  const spec = readChart(fig);
  if (!spec) return;
  let live: Live;
  switch (spec.kind) {
    case 'power':
      live = hydratePower(fig, spec.data, spec.full);
      break;
    case 'monthly-pue':
      live = hydrateSimple(fig, (width) => monthlyPueOption(spec.data, { interactive: true, width }), MONTHLY_CHART_SIZE.height);
      break;
    case 'monthly-energy':
      live = hydrateSimple(fig, (width) => monthlyEnergyCostOption(spec.data, { interactive: true, width }), MONTHLY_CHART_SIZE.height);
      break;
    case 'sankey':
      live = hydrateSimple(fig, (width) => energySankeyOption(spec.data, { interactive: true, width }), SANKEY_CHART_SIZE.height);
      break;
    default:
      return;
  }
  lives.push(live);
  fig.classList.add('live');
}

function start(): void {
  const figures = Array.from(document.querySelectorAll<HTMLElement>('figure[data-chart]'));
  if (figures.length === 0) return;
  document.documentElement.classList.add('js');
  const safely = (fig: HTMLElement) => {
    try {
      hydrate(fig);
    } catch (e) {
      console.error('wattshift report: an interactive chart could not be drawn; the static chart stays', e);
    }
  };
  if (typeof IntersectionObserver === 'function') {
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        io.unobserve(e.target);
        safely(e.target as HTMLElement);
      }
    }, { rootMargin: '600px 0px' });
    for (const f of figures) io.observe(f);
  } else {
    for (const f of figures) safely(f);
  }
  let resizing = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(() => {
      for (const l of lives) {
        const el = l.chart.getDom() as HTMLElement;
        const w = widthOf(el);
        l.chart.resize({ width: w });
        l.relayout(w);
      }
    }, 150);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
