/**
 * Small HTML building blocks with one look: key-figure tables, data tables, sections and
 * collapsible blocks. Every piece of text goes through `escapeHtml`; only arguments named
 * `…Html` are trusted markup.
 */
import { escapeHtml, formatNumber } from './format.ts';

/** A table cell: text is escaped; numbers are formatted with the column's decimals; null shows "—". */
export type Cell = string | number | null | { html: string } | { value: number | null; decimals?: number; text?: string };

/** One row of a key-figure table, or a group heading. */
export type KpiRow =
  | { group: string }
  | {
      label: string;
      /** One value, or one per column when the table has several value columns. */
      value: Cell | Cell[];
      unit?: string;
      /** Fraction digits for numeric values (default 2). */
      decimals?: number;
      /** Stable key, written as `data-kpi`, so scripts and tests can find the row. */
      key?: string;
      /** Shown indented under the previous row (parts of a total). */
      indent?: boolean;
      /** Short explanation, shown in a smaller font. */
      note?: string;
    };

/** Renders a cell to HTML; numbers get exactly `decimals` fraction digits so columns line up. */
export function cellHtml(cell: Cell, decimals = 2): string {
  if (cell === null) return '—';
  if (typeof cell === 'number') return formatNumber(cell, decimals, decimals);
  if (typeof cell === 'string') return escapeHtml(cell);
  if ('html' in cell) return cell.html;
  const d = cell.decimals ?? decimals;
  return cell.text !== undefined ? escapeHtml(cell.text) : formatNumber(cell.value, d, d);
}

function isNumeric(cell: Cell): boolean {
  return typeof cell === 'number' || cell === null || (typeof cell === 'object' && 'value' in cell);
}

/**
 * A key-figure table: label, value(s), unit. With `columns` it compares several subjects
 * (for example fleet and sites) side by side.
 */
export function kpiTable(rows: KpiRow[], opts: { caption?: string; columns?: string[]; id?: string } = {}): string {
  const columns = opts.columns ?? ['Value'];
  const head = `<thead><tr><th scope="col">Figure</th>${columns.map((c) => `<th scope="col" class="num">${escapeHtml(c)}</th>`).join('')}<th scope="col">Unit</th></tr></thead>`;
  const body = rows
    .map((r) => {
      if ('group' in r) return `<tr class="group"><th scope="rowgroup" colspan="${columns.length + 2}">${escapeHtml(r.group)}</th></tr>`;
      const values = Array.isArray(r.value) ? r.value : [r.value];
      const cells = columns.map((_, i) => {
        const v = values[i] ?? null;
        return `<td class="${isNumeric(v) ? 'num' : 'text'}">${cellHtml(v, r.decimals ?? 2)}</td>`;
      });
      const key = r.key ? ` data-kpi="${escapeHtml(r.key)}"` : '';
      const note = r.note ? ` <span class="note">${escapeHtml(r.note)}</span>` : '';
      return `<tr${key}${r.indent ? ' class="indent"' : ''}><th scope="row">${escapeHtml(r.label)}${note}</th>${cells.join('')}<td class="unit">${escapeHtml(r.unit ?? '')}</td></tr>`;
    })
    .join('\n');
  const id = opts.id ? ` id="${escapeHtml(opts.id)}"` : '';
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="kpi"${id}>${caption}${head}<tbody>\n${body}\n</tbody></table>`;
}

/** A column of a data table: heading (with unit), alignment and number format. */
export interface Column {
  label: string;
  unit?: string;
  /** Right-aligned with tabular figures; the default for numeric cells. */
  numeric?: boolean;
  decimals?: number;
}

/** A plain data table with a header row; rows may carry a CSS class (e.g. "warn"). */
export function dataTable(columns: Column[], rows: Array<Cell[] | { cells: Cell[]; className?: string }>, opts: { caption?: string; className?: string } = {}): string {
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.label)}${c.unit ? ` <span class="unit">(${escapeHtml(c.unit)})</span>` : ''}</th>`)
    .join('');
  const body = rows
    .map((row) => {
      const { cells, className } = Array.isArray(row) ? { cells: row, className: undefined } : row;
      const tds = columns.map((c, i) => {
        const v = cells[i] ?? null;
        const numeric = c.numeric ?? isNumeric(v);
        return `<td${numeric ? ' class="num"' : ''}>${cellHtml(v, c.decimals ?? 2)}</td>`;
      });
      return `<tr${className ? ` class="${escapeHtml(className)}"` : ''}>${tds.join('')}</tr>`;
    })
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="${escapeHtml(opts.className ?? 'data')}">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A collapsible block: the summary is escaped text, the body trusted HTML. */
export function details(summary: string, bodyHtml: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>${bodyHtml}</details>`;
}

/** A page section with an anchor id, a heading (escaped) and trusted HTML content. */
export function section(id: string, title: string, bodyHtml: string, level: 2 | 3 = 2): string {
  return `<section id="${escapeHtml(id)}"><h${level}>${escapeHtml(title)}</h${level}>\n${bodyHtml}\n</section>`;
}

/** A bulleted list of escaped text items; an empty list renders `emptyText`. */
export function textList(items: string[], emptyText = 'None.'): string {
  if (items.length === 0) return `<p class="muted">${escapeHtml(emptyText)}</p>`;
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** A safe anchor id from any text: letters, digits, "-" and "_" only, never empty. */
export function anchorId(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[A-Za-z]/.test(id) ? id : `s-${id || 'section'}`;
}
