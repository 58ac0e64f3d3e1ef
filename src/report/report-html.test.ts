import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeFleet } from '../../test/browser/fixtures.ts';
import type { PageChart } from './client/page-data.ts';
import { dataTable, escapeHtml, kpiTable, renderReportHtml, section, svgChart } from './index.ts';

const GENERATED = '2024-01-01T00:00:00Z';

function svgs(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** The page without its script elements (the inline chart script and the data blocks). */
function withoutScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
}

/** The chart data blocks of the page, parsed. */
function chartBlocks(html: string): PageChart[] {
  return [...html.matchAll(/<script type="application\/json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as PageChart);
}

describe('renderReportHtml', () => {
  const fleet = makeFleet({ scenario: 'Heat wave <script>alert("x")</script> & friends' });
  fleet.summary.sites[0]!.name = 'Plant <img src=x onerror=alert(1)>';
  fleet.summary.warnings.push('series "<b>price</b>" shifted');
  const html = renderReportHtml({ ...fleet, generatedAt: GENERATED });

  it('is one self-contained page: one inline script allowed by its hash, data blocks, no external references', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const tags = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    // every script element but one is a data block the browser never runs
    expect(tags.filter((t) => t === '')).toHaveLength(1);
    for (const t of tags.filter((t) => t !== '')) expect(t).toMatch(/^type="(application\/json|text\/plain)"( id="[\w-]+")?$/);
    const code = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(code, 'utf8').digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/\ssrc\s*=\s*["']/i);
    expect(html).not.toMatch(/<link\b/i);
    for (const [, href] of withoutScripts(html).matchAll(/\shref="([^"]*)"/g)) expect(href!.startsWith('#')).toBe(true);
    expect(html).toContain('<style>');
  });

  it('has no script at all when rendered static', () => {
    const h = renderReportHtml({ ...fleet, generatedAt: GENERATED, interactive: false });
    expect(h).not.toMatch(/<script/i);
    expect(h).not.toContain('script-src');
    expect(svgs(h).length).toBe(svgs(html).length);
  });

  it('escapes user strings in text, charts and chart data', () => {
    expect(html).toContain('Heat wave &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends');
    expect(withoutScripts(html)).not.toContain('<img');
    expect(html).toContain('Plant &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<b>price</b>');
    // in the JSON blocks the name survives as data, with no "<" that could end the element
    const blocks = [...html.matchAll(/<script type="application\/json">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    for (const b of blocks) expect(b).not.toMatch(/[<>&]/);
    expect(chartBlocks(html).some((c) => c.data.title.startsWith('Plant <img src=x onerror=alert(1)>'))).toBe(true);
  });

  it('keeps a "</script>" in a workload id inside its data block', () => {
    const f = makeFleet({ days: 3, sites: 1 });
    f.ledger.sites[0]!.workloads[0]!.id = 'evil</script><script>alert(1)</script>';
    const h = renderReportHtml({ ...f, generatedAt: GENERATED });
    expect(h.match(/<script\b/g)!.length).toBe(h.match(/<\/script>/g)!.length);
    const power = chartBlocks(h).find((c) => c.kind === 'power')!;
    expect(power.kind === 'power' && power.data.uses.map((u) => u.name)).toContain('IT · evil</script><script>alert(1)</script>');
  });

  it('has a fleet KPI table and one per site, with units', () => {
    expect(html).toContain('id="kpi-fleet"');
    for (let i = 1; i <= fleet.summary.sites.length; i++) expect(html).toContain(`id="kpi-site-${i}"`);
    expect((html.match(/<table class="kpi"/g) ?? []).length).toBe(1 + fleet.summary.sites.length);
    expect(html).toMatch(/data-kpi="pue"[^]*?<td class="num">1\.\d{3}<\/td><td class="unit">—<\/td>/);
    expect(html).toMatch(/data-kpi="facilityEnergyMWh"[^]*?<td class="unit">MWh<\/td>/);
    expect(html).toMatch(/data-kpi="energyCost"[^]*?<td class="unit">USD<\/td>/);
  });

  it('draws a power chart and an energy-flow chart per site, and no monthly charts for a week', () => {
    const n = fleet.summary.sites.length;
    expect(svgs(html).length).toBe(2 * n);
    for (const s of svgs(html)) expect(s).toMatch(/^<svg class="chart" role="img" aria-label="[^"]+" width="\d+" height="\d+"/);
    expect(chartBlocks(html).map((c) => c.kind)).toEqual(['power', 'sankey', 'power', 'sankey']);
    expect(html).toContain('Month-by-month charts are drawn for horizons of a month or longer; this one is 7 days');
    expect(html).not.toContain('monthly PUE');
  });

  it('adds the highest-demand week for longer horizons, and monthly charts from a month on', () => {
    const f = makeFleet({ days: 21 });
    const h = renderReportHtml({ ...f, generatedAt: GENERATED });
    expect(svgs(h).length).toBe(3 * f.summary.sites.length);
    expect(h).toContain('highest-demand week');
    const m = makeFleet({ days: 28, sites: 1 });
    const hm = renderReportHtml({ ...m, generatedAt: GENERATED });
    expect(chartBlocks(hm).map((c) => c.kind)).toEqual(['monthly-energy', 'power', 'power', 'sankey', 'monthly-pue']);
  });

  it('offers a month and week picker on long power charts, with full-resolution data when the overview averages', () => {
    const f = makeFleet({ days: 21, sites: 1 });
    const h = renderReportHtml({ ...f, generatedAt: GENERATED });
    expect(h).toContain('<select class="range-picker"');
    expect(h).toContain('Highest-demand week (');
    expect(h).toMatch(/<optgroup label="Months \(local time\)"><option value="\d+:\d+">July 2023 \(part\)<\/option>/);
    const power = chartBlocks(h)[0]!;
    expect(power.kind).toBe('power');
    if (power.kind !== 'power') return;
    expect(power.data.resolution).toBe('2-hour means');
    expect(power.full?.resolution).toBe('hourly values');
    expect(power.full?.series.steps).toBe(21 * 24);
    expect(h).toContain(`<script type="text/plain" id="${power.full!.series.blockId}">`);
  });

  it('contains no NaN, undefined, Infinity or [object Object] text', () => {
    expect(withoutScripts(html)).not.toMatch(/NaN|undefined|Infinity|\[object /);
    for (const c of chartBlocks(html)) expect(JSON.stringify(c)).not.toMatch(/NaN|undefined|Infinity|\[object |null/);
  });

  it('writes well-formed attributes (no stray quotes inside SVG style attributes)', () => {
    const page = withoutScripts(html);
    for (const [, style] of page.matchAll(/\sstyle="([^"]*)"/g)) expect(style).not.toMatch(/[<>]/);
    expect(page).not.toMatch(/style="[^"]*"[A-Za-z]/);
  });

  it('uses each element id once', () => {
    const ids = [...html.replace(/<script>[\s\S]*?<\/script>/g, '').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has bills with collapsible line items, jobs, and data notes', () => {
    expect((html.match(/<details>/g) ?? []).length).toBeGreaterThanOrEqual(fleet.summary.sites.length);
    expect(html).toContain('energy, spot');
    expect(html).toContain('train-llm-70b');
    expect(html).toContain('<span class="badge late">late</span>');
    expect(html).toContain('sites[0].series.price');
    expect(html).toMatch(/had gaps: 3 steps filled/);
    expect(html).toContain('storage limit at site-a (charge clipped) (× 2)');
  });

  it('appends extra sections in order with unique anchors and a contents entry each', () => {
    const h = renderReportHtml({
      ...fleet,
      generatedAt: GENERATED,
      extraSections: [
        { id: 'compare', title: 'Policy comparison', html: kpiTable([{ label: 'Saving', value: 12.5, unit: '%' }]) },
        { id: 'fleet', title: 'Finance <NPV>', html: section('npv', 'NPV', '<p>ok</p>', 3) },
      ],
    });
    const compare = h.indexOf('<section id="compare">');
    const finance = h.indexOf('<section id="fleet-2">');
    expect(compare).toBeGreaterThan(0);
    expect(finance).toBeGreaterThan(compare);
    expect(h).toContain('<a href="#compare">Policy comparison</a>');
    expect(h).toContain('<a href="#fleet-2">Finance &lt;NPV&gt;</a>');
  });

  it('renders a bare site (no workloads, storage or renewables) and an empty jobs list', () => {
    const f = makeFleet({ sites: 1, days: 3 });
    const L = f.ledger.sites[0]!;
    L.workloads = [];
    for (const a of [L.storageChargeKW, L.storageDischargeKW, L.socKWh, L.renewableAvailableKW, L.renewableUsedKW, L.renewableExportKW, L.renewableCurtailedKW, L.directGreenKW, L.gridExportKW]) a.fill(0);
    for (let t = 0; t < L.itKW.length; t++) L.gridImportKW[t] = L.facilityKW[t]!;
    f.summary.jobs = [];
    f.summary.qos = null;
    f.summary.series = [];
    f.summary.warnings = [];
    const h = renderReportHtml({ ...f, generatedAt: GENERATED });
    expect(h).toContain('IT (total)');
    expect(h).not.toContain('Renewables</text>');
    expect(h).toContain('No workloads.');
    expect(h).toContain('No warnings.');
    expect(withoutScripts(h)).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('keeps a 6-site year under 5 MB (about 0.7 MB of it the chart script) with every chart under 300 KB', () => {
    const year = makeFleet({ sites: 6, days: 365, start: '2023-01-01T00:00:00Z', zones: ['America/Chicago', 'Asia/Shanghai', 'Europe/Berlin', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kolkata'] });
    const t0 = performance.now();
    const h = renderReportHtml({ ...year, generatedAt: GENERATED });
    const ms = performance.now() - t0;
    const sizes = svgs(h).map((s) => s.length);
    console.log(`6-site year: ${(h.length / 1e6).toFixed(2)} MB, ${sizes.length} charts, largest ${(Math.max(...sizes) / 1e3).toFixed(0)} KB, ${ms.toFixed(0)} ms`);
    expect(Buffer.byteLength(h)).toBeLessThan(5e6);
    expect(Math.max(...sizes)).toBeLessThan(300e3);
    expect(sizes.length).toBe(1 + 4 * 6);
    expect(h).toContain('daily means');
    expect(withoutScripts(h)).not.toMatch(/NaN|undefined|Infinity/);
  });
});

describe('helpers', () => {
  it('escapeHtml escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('dataTable formats numbers, nulls and escapes text', () => {
    const t = dataTable([{ label: 'Name' }, { label: 'Energy', unit: 'MWh', numeric: true, decimals: 1 }], [['<x>', 1234.56], ['y', null]]);
    expect(t).toContain('<td>&lt;x&gt;</td><td class="num">1,234.6</td>');
    expect(t).toContain('<td class="num">—</td>');
    expect(t).toContain('Energy <span class="unit">(MWh)</span>');
  });

  it('svgChart renders a static SVG without interactive leftovers and with unique ids', () => {
    const option = { xAxis: { type: 'category' as const, data: ['a', 'b'] }, yAxis: { type: 'value' as const }, series: [{ type: 'line' as const, data: [1, 2] }] };
    const a = svgChart(option, 300, 200, 'test');
    const b = svgChart(option, 300, 200, 'test');
    expect(a).toMatch(/^<svg class="chart" role="img" aria-label="test" width="300" height="200"/);
    expect(a).not.toMatch(/<style|ecmeta_|zr\d+-/);
    const ids = (s: string) => [...s.matchAll(/id="([^"]+)"/g)].map((m) => m[1]);
    for (const id of ids(a)) expect(ids(b)).not.toContain(id);
  });
});
