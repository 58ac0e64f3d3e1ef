/**
 * Charts on dashboard pages: loads the chart chunk on first use, draws an option builder's
 * option at the width of its container, redraws it when the container's width changes, and
 * disposes of it when the page is left. Each chart is a canvas with role="img" and a label.
 */
import type { ECharts } from 'echarts/core';
import type { ChartOption } from '../../src/report/charts/theme.ts';
import type * as ChartKit from './chart-kit.ts';
import { h } from './dom.ts';
import type { Scope } from './page.ts';

/** The chart chunk. */
export type Kit = typeof ChartKit;

let kit: Promise<Kit> | null = null;

/** Loads the chart chunk (once). */
export function loadKit(): Promise<Kit> {
  kit ??= import('./chart-kit.ts');
  return kit;
}

/** Narrowest and widest chart drawn, px. */
const MIN_WIDTH = 420;
const MAX_WIDTH = 1600;

/** A chart on a page. */
export interface Mounted {
  chart: ECharts;
  el: HTMLDivElement;
  kit: Kit;
  /** Current width, px. */
  width(): number;
  /** Redraws with the builder (after the data changed). */
  redraw(): void;
}

/** What to draw. */
export interface ChartSpec {
  /** Text for screen readers (the chart is an image to them). */
  label: string;
  height: number | ((kit: Kit) => number);
  build: (width: number, kit: Kit) => ChartOption;
  /** Called after each (re)draw with the new width (e.g. to keep a zoom). */
  after?: (m: Mounted) => void;
}

function widthOf(el: HTMLElement): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(el.clientWidth || 960)));
}

/** Draws a chart into `host` (appended), kept until the page is left. */
export async function mountChart(scope: Scope, host: HTMLElement, spec: ChartSpec): Promise<Mounted> {
  const k = await loadKit();
  const height = typeof spec.height === 'function' ? spec.height(k) : spec.height;
  const el = h('div', { class: 'chart', role: 'img', 'aria-label': spec.label });
  el.style.height = `${height}px`;
  host.appendChild(el);
  let width = widthOf(host);
  const chart = k.echarts.init(el, null, { renderer: 'canvas', width, height });
  const m: Mounted = {
    chart,
    el,
    kit: k,
    width: () => width,
    redraw: () => {
      chart.setOption({ ...k.BASE_OPTION, ...spec.build(width, k) }, { notMerge: true });
      spec.after?.(m);
    },
  };
  m.redraw();
  let pending = 0;
  const ro = new ResizeObserver(() => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => {
      const w = widthOf(host);
      if (Math.abs(w - width) < 4 || chart.isDisposed()) return;
      width = w;
      chart.resize({ width: w, height });
      m.redraw();
    }, 120);
  });
  ro.observe(host);
  scope.onEnd(() => {
    window.clearTimeout(pending);
    ro.disconnect();
    chart.dispose();
  });
  return m;
}
