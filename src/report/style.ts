/**
 * The report's stylesheet, inlined into the page so it opens offline. Tables use tabular
 * figures so digits line up; print styles keep sections together.
 */
import { FONT_FAMILY } from './charts/theme.ts';

/** CSS of the report page (also styles extra sections built with the helpers in html.ts). */
export const REPORT_CSS = `
:root { --ink: #1f2328; --muted: #5b6470; --line: #d8dde3; --band: #f5f7f9; --accent: #0072B2; --warn: #fff4d6; --bad: #fde2d9; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_FAMILY}; color: var(--ink); background: #fff; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 0 24px 64px; }
header.report { border-bottom: 3px solid var(--accent); padding: 24px 0 12px; margin-bottom: 16px; }
h1 { font-size: 1.7rem; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
h3 { font-size: 1.1rem; margin: 24px 0 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
p.generated, .muted { color: var(--muted); font-size: 0.85rem; }
nav.toc { background: var(--band); border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc ol ol { columns: 3 14em; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--band); text-align: left; border-bottom: 2px solid var(--line); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.data { font-size: 0.82rem; }
table.data th, table.data td { padding: 3px 7px; }
table.kpi th[scope=row] { font-weight: normal; text-align: left; min-width: 15em; }
table.kpi th[scope=row] span.note { display: block; }
table.kpi thead th { overflow-wrap: anywhere; }
table.kpi tr.group th { background: var(--band); font-weight: 600; padding-top: 8px; text-align: left; }
table.kpi tr.indent th[scope=row] { padding-left: 26px; color: var(--muted); }
td.unit, span.unit { color: var(--muted); white-space: nowrap; }
span.note { color: var(--muted); font-size: 0.8rem; }
tr.warn td { background: var(--warn); }
tr.bad td { background: var(--bad); }
.scroll { overflow-x: auto; max-width: 100%; }
figure.chart { margin: 12px 0 24px; }
svg.chart { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85rem; }
.chart-controls { display: none; flex-wrap: wrap; gap: 4px 16px; align-items: center; margin: 4px 0 6px; font-size: 0.85rem; color: var(--muted); }
.js .chart-controls { display: flex; }
.chart-controls select { font: inherit; color: var(--ink); padding: 2px 4px; max-width: 100%; }
.chart-live { width: 100%; }
figure.chart.live > svg.chart { display: none; }
.chart-tooltip table { margin: 0; font-size: 12px; }
.chart-tooltip th, .chart-tooltip td { border: 0; padding: 1px 4px; background: none; }
details { margin: 4px 0; }
details > summary { cursor: pointer; color: var(--accent); }
ul.notes li { margin: 2px 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 0.8rem; }
.badge.ok { background: #d9f2e6; color: #00583f; }
.badge.late { background: #D55E00; color: #fff; font-weight: 600; }
@media print {
  nav.toc, .chart-controls, .chart-live { display: none !important; }
  figure.chart.live > svg.chart { display: block; }
  section { break-inside: avoid-page; } details { display: block; }
}
`;
