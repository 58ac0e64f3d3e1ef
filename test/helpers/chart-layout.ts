/**
 * Geometry of a laid-out ECharts option, for layout tests: the option is laid out by ECharts
 * itself (server-side, SVG renderer) and the boxes and axis labels read from its component
 * views. Uses ECharts' internal view API, which is stable across 5.x and 6.x.
 */
import * as echarts from 'echarts/core';
import '../../src/report/chart.ts';
import { BASE_OPTION, type ChartOption } from '../../src/report/charts/theme.ts';

/** A box in chart pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Group {
  getBoundingRect(): { clone(): Box & { applyTransform(m: unknown): void } };
  getLocalTransform(): unknown;
}
interface Internals {
  getModel(): { getComponent(main: string, index: number): unknown };
  getViewOfComponentModel(model: unknown): { group: Group } | undefined;
}
interface AxisModel {
  axis: { getViewLabels(): Array<{ formattedLabel: string }> };
}

function withChart<T>(option: ChartOption, width: number, height: number, read: (chart: Internals) => T): T {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...BASE_OPTION, ...option });
    return read(chart as unknown as Internals);
  } finally {
    chart.dispose();
  }
}

/** Boxes of the first title and each legend, as laid out. */
export function titleAndLegendBoxes(option: ChartOption, width: number, height: number): { title: Box; legends: Box[] } {
  return withChart(option, width, height, (c) => {
    const box = (main: string, i: number): Box | null => {
      const model = c.getModel().getComponent(main, i);
      const g = model ? c.getViewOfComponentModel(model)?.group : undefined;
      if (!g) return null;
      const r = g.getBoundingRect().clone();
      r.applyTransform(g.getLocalTransform());
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const legends: Box[] = [];
    for (let i = 0; ; i++) {
      const b = box('legend', i);
      if (!b) break;
      legends.push(b);
    }
    return { title: box('title', 0)!, legends };
  });
}

/** True when two boxes share more than a hairline (0.5 px). */
export function overlaps(a: Box, b: Box): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5;
}

/** True when two boxes share a horizontal band more than a hairline thick: they sit on one row. */
export function shareRow(a: Box, b: Box): boolean {
  return Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;
}

/** The tick labels ECharts draws on an axis ("yAxis", 0 …), formatted. */
export function axisLabels(option: ChartOption, width: number, height: number, main: 'xAxis' | 'yAxis', index = 0): string[] {
  return withChart(option, width, height, (c) => (c.getModel().getComponent(main, index) as AxisModel).axis.getViewLabels().map((l) => l.formattedLabel));
}
