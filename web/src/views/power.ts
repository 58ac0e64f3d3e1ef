/**
 * A site's power chart on a run page: uses stacked above zero, sources below, prices and (with
 * storage) the state of charge underneath, drawn by the report's `powerFlowOption`. It opens on
 * the whole horizon (bucket means from the server) and, when the reader zooms in (mouse wheel,
 * drag, the slider, or the month picker), asks the server for the visible window and one
 * window-width either side at a finer resolution, down to single steps, so the detail matches
 * the zoom at every level without sending a year of steps up front.
 */
import { api } from '../api.ts';
import { mountChart, type Kit, type Mounted } from '../charts.ts';
import { h } from '../dom.ts';
import type { Scope } from '../page.ts';
import type { PowerChartView } from '../types.ts';
import { select } from '../ui.ts';
import type { PowerFlowData, FlowSeries } from '../../../src/report/charts/power-flow.ts';

/** Windows longer than this many days come back as daily means (src/report/time-buckets.ts), so the chart asks for no longer ones. */
const DAILY_AFTER_DAYS = 60;
/** Below this share of the horizon visible, the chart asks for finer data. */
const REFINE_BELOW = 0.6;
/** Points asked for a window (the visible part gets about a third). */
const WINDOW_POINTS = 1200;

/** Index of the last x ≤ v (0 when none). */
function floorIndex(x: number[], v: number): number {
  let lo = 0, hi = x.length - 1, ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= v) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** The window's series laid onto the overview's: same names, order and units. */
export function alignWindow(base: PowerChartView, win: PowerChartView): PowerFlowData {
  const toBase = win.unit === base.unit ? 1 : win.unit === 'MW' ? 1000 : 0.001;
  const n = win.x.length;
  const zeros = () => new Array<number>(n).fill(0);
  const other = base.uses.find((s) => /^IT · \d+ other workloads$/.test(s.name));
  const pick = (list: FlowSeries[], from: FlowSeries[], scale: number): FlowSeries[] => {
    const out = list.map((s) => {
      const m = from.find((x) => x.name === s.name);
      return { ...s, values: m ? Array.from(m.values, (v) => v * scale) : zeros() };
    });
    // workloads ranked differently in the window than over the horizon go to "other workloads"
    if (other) {
      const sink = out.find((s) => s.name === other.name)!;
      for (const s of from) if (s.name.startsWith('IT · ') && !list.some((x) => x.name === s.name)) {
        const v = sink.values as number[];
        for (let j = 0; j < n; j++) v[j] = v[j]! + s.values[j]! * scale;
      }
    }
    return out;
  };
  let soc = base.soc;
  if (soc) {
    const w = win.soc;
    const f = !w || w.unit === soc.unit ? 1 : w.unit === 'MWh' ? 1000 : 0.001;
    soc = { ...soc, values: w ? Array.from(w.values, (v) => v * f) : zeros() };
  }
  return {
    ...base,
    resolution: win.resolution,
    pointMinutes: win.pointMinutes,
    x: win.x,
    xRange: base.xRange,
    uses: pick(base.uses, win.uses, toBase),
    sources: pick(base.sources, win.sources, toBase),
    prices: pick(base.prices, win.prices, 1),
    ...(soc ? { soc } : {}),
  };
}

/** Draws the power chart of `site` into `host`. `months` ("2023-07") fill the window picker. */
export async function powerPanel(scope: Scope, host: HTMLElement, runId: string, site: string, months: string[]): Promise<Mounted> {
  const overview = await api<PowerChartView>(`/runs/${runId}/charts/power`, { query: { site, maxPoints: 400 }, signal: scope.signal });
  const xMin = overview.xRange?.[0] ?? overview.x[0] ?? 0;
  const xMax = overview.xRange?.[1] ?? overview.x[overview.x.length - 1] ?? xMin;
  const stepMs = overview.window.stepMinutes * 60_000;
  const status = h('p', { class: 'chart-status', role: 'status', 'aria-live': 'polite' });
  const picker = select({ 'aria-label': 'Time window of the power chart', class: 'range-picker' }, [
    ['', 'Whole horizon'],
    ...months.map((m): [string, string] => {
      const [y, mo] = m.split('-').map(Number) as [number, number];
      return [`${Date.UTC(y, mo - 1, 1)}:${Date.UTC(y, mo, 1)}`, m];
    }),
  ]);
  const figure = h('figure', { class: 'power', 'data-site': site }, h('div', { class: 'chart-tools' }, h('label', null, 'Window ', picker), status));
  host.appendChild(figure);

  let shown: PowerFlowData = overview;
  let zoom = { start: 0, end: 100 };
  let seq = 0;
  const cache = new Map<string, Promise<PowerChartView>>();

  const describe = (d: PowerFlowData) => {
    figure.dataset.resolution = d.resolution;
    status.textContent = `Showing ${d.resolution}${d === overview && overview.pointMinutes > overview.window.stepMinutes ? '; zoom in (mouse wheel, drag, the slider or the window picker) for finer detail' : ''}.`;
  };
  const option = (k: Kit, d: PowerFlowData, width: number) => k.powerFlowOption(d, { interactive: true, width, axis: k.powerAxis(k.stackPeak(d)) });

  const m = await mountChart(scope, figure, {
    label: `Power flows of site ${site}: uses above zero, sources below, prices${overview.soc ? ' and state of charge' : ''} underneath`,
    height: (k) => k.powerChartHeight(overview, true),
    build: (width, k) => option(k, shown, width),
    after: (mm) => {
      if (zoom.start > 0 || zoom.end < 100) mm.chart.dispatchAction({ type: 'dataZoom', start: zoom.start, end: zoom.end });
    },
  });
  const draw = (d: PowerFlowData) => {
    const o = option(m.kit, d, m.width());
    m.chart.setOption({ title: o.title, yAxis: o.yAxis, series: o.series, tooltip: o.tooltip });
    shown = d;
    describe(d);
  };
  describe(overview);

  const windowData = (from: number, to: number): Promise<PowerChartView> => {
    const key = `${from}:${to}`;
    let p = cache.get(key);
    if (!p) {
      const iso = (s: number) => new Date(overview.window.startMs + s * stepMs).toISOString();
      p = api<PowerChartView>(`/runs/${runId}/charts/power`, { query: { site, from: iso(from), to: iso(to), maxPoints: WINDOW_POINTS }, signal: scope.signal });
      cache.set(key, p);
      p.catch(() => cache.delete(key));
      if (cache.size > 24) cache.delete(cache.keys().next().value!);
    }
    return p;
  };

  const update = async () => {
    const dz = (m.chart.getOption() as { dataZoom?: Array<{ start?: number; end?: number }> }).dataZoom?.[0];
    zoom = { start: dz?.start ?? 0, end: dz?.end ?? 100 };
    const a = xMin + (zoom.start / 100) * (xMax - xMin);
    const b = xMin + (zoom.end / 100) * (xMax - xMin);
    figure.dataset.visibleFrom = new Date(a).toISOString().slice(0, 16);
    figure.dataset.visibleTo = new Date(b).toISOString().slice(0, 16);
    const mine = ++seq;
    if ((b - a) / Math.max(1, xMax - xMin) > REFINE_BELOW || overview.pointMinutes <= overview.window.stepMinutes) {
      if (shown !== overview) draw(overview);
      return;
    }
    // the steps under the visible points, and up to one window-width either side, as long as
    // the whole stays short enough for the server to send finer than daily means
    const ia = floorIndex(overview.x, a);
    const ib = floorIndex(overview.x, b) + 1;
    const sA = overview.pointSteps[ia] ?? overview.window.fromStep;
    const sB = overview.pointSteps[ib] ?? overview.window.toStep;
    const span = Math.max(1, sB - sA);
    const finest = Math.floor((DAILY_AFTER_DAYS * 1440) / overview.window.stepMinutes);
    if (span > finest) {
      if (shown !== overview) draw(overview);
      return;
    }
    const margin = Math.min(span, Math.floor((finest - span) / 2));
    const from = Math.max(0, sA - margin);
    const to = Math.min(overview.window.steps, sB + margin);
    figure.setAttribute('aria-busy', 'true');
    try {
      const win = await windowData(from, to);
      if (mine !== seq || scope.ended) return;
      draw(alignWindow(overview, win));
    } finally {
      if (mine === seq) figure.removeAttribute('aria-busy');
    }
  };
  let pending = 0;
  m.chart.on('datazoom', () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => void update().catch((e: unknown) => {
      if (!scope.ended) console.error('wattshift dashboard: the zoomed window could not be loaded', e);
    }), 150);
  });
  scope.onEnd(() => window.clearTimeout(pending));
  picker.addEventListener('change', () => {
    const [from, to] = picker.value.split(':').map(Number);
    if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) m.chart.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
    else m.chart.dispatchAction({ type: 'dataZoom', startValue: Math.max(xMin, from), endValue: Math.min(xMax, to) });
  });
  return m;
}
