/**
 * The HTML report: one self-contained page (inline CSS, SVG and script, no requests) with the
 * run's header, fleet and site key figures, power-flow, energy-flow and monthly charts, bills,
 * jobs and data notes, followed by any sections later stages add. Every chart is a static SVG
 * first (read with scripts off, printed, e-mailed); the inline script makes the site and
 * fleet charts interactive from the same option builders (src/report/charts).
 */
import type { SiteBill } from '../billing/bill.ts';
import type { SiteSummary, Summary } from '../metrics/summary.ts';
import type { Ledger, SiteLedger } from '../simulate/ledger.ts';
import { offsetMinutesAt, formatLocalIso } from '../time/zone.ts';
import { stepHours } from '../time/grid.ts';
import { svgChart } from './chart.ts';
import { drawMonthlyCharts, monthlyEnergyCostOption, monthlyPueOption, MONTHLY_CHART_SIZE } from './charts/monthly.ts';
import { energySankeyOption, SANKEY_CHART_SIZE } from './charts/sankey.ts';
import { reportClientScript } from './client-bundle.ts';
import type { PageChart } from './client/page-data.ts';
import { siteEnergyFlows } from './energy-flows.ts';
import { countScale, escapeHtml, formatNumber, formatPercent } from './format.ts';
import { anchorId, dataTable, details, kpiTable, section, textList, type Cell } from './html.ts';
import { liveFigure, powerFullResolution, rangePickerHtml } from './interactive.ts';
import { kpiRows } from './kpi-rows.ts';
import { monthlyEnergyData, monthlyPueData } from './monthly-charts.ts';
import { peakWeek, powerChart, siteFlows } from './power-chart.ts';
import { REPORT_CSS } from './style.ts';
import { wallClockMs } from './time-buckets.ts';

/** A section appended by a later stage (optimiser comparison, grid programs, finance). */
export interface ExtraSection {
  /** Anchor id (made safe and unique if needed). */
  id: string;
  /** Heading, shown as text. */
  title: string;
  /** Body, trusted HTML (build it with the helpers in this module). */
  html: string;
}

/** Everything the report is made from. */
export interface ReportInput {
  summary: Summary;
  ledger: Ledger;
  bills: SiteBill[];
  /** Time zone of `ledger.sites[i]`. */
  siteTimeZones: string[];
  extraSections?: ExtraSection[];
  /** Generation time shown in the header (default: now); fix it for reproducible output. */
  generatedAt?: Date | string;
  /**
   * Interactive charts (default true): the page inlines its chart script and each chart's
   * data. False gives a page without any script (static SVG charts only).
   */
  interactive?: boolean;
}

/** Sites shown as columns beside the fleet in the fleet key-figure table. */
const MAX_COMPARED_SITES = 6;

/** Corrections listed before the rest are only counted, so a noisy run stays readable. */
const MAX_LISTED_NOTES = 100;

/** Local time with offset, readable: "2023-07-14 19:00 (UTC−05:00)". */
function localStamp(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const s = formatLocalIso(ms, offsetMinutesAt(timeZone, ms));
  return `${s.slice(0, 10)} ${s.slice(11, 16)} (UTC${s.slice(19).replace('-', '−')})`;
}

function headerHtml(s: Summary, ledger: Ledger, generatedAt: string): string {
  const h = s.horizon;
  const rows: Array<[string, string]> = [
    ['Policy', escapeHtml(s.policy)],
    ['Horizon', `${escapeHtml(localStamp(h.start, h.timeZone))} → ${escapeHtml(localStamp(h.end, h.timeZone))}, ${escapeHtml(h.timeZone)}<br><span class="muted">${escapeHtml(h.start)} → ${escapeHtml(h.end)} UTC; ${formatNumber(h.steps, 0)} steps of ${formatNumber(h.stepMinutes, 0)} min</span>`],
    ['Sites', `${formatNumber(s.sites.length, 0)}`],
    ['Currency', escapeHtml(s.currency)],
  ];
  const balance = ledger.maxEnergyBalanceErrorKWh;
  return `<header class="report"><h1>${escapeHtml(s.scenario)}</h1>
<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<p class="generated">Generated ${escapeHtml(generatedAt)} by wattshift from the simulated ledger (${formatNumber(s.sites.length, 0)} sites × ${formatNumber(h.steps, 0)} steps; largest energy-balance error ${formatNumber(balance, 6)} kWh). Energy is power × step duration; PUE is computed from simulated energy, not assumed. Amounts are in ${escapeHtml(s.currency)}.</p></header>`;
}

function tocHtml(entries: Array<{ id: string; title: string; children?: Array<{ id: string; title: string }> }>): string {
  const li = (e: { id: string; title: string }) => `<a href="#${escapeHtml(e.id)}">${escapeHtml(e.title)}</a>`;
  return `<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${entries
    .map((e) => `<li>${li(e)}${e.children && e.children.length > 0 ? `<ol>${e.children.map((c) => `<li>${li(c)}</li>`).join('')}</ol>` : ''}</li>`)
    .join('')}</ol></nav>`;
}

function sitesAtAGlance(sites: SiteSummary[], currency: string): string {
  return `<div class="scroll">${dataTable(
    [
      { label: 'Site' }, { label: 'Time zone' },
      { label: 'Facility energy', unit: 'MWh', numeric: true, decimals: 1 },
      { label: 'PUE', numeric: true, decimals: 3 },
      { label: 'Direct green', unit: '%', numeric: true, decimals: 1 },
      { label: 'CO₂', unit: 't', numeric: true, decimals: 1 },
      { label: 'Electricity cost', unit: currency, numeric: true, decimals: 0 },
      { label: 'Peak import', unit: 'MW', numeric: true, decimals: 2 },
      { label: 'SLO attainment', unit: '%', numeric: true, decimals: 2 },
    ],
    sites.map((s, i) => [
      { html: `<a href="#site-${i + 1}">${escapeHtml(s.name || s.id)}</a>` }, s.timeZone, s.facilityEnergyMWh, s.pue,
      s.directGreenRatio * 100, s.co2Tonnes, s.energyCost, s.peakImportMW, s.sloAttainment * 100,
    ]),
    { caption: 'Sites at a glance' },
  )}</div>`;
}

function billHtml(bill: SiteBill | undefined, currency: string): string {
  if (!bill) return '<p class="muted">No bill was computed for this site.</p>';
  const byMonth = new Map<string, SiteBill['lines']>();
  for (const l of bill.lines) byMonth.set(l.month, [...(byMonth.get(l.month) ?? []), l]);
  const totals = dataTable(
    [{ label: 'Month' }, { label: 'Line items', numeric: true, decimals: 0 }, { label: 'Total', unit: currency, numeric: true, decimals: 2 }],
    [
      ...bill.months.map((m) => [m.month, byMonth.get(m.month)?.length ?? 0, m.total] as Cell[]),
      { cells: [{ html: '<strong>Horizon</strong>' }, bill.lines.length, { html: `<strong>${formatNumber(bill.total, 2, 2)}</strong>` }], className: 'total' },
    ],
    { caption: 'Monthly totals' },
  );
  const items = bill.months
    .map((m) => {
      const lines = byMonth.get(m.month) ?? [];
      const table = dataTable(
        [
          { label: 'Item' }, { label: 'Quantity', numeric: true, decimals: 3 }, { label: 'Unit' },
          { label: 'Rate', numeric: true, decimals: 4 }, { label: 'Rate unit' }, { label: 'Amount', unit: currency, numeric: true, decimals: 2 },
        ],
        lines.map((l) => [l.item, l.quantity, l.unit, l.rate, l.rateUnit.startsWith('per ') ? `${currency} ${l.rateUnit}` : l.rateUnit, l.amount]),
      );
      return details(`${m.month}: ${formatNumber(m.total, 2, 2)} ${currency} (${lines.length} line items)`, `<div class="scroll">${table}</div>`);
    })
    .join('\n');
  const pue = bill.puePeriods.length > 0
    ? `<p>PUE as billed: ${bill.puePeriods.map((p) => `${escapeHtml(p.period)} PUE ${formatNumber(p.pue, 3, 3)} (${escapeHtml(p.tier === 'none' ? 'no adjustment' : p.tier)})`).join('; ')}.</p>`
    : '';
  const certs = bill.certificatesMWh > 0 ? `<p>Green certificates bought: ${formatNumber(bill.certificatesMWh, 1)} MWh.</p>` : '';
  return `${totals}${pue}${certs}<h4>Line items</h4>${items}`;
}

function horizonDays(ledger: Ledger): number {
  return (ledger.grid.steps * ledger.grid.stepMinutes) / 1440;
}

/** "365 days", "6.5 hours". */
function horizonText(ledger: Ledger): string {
  const days = horizonDays(ledger);
  return days >= 2 ? `${formatNumber(days, 1)} days` : `${formatNumber(days * 24, 2)} hours`;
}

function siteSectionHtml(i: number, s: SiteSummary, L: SiteLedger | undefined, input: ReportInput): string {
  const { summary, ledger } = input;
  const interactive = input.interactive !== false;
  const grid = ledger.grid;
  const tz = input.siteTimeZones[i] ?? s.timeZone;
  const cur = summary.currency;
  const name = s.name || s.id;
  const parts: string[] = [];
  const live = (chart: PageChart) => (interactive ? chart : null);
  parts.push(`<p class="muted">Site id <code>${escapeHtml(s.id)}</code> · ${escapeHtml(tz)} · ${formatNumber(s.installedItMW, 2)} MW IT installed · design PUE ${formatNumber(s.designPue, 3)}</p>`);
  parts.push(kpiTable(kpiRows([s], cur), { caption: `Key figures: ${name}`, columns: [name], id: `kpi-site-${i + 1}` }));
  if (L) {
    const flows = siteFlows(L);
    const full = powerChart(L, grid, tz, { title: `${name}: power flows over the horizon`, currency: cur, flows });
    const week = peakWeek(L, grid, tz);
    const wall = wallClockMs(grid, tz);
    const stepMs = grid.stepMinutes * 60_000;
    const peak = week ? { label: `${week.firstDay} to ${week.lastDay.slice(5)}`, from: wall[week.from]!, to: wall[week.to - 1]! + stepMs } : null;
    const packed = interactive ? powerFullResolution(grid, tz, flows, full.data, `full-site-${i + 1}`) : null;
    parts.push(liveFigure(
      full.svg,
      `Power flows at ${name}, ${full.resolution}, local time ${tz}. Uses are stacked above zero, sources below; the two stacks are equal at every point (energy balance). Lower panel: import price, ${cur}/MWh.`,
      live({ kind: 'power', data: full.data, ...(packed ? { full: packed.full } : {}) }),
      { controlsHtml: rangePickerHtml(grid, tz, peak), blocksHtml: packed?.blockHtml ?? '' },
    ));
    if (week) {
      const zoom = powerChart(L, grid, tz, { title: `${name}: highest-demand week, ${week.firstDay} to ${week.lastDay}`, currency: cur, from: week.from, to: week.to });
      parts.push(liveFigure(zoom.svg, `The 7 local days with the most facility energy at ${name}, ${zoom.resolution}.`, live({ kind: 'power', data: zoom.data })));
    }
    const graph = siteEnergyFlows(L, { title: `${name}: energy flows over the horizon (${horizonText(ledger)})`, stepHours: stepHours(grid) });
    if (graph.links.length > 0) {
      const svg = svgChart(energySankeyOption(graph), SANKEY_CHART_SIZE.width, SANKEY_CHART_SIZE.height, `${name}: energy flows over the horizon, ${graph.unit}`);
      const storage = graph.nodes.some((n) => n.name === 'Storage charge' || n.name === 'Storage discharge') ? ' Storage discharge and charge are drawn apart; their difference is storage losses and the change of stored energy.' : '';
      parts.push(liveFigure(svg, `Energy over the horizon at ${name}, ${graph.unit}: sources on the left, through the site bus and the facility to its uses on the right. Every inner node passes on what it receives (the ledger's energy balance).${storage}`, live({ kind: 'sankey', data: graph })));
    }
  } else {
    parts.push('<p class="muted">The ledger has no flows for this site.</p>');
  }
  if (s.months.length > 0 && drawMonthlyCharts(horizonDays(ledger))) {
    const target = s.greenTarget ?? null;
    const data = monthlyPueData(s.months, s.designPue, `${name}: monthly PUE and direct green ratio`, target);
    const svg = svgChart(monthlyPueOption(data), MONTHLY_CHART_SIZE.width, MONTHLY_CHART_SIZE.height, `${name}: monthly PUE and direct green ratio`);
    parts.push(liveFigure(svg, `Monthly PUE (bars start at 1.0; dashed line: design PUE) and direct green ratio (line${target !== null ? `; dotted: the site's direct-green target of ${formatNumber(target * 100, 0)} %` : ''}) at ${name}.`, live({ kind: 'monthly-pue', data })));
  }
  parts.push(`<h3>Electricity bill</h3>${billHtml(input.bills.find((b) => b.site === s.id), cur)}`);
  return section(`site-${i + 1}`, `Site: ${name}`, parts.join('\n'));
}

function jobsHtml(s: Summary): string {
  if (s.jobs.length === 0) return '<p class="muted">No workloads.</p>';
  const tok = countScale(Math.max(0, ...s.jobs.map((j) => Math.max(Math.abs(j.tokens), Math.abs(j.unservedTokens)))));
  const tokUnit = tok.word ? `${tok.word} tokens` : 'tokens';
  const rows = s.jobs.map((j) => {
    const inference = j.type === 'inference';
    const belowFloor = j.qosFloor !== null && j.performance < j.qosFloor - 1e-9;
    return {
      cells: [
        j.id, j.type,
        inference ? null : j.requiredGpuHours, j.doneGpuHours, inference ? null : j.remainingGpuHours,
        j.performance * 100, j.qosFloor === null ? null : j.qosFloor * 100,
        { html: j.late ? '<span class="badge late">late</span>' : inference ? '—' : '<span class="badge ok">on time</span>' },
        j.finishedAtLocal ? localStamp(j.finishedAtLocal, s.horizon.timeZone) : j.finishedAt ?? (inference ? null : 'not finished'),
        j.tokens / tok.factor, inference ? j.unservedTokens / tok.factor : null,
      ] as Cell[],
      className: j.late || belowFloor ? 'bad' : undefined,
    };
  });
  const qos = s.qos ? `<p>Weighted QoS of jobs with a floor: <strong>${formatPercent(s.qos.weighted, 1)}</strong> (${s.qos.jobs.length} jobs). Performance is the average throughput fraction from release to finish; inference performance is the served share of demand.</p>` : '';
  const table = dataTable(
    [
      { label: 'Workload' }, { label: 'Type' },
      { label: 'Required', unit: 'GPU-h', numeric: true, decimals: 1 }, { label: 'Done', unit: 'GPU-h', numeric: true, decimals: 1 }, { label: 'Remaining', unit: 'GPU-h', numeric: true, decimals: 1 },
      { label: 'Performance', unit: '%', numeric: true, decimals: 1 }, { label: 'QoS floor', unit: '%', numeric: true, decimals: 0 },
      { label: 'Deadline met' }, { label: 'Finished', unit: s.horizon.timeZone },
      { label: 'Tokens', unit: tokUnit, numeric: true, decimals: tok.factor > 1 ? 2 : 0 }, { label: 'Unserved', unit: tokUnit, numeric: true, decimals: tok.factor > 1 ? 2 : 0 },
    ],
    rows,
  );
  return `${qos}<div class="scroll">${table}</div>`;
}

/** Identical notes counted once ("… (× 12)"), the first MAX_LISTED_NOTES listed. */
function countedNotes(notes: string[]): string[] {
  const counts = new Map<string, number>();
  for (const n of notes) counts.set(n, (counts.get(n) ?? 0) + 1);
  const out = [...counts].map(([n, c]) => (c > 1 ? `${n} (× ${c})` : n));
  if (out.length > MAX_LISTED_NOTES) return [...out.slice(0, MAX_LISTED_NOTES), `… and ${out.length - MAX_LISTED_NOTES} more distinct notes`];
  return out;
}

function notesHtml(s: Summary): string {
  const parts: string[] = [];
  parts.push(`<h3>Warnings</h3>${textList(countedNotes(s.warnings), 'No warnings.').replace('<ul>', '<ul class="notes">')}`);
  parts.push(`<h3>Corrections by the simulator</h3>${textList(countedNotes(s.checks.corrections), 'The simulator corrected nothing.').replace('<ul>', '<ul class="notes">')}`);
  const e = s.checks.maxEnergyBalanceErrorKWh;
  parts.push(`<p>Largest energy-balance error over all sites and steps: <strong>${formatNumber(e, 6)} kWh</strong>${e > 1e-3 ? ' — larger than 0.001 kWh; check the corrections above.' : ' (balanced).'}</p>`);
  const series = s.series;
  if (series.length === 0) {
    parts.push('<h3>Input series alignment</h3><p class="muted">No input series were aligned.</p>');
  } else {
    const issue = (r: Summary['series'][number]) => r.gapSteps > 0 || r.duplicates > 0 || r.missingCells > 0 || r.nonexistentLocalTimes > 0 || (r.shiftDropped ?? 0) > 0;
    const withGaps = series.filter((r) => r.gapSteps > 0);
    const withDup = series.filter((r) => r.duplicates > 0);
    const lines = [
      `${series.length} series aligned to the grid; ${series.length - series.filter(issue).length} needed no repair.`,
      `${withGaps.length} had gaps: ${formatNumber(withGaps.reduce((a, r) => a + r.gapSteps, 0), 0)} steps filled in total.`,
      `${withDup.length} had duplicate timestamps (the later value wins): ${formatNumber(withDup.reduce((a, r) => a + r.duplicates, 0), 0)} in total.`,
      'Dropped: local times skipped by a DST change, and Feb 29 rows dropped by a year shift.',
    ];
    const table = dataTable(
      [
        { label: 'Series' }, { label: 'Source' }, { label: 'Unit' },
        { label: 'Samples', numeric: true, decimals: 0 }, { label: 'In horizon', numeric: true, decimals: 0 }, { label: 'Step', unit: 'min', numeric: true, decimals: 0 },
        { label: 'Duplicates', numeric: true, decimals: 0 }, { label: 'Missing cells', numeric: true, decimals: 0 }, { label: 'Dropped', numeric: true, decimals: 0 },
        { label: 'Gap steps filled', numeric: true, decimals: 0 }, { label: 'Longest gap', unit: 'steps', numeric: true, decimals: 0 },
        { label: 'Fill / resample' },
      ],
      series.map((r) => ({
        cells: [r.name, r.file && !r.source.includes(r.file) ? `${r.source} (${r.file})` : r.source, r.unitFrom === r.unitTo ? r.unitTo : `${r.unitFrom} → ${r.unitTo}`, r.samples, r.samplesInHorizon, r.sourceStepMinutes, r.duplicates, r.missingCells, r.nonexistentLocalTimes + (r.shiftDropped ?? 0), r.gapSteps, r.longestGapSteps, `${r.fill}${(r.heldAtStartSteps ?? 0) + (r.heldAtEndSteps ?? 0) > 0 ? ' (edges held)' : ''} / ${r.resample}`],
        className: issue(r) ? 'warn' : undefined,
      })),
    );
    const body = `<div class="scroll">${table}</div>`;
    parts.push(`<h3>Input series alignment</h3>${textList(lines)}${series.length > 40 ? details(`Alignment of all ${series.length} series`, body) : body}`);
  }
  return parts.join('\n');
}

function fleetMonthlyHtml(input: ReportInput): string {
  const { summary, ledger } = input;
  const days = horizonDays(ledger);
  if (summary.fleet.months.length === 0) return '';
  if (!drawMonthlyCharts(days)) return `<p class="muted">Month-by-month charts are drawn for horizons of a month or longer; this one is ${horizonText(ledger)} (the key figures above cover it).</p>`;
  const data = monthlyEnergyData(summary.fleet.months, summary.currency, 'Fleet: monthly energy and electricity cost');
  const svg = svgChart(monthlyEnergyCostOption(data), MONTHLY_CHART_SIZE.width, MONTHLY_CHART_SIZE.height, `${data.title}: monthly energy and electricity cost`);
  return liveFigure(svg, `Months in the horizon time zone (${summary.horizon.timeZone}).`, input.interactive !== false ? { kind: 'monthly-energy', data } : null);
}

/** Renders the whole report as one self-contained HTML page. */
export function renderReportHtml(input: ReportInput): string {
  const { summary, ledger } = input;
  const generatedAt = input.generatedAt === undefined ? new Date().toISOString() : typeof input.generatedAt === 'string' ? input.generatedAt : input.generatedAt.toISOString();
  const cur = summary.currency;
  const byId = new Map(ledger.sites.map((L) => [L.id, L]));
  const siteLedger = (s: SiteSummary, i: number) => byId.get(s.id) ?? (ledger.sites[i]?.id === s.id ? ledger.sites[i] : undefined);

  const sections: Array<{ id: string; title: string; html: string; children?: Array<{ id: string; title: string }> }> = [];
  // a few sites fit beside the fleet column; larger fleets get a one-row-per-site table instead
  const compare = summary.sites.length > 1 && summary.sites.length <= MAX_COMPARED_SITES;
  const fleetColumns = compare ? ['Fleet', ...summary.sites.map((s) => s.id)] : ['Fleet'];
  const fleetParts = [
    `<div class="scroll">${kpiTable(kpiRows(compare ? [summary.fleet, ...summary.sites] : [summary.fleet], cur), { caption: compare ? 'Key figures: fleet and sites' : 'Key figures: fleet', columns: fleetColumns, id: 'kpi-fleet' })}</div>`,
    summary.sites.length > MAX_COMPARED_SITES ? sitesAtAGlance(summary.sites, cur) : '',
    fleetMonthlyHtml(input),
  ];
  sections.push({ id: 'fleet', title: 'Fleet overview', html: fleetParts.join('\n') });
  const siteEntries = summary.sites.map((s, i) => ({ id: `site-${i + 1}`, title: s.name || s.id }));
  const siteHtml = summary.sites.map((s, i) => siteSectionHtml(i, s, siteLedger(s, i), input)).join('\n');
  sections.push({ id: 'sites', title: 'Sites', html: siteHtml, children: siteEntries });
  sections.push({ id: 'jobs', title: 'Workloads and jobs', html: jobsHtml(summary) });
  sections.push({ id: 'notes', title: 'Warnings, corrections and data notes', html: notesHtml(summary) });

  const used = new Set(['fleet', 'sites', 'jobs', 'notes', ...siteEntries.map((e) => e.id), ...summary.sites.map((_, i) => `kpi-site-${i + 1}`), 'kpi-fleet']);
  for (const x of input.extraSections ?? []) {
    let id = anchorId(x.id);
    if (used.has(id)) {
      let k = 2;
      while (used.has(`${id}-${k}`)) k++;
      id = `${id}-${k}`;
    }
    used.add(id);
    sections.push({ id, title: x.title, html: x.html });
  }

  const body = sections
    .map((s) => (s.id === 'sites' ? `<div id="sites">${s.html}</div>` : section(s.id, s.title, s.html)))
    .join('\n');
  // the one inline script is allowed by its hash; the data blocks are not scripts
  const client = input.interactive !== false ? reportClientScript() : null;
  const scriptSrc = client ? `; script-src ${client.cspHash}` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:${scriptSrc}">
<meta name="generator" content="wattshift">
<title>${escapeHtml(summary.scenario)} · ${escapeHtml(summary.policy)} · wattshift report</title>
<style>${REPORT_CSS}</style></head>
<body><main>
${headerHtml(summary, ledger, generatedAt)}
${tocHtml(sections)}
${body}
</main>${client ? `<script>${client.code}</script>` : ''}</body></html>
`;
}
