/** Shared pieces of the pages: headings, problem messages, tables with units, KPI cards, progress. */
import { ApiError } from './api.ts';
import { badge, h, type Child } from './dom.ts';
import { formatNumber, percent } from './format.ts';
import type { RunProblem, RunStatus } from './types.ts';

/** A problem (failed request or failed run) as an alert box: what happened, where, every error. */
export function problemBox(e: unknown, heading?: string): HTMLElement {
  let title = heading ?? 'Something went wrong';
  let detail = '';
  let code: string | undefined;
  let where = '';
  let errors: string[] = [];
  if (e instanceof ApiError) {
    const p = e.problem;
    title = heading ?? p.title ?? `HTTP ${p.status}`;
    detail = p.detail ?? '';
    code = p.code;
    const l = p.location;
    if (l) where = [l.file ? `${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}` : '', l.path ? `at ${l.path}` : ''].filter(Boolean).join(' ');
    errors = (p.errors ?? []).map((x) => (x.path ? `${x.path}: ${x.message}` : x.message)).filter((m) => m !== detail);
  } else if (isRunProblem(e)) {
    code = e.code;
    detail = e.message;
    const l = e.location;
    if (l) where = [l.file ? `${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}` : '', l.path ? `at ${l.path}` : ''].filter(Boolean).join(' ');
    errors = e.details ?? [];
  } else if (e instanceof Error) detail = e.message;
  else detail = String(e);
  return h(
    'div',
    { class: 'alert', role: 'alert' },
    h('strong', null, title),
    code ? h('code', { class: 'code' }, code) : null,
    detail ? h('p', null, detail) : null,
    where ? h('p', { class: 'where' }, 'Where: ', h('code', null, where)) : null,
    errors.length ? h('ul', null, errors.slice(0, 50).map((m) => h('li', null, m))) : null,
  );
}

function isRunProblem(e: unknown): e is RunProblem {
  return typeof e === 'object' && e !== null && typeof (e as RunProblem).code === 'string' && typeof (e as RunProblem).message === 'string';
}

/** A muted paragraph. */
export function note(...children: Child[]): HTMLParagraphElement {
  return h('p', { class: 'muted' }, ...children);
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A column of a data table: its label and unit (shown in the header), alignment and format. */
export interface Col<R> {
  label: string;
  unit?: string;
  num?: boolean;
  value: (row: R) => Child;
  /** Sort key (numeric columns sort by it when the header is clicked). */
  title?: (row: R) => string | undefined;
}

/** A table with units in its headers. */
export function table<R>(cols: Array<Col<R>>, rows: R[], o: { caption?: string; className?: string; rowAttrs?: (r: R) => Record<string, string> } = {}): HTMLElement {
  const head = h('tr', null, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label, c.unit ? h('span', { class: 'unit' }, ` (${c.unit})`) : null)));
  const body = rows.map((r) => h('tr', o.rowAttrs?.(r) ?? null, cols.map((c, i) => h(i === 0 ? 'th' : 'td', { class: c.num ? 'num' : null, scope: i === 0 ? 'row' : null, title: c.title?.(r) }, c.value(r)))));
  return h('div', { class: 'scroll' }, h('table', { class: `data ${o.className ?? ''}` }, o.caption ? h('caption', null, o.caption) : null, h('thead', null, head), h('tbody', null, body)));
}

/** A number for a table cell. */
export function num(v: number | null | undefined, decimals = 2, minDecimals = 0): string {
  return formatNumber(v, decimals, minDecimals);
}

/** A headline figure: value, unit and label. */
export function card(label: string, value: string, unit = '', extra?: Child): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value, unit ? h('span', { class: 'unit' }, ` ${unit}`) : null), extra ?? null);
}

/** A run's status as a badge. */
export function statusBadge(status: RunStatus | string): HTMLSpanElement {
  return badge(status, status);
}

/** A progress bar with its percentage and phase, updated in place by `set`. */
export function progressBar(label: string): { el: HTMLElement; set(fraction: number, phase: string | null, status?: string): void } {
  const bar = h('progress', { max: 1, value: 0, 'aria-label': label });
  const text = h('span', { class: 'progress-text' });
  const el = h('span', { class: 'progress' }, bar, text);
  return {
    el,
    set(fraction, phase, status) {
      const done = status === 'succeeded';
      const f = done ? 1 : Math.max(0, Math.min(1, fraction));
      bar.value = f;
      text.textContent = status && status !== 'running' && status !== 'queued' ? (done ? '100 %' : `${percent(f, 0)} %`) : `${percent(f, 0)} %${phase ? ` · ${phase}` : ''}`;
    },
  };
}

/** Options of a select: value and label. */
export function select(attrs: Record<string, string>, options: Array<[string, string]>, value?: string): HTMLSelectElement {
  const s = h('select', attrs, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
  if (value !== undefined) s.value = value;
  return s;
}

/** A label around a control with a hint below. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { id: hintId }, hint) : null);
}

/** A loading placeholder. */
export function loading(what = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, what);
}
