/**
 * Server side of the page's interactive charts: each figure keeps its static SVG (read with
 * scripts off, printed, e-mailed) and carries its chart data as a JSON block the page script
 * draws from; power charts also carry their flows at full resolution and a month/week picker.
 */
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import type { PowerFlowData } from './charts/power-flow.ts';
import type { PageChart, PowerFullResolution } from './client/page-data.ts';
import { escapeHtml } from './format.ts';
import { packSeries, wallClockAxis } from './full-resolution.ts';
import type { SiteFlows } from './power-chart.ts';
import { wallClockMs } from './time-buckets.ts';

const JSON_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON that is safe as the text of an HTML <script> element: "<", ">" and "&" are written as
 * \u escapes, so no string (a site named "</script>…") can end the element or open a comment.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => JSON_ESCAPES[c]!);
}

/** A chart figure: static SVG, caption, and (when `chart` is given) the data the page script draws it from. */
export function liveFigure(svg: string, caption: string, chart: PageChart | null, o: { controlsHtml?: string; blocksHtml?: string; noteHtml?: string } = {}): string {
  const data = chart ? `<script type="application/json">${scriptJson(chart)}</script>` : '';
  const attr = chart ? ` data-chart="${escapeHtml(chart.kind)}"` : '';
  return `<figure class="chart"${attr}>${chart ? (o.controlsHtml ?? '') : ''}${svg}<figcaption>${escapeHtml(caption)}${o.noteHtml ? ` <span class="note">${o.noteHtml}</span>` : ''}</figcaption>${data}${chart ? (o.blocksHtml ?? '') : ''}</figure>`;
}

/** A choice of the range picker: a label and a wall-clock range (ms, as UTC). */
export interface RangeChoice {
  label: string;
  from: number;
  to: number;
}

/** The local months and Monday-to-Sunday weeks of the grid in a time zone, as wall-clock ranges. */
export function rangeChoices(grid: TimeGrid, timeZone: string): { months: RangeChoice[]; weeks: RangeChoice[] } {
  const cal = calendarOf(grid, timeZone);
  const wall = wallClockMs(grid, timeZone);
  const stepMs = grid.stepMinutes * 60_000;
  const months: RangeChoice[] = [];
  const weeks: RangeChoice[] = [];
  const monthName = (key: string) => new Date(`${key}-01T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  let weekStart = -1;
  let weekFirstDay = '';
  for (let t = 0; t < grid.steps; t++) {
    const m = cal.monthIndex[t]!;
    if (t === 0 || m !== cal.monthIndex[t - 1]) months.push({ label: monthName(cal.monthKeys[m]!), from: wall[t]!, to: wall[t]! + stepMs });
    months[months.length - 1]!.to = wall[t]! + stepMs;
    const newDay = t === 0 || cal.dayIndex[t] !== cal.dayIndex[t - 1];
    if (newDay && (t === 0 || cal.weekday[t] === 1)) {
      weekStart = t;
      weekFirstDay = cal.dayKeys[cal.dayIndex[t]!]!;
      weeks.push({ label: weekFirstDay, from: wall[t]!, to: wall[t]! + stepMs });
    }
    if (weekStart >= 0) {
      const w = weeks[weeks.length - 1]!;
      w.to = wall[t]! + stepMs;
      const last = cal.dayKeys[cal.dayIndex[t]!]!;
      w.label = last === weekFirstDay ? weekFirstDay : `${weekFirstDay} to ${last.slice(5)}`;
    }
  }
  // weeks cut by the horizon say so
  for (const w of weeks) if (w.to - w.from < 7 * 86_400_000 - stepMs) w.label += ' (part)';
  for (const m of months) if (m.to - m.from < 28 * 86_400_000) m.label += ' (part)';
  return { months, weeks };
}

/** Horizons up to this many days are shown whole; longer ones get the month/week picker. */
export const PICKER_AFTER_DAYS = 8;

/** The picker above a power chart: whole horizon, highest-demand week, each month and week. */
export function rangePickerHtml(grid: TimeGrid, timeZone: string, peak: RangeChoice | null): string {
  const { months, weeks } = rangeChoices(grid, timeZone);
  const option = (c: RangeChoice) => `<option value="${c.from}:${c.to}">${escapeHtml(c.label)}</option>`;
  const picker = grid.steps * grid.stepMinutes > PICKER_AFTER_DAYS * 1440
    ? `<label>Show <select class="range-picker" aria-label="Time range of the chart"><option value="">Whole horizon</option>${peak ? option({ ...peak, label: `Highest-demand week (${peak.label})` }) : ''}<optgroup label="Months (local time)">${months.map(option).join('')}</optgroup><optgroup label="Weeks, Monday to Sunday (local time)">${weeks.map(option).join('')}</optgroup></select></label>`
    : '';
  return `<div class="chart-controls">${picker}<span class="chart-status" aria-live="polite"></span></div>`;
}

/** The site's flows at full resolution, packed, with the block holding them; null when the overview already shows every step. */
export function powerFullResolution(grid: TimeGrid, timeZone: string, flows: SiteFlows, overview: PowerFlowData, blockId: string): { full: PowerFullResolution; blockHtml: string } | null {
  if (overview.x.length >= grid.steps) return null;
  const factor = overview.unit === 'MW' ? 0.001 : 1;
  const series = [...flows.uses.map((f) => f.kw), ...flows.sources.map((f) => f.kw), ...flows.prices.map((f) => f.kw)];
  const packed = packSeries(series, 0, grid.steps, blockId);
  const full: PowerFullResolution = {
    series: packed.meta,
    axis: wallClockAxis(grid, timeZone),
    factors: [...flows.uses.map(() => factor), ...flows.sources.map(() => factor), ...flows.prices.map(() => 1)],
    resolution: grid.stepMinutes === 60 ? 'hourly values' : `${grid.stepMinutes}-minute values`,
  };
  return { full, blockHtml: `<script type="text/plain" id="${escapeHtml(blockId)}">${packed.base64}</script>` };
}
