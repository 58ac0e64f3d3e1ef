/**
 * Compare two runs: the KPI deltas of the fleet and of each site (GET /api/v1/compare), each
 * marked better or worse, and one site's power charts of both runs stacked on one time axis
 * (zooming or hovering one moves the other) with their monthly PUE side by side.
 */
import { api } from '../api.ts';
import { mountChart, type Mounted } from '../charts.ts';
import { h, replace } from '../dom.ts';
import { formatNumber, localTime, shortId } from '../format.ts';
import { go, href, type PageContext, type Scope } from '../page.ts';
import type { CompareView, KpiDelta, PowerChartView, RunPage, RunRef } from '../types.ts';
import type { MonthlyEnergyData, MonthlyPueData } from '../../../src/report/charts/monthly.ts';
import { loading, note, problemBox, section, select } from '../ui.ts';
import { KPI_DEFS } from '../views/kpis.ts';
import { WITH_SUMMARY } from './run.ts';
import { runTitle, scenarioNames } from './runs.ts';

/** KPIs where more is better (for all others, except the neutral ones, less is better). */
const MORE_IS_BETTER = new Set(['directGreenRatio', 'renewableShare', 'tokens', 'tokensPerJouleIT', 'tokensPerJouleFacility', 'sloAttainment', 'directGreenMWh', 'renewableAvailableMWh']);
/** KPIs that are neither better nor worse when they change (sizes of the work done). */
const NEUTRAL = new Set(['itEnergyMWh', 'facilityEnergyMWh', 'coolingEnergyMWh', 'lossesEnergyMWh', 'fixedEnergyMWh', 'storageThroughputMWh', 'gridExportMWh', 'renewableAvailableMWh']);

/** A KPI's label: the KPI table's, else its name in words without the unit (shown in its own column). */
const label = (kpi: string) =>
  KPI_DEFS.find((d) => d.key === kpi)?.label ??
  kpi
    .replace(/(MWh|MW|KWh|KW|Tonnes)$/, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .trim()
    .replace(/^./, (c) => c.toUpperCase());

function decimals(unit: string, v: number | null): number {
  if (unit === 'ratio') return 4;
  if (unit === 'fraction') return 4;
  if (v !== null && Math.abs(v) < 10) return 3;
  return 1;
}

/** A value in its unit: fractions as percentages. */
function show(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'fraction') return `${formatNumber(v * 100, 2, 2)} %`;
  return formatNumber(v, decimals(unit, v));
}

function deltaCell(d: KpiDelta): HTMLElement {
  if (d.delta === null) return h('td', { class: 'num' }, '—');
  const tiny = Math.abs(d.delta) < 1e-9 || (d.deltaPercent !== null && Math.abs(d.deltaPercent) < 0.005);
  const better = !tiny && !NEUTRAL.has(d.kpi) && (MORE_IS_BETTER.has(d.kpi) ? d.delta > 0 : d.delta < 0);
  const worse = !tiny && !NEUTRAL.has(d.kpi) && !better;
  const text = d.unit === 'fraction' ? `${d.delta >= 0 ? '+' : ''}${formatNumber(d.delta * 100, 2, 2)} pt` : `${d.delta >= 0 ? '+' : ''}${formatNumber(d.delta, decimals(d.unit, d.delta))}`;
  return h('td', { class: `num ${better ? 'better' : worse ? 'worse' : ''}` }, text, better ? h('span', { class: 'sr' }, ' (better)') : worse ? h('span', { class: 'sr' }, ' (worse)') : null);
}

function deltaTable(rows: KpiDelta[], caption: string): HTMLElement {
  const shown = rows.filter((r) => r.a !== null || r.b !== null);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data deltas' },
      h('caption', null, caption),
      h('thead', null, h('tr', null, ['KPI', 'Unit', 'Run A', 'Run B', 'Change (B − A)', 'Change (%)'].map((t, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, t)))),
      h(
        'tbody',
        null,
        shown.map((d) =>
          h(
            'tr',
            { 'data-kpi': d.kpi },
            h('th', { scope: 'row' }, label(d.kpi)),
            h('td', { class: 'unit' }, d.unit === 'fraction' ? '%' : d.unit === 'ratio' ? '' : d.unit),
            h('td', { class: 'num' }, show(d.a, d.unit)),
            h('td', { class: 'num' }, show(d.b, d.unit)),
            deltaCell(d),
            h('td', { class: 'num' }, d.deltaPercent === null ? '—' : `${d.deltaPercent >= 0 ? '+' : ''}${formatNumber(d.deltaPercent, 2, 2)} %`),
          ),
        ),
      ),
    ),
  );
}

function runCard(which: string, r: RunRef): HTMLElement {
  return h('div', { class: 'card run-card' }, h('div', { class: 'card-label' }, `Run ${which}`), h('div', null, h('a', { href: href(`/runs/${r.id}`), title: r.id }, `…${shortId(r.id)}`), ` ${r.command} · ${r.policy}`), h('div', { class: 'muted' }, `${r.scenario}, finished ${localTime(r.finishedAt)}`));
}

/** One site of both runs: power charts stacked and linked, monthly PUE side by side. */
async function siteCharts(scope: Scope, host: HTMLElement, c: CompareView, site: string): Promise<void> {
  const runs = [c.a, c.b];
  const [pa, pb] = await Promise.all(runs.map((r) => api<PowerChartView>(`/runs/${r.id}/charts/power`, { query: { site, maxPoints: 400 }, signal: scope.signal })));
  const [ma, mb] = await Promise.all(runs.map((r) => api<{ pue: MonthlyPueData; energy: MonthlyEnergyData }>(`/runs/${r.id}/charts/monthly`, { query: { site }, signal: scope.signal })));
  const powerA = h('div', { class: 'chart-host' });
  const powerB = h('div', { class: 'chart-host' });
  const monthA = h('div', { class: 'chart-host' });
  const monthB = h('div', { class: 'chart-host' });
  replace(host, h('h3', null, 'Power flows: run A above, run B below (zoom or hover one, both follow)'), powerA, powerB, h('h3', null, 'Monthly PUE and direct green ratio'), h('div', { class: 'grid-2' }, monthA, monthB));
  // one power axis for both, so equal heights mean equal power
  const sameUnit = pa!.unit === pb!.unit;
  const charts: Mounted[] = [];
  for (const [d, el, which] of [[pa!, powerA, 'A'], [pb!, powerB, 'B']] as const) {
    charts.push(
      await mountChart(scope, el, {
        label: `Power flows of site ${site} in run ${which}`,
        height: (k) => k.powerChartHeight(pa!.soc || pb!.soc ? { soc: pa!.soc ?? pb!.soc } : {}, true),
        build: (width, k) => {
          const peak = sameUnit ? Math.max(k.stackPeak(pa!), k.stackPeak(pb!)) : k.stackPeak(d);
          return k.powerFlowOption({ ...d, title: `Run ${which}: ${d.title}` }, { interactive: true, width, axis: k.powerAxis(peak) });
        },
      }),
    );
  }
  const k = charts[0]!.kit;
  k.echarts.connect(charts.map((m) => m.chart));
  scope.onEnd(() => charts.forEach((m) => !m.chart.isDisposed() && k.echarts.disconnect(m.chart.group)));
  await mountChart(scope, monthA, { label: `Monthly PUE of site ${site} in run A`, height: (kk) => kk.MONTHLY_CHART_SIZE.height, build: (width, kk) => kk.monthlyPueOption({ ...ma!.pue, title: `Run A: ${ma!.pue.title}` }, { interactive: true, width }) });
  await mountChart(scope, monthB, { label: `Monthly PUE of site ${site} in run B`, height: (kk) => kk.MONTHLY_CHART_SIZE.height, build: (width, kk) => kk.monthlyPueOption({ ...mb!.pue, title: `Run B: ${mb!.pue.title}` }, { interactive: true, width }) });
}

/** The compare page. */
export async function comparePage(ctx: PageContext): Promise<void> {
  ctx.title('Compare runs');
  replace(ctx.main, h('h1', null, 'Compare two runs'), loading());
  const [names, page] = await Promise.all([scenarioNames(ctx.scope.signal), api<RunPage>('/runs', { query: { status: 'succeeded', limit: 200 }, signal: ctx.scope.signal })]);
  const runs = page.runs.filter((r) => WITH_SUMMARY.has(r.command));
  const a = ctx.query.get('a') ?? '';
  const b = ctx.query.get('b') ?? '';
  const options: Array<[string, string]> = [['', 'choose a run'], ...runs.map((r): [string, string] => [r.id, `…${shortId(r.id)} · ${names.get(r.scenarioId) ?? r.scenarioId.slice(0, 8)} · ${runTitle(r)} · ${localTime(r.finishedAt)}`])];
  const selA = select({ id: 'run-a', name: 'a' }, options, a);
  const selB = select({ id: 'run-b', name: 'b' }, options, b);
  const form = h(
    'form',
    { class: 'toolbar compare-form' },
    h('label', { for: 'run-a' }, 'Run A'),
    selA,
    h('label', { for: 'run-b' }, 'Run B'),
    selB,
    h('button', { type: 'submit', class: 'primary' }, 'Compare'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/compare', { a: selA.value || undefined, b: selB.value || undefined });
  });
  const out = h('div');
  replace(ctx.main, h('h1', null, 'Compare two runs'), form, out);
  if (runs.length < 2) {
    out.appendChild(note('Two succeeded runs with a summary (simulate, plan, compare, flex, dr or finance) are needed.'));
    return;
  }
  if (!a || !b) {
    out.appendChild(note('Pick two runs, or tick two runs on the Runs page.'));
    return;
  }
  replace(out, loading('Comparing…'));
  let c: CompareView;
  try {
    c = await api<CompareView>('/compare', { query: { a, b }, signal: ctx.scope.signal });
  } catch (e) {
    replace(out, problemBox(e, 'These runs cannot be compared'));
    return;
  }
  const both = c.sites.filter((s) => s.in === 'both');
  const only = c.sites.filter((s) => s.in !== 'both');
  const sitePick = select({ 'aria-label': 'Site to chart' }, both.map((s) => [s.id, s.id]));
  const chartHost = h('div');
  replace(
    out,
    h('div', { class: 'cards' }, runCard('A', c.a), runCard('B', c.b)),
    c.a.currency !== c.b.currency ? h('p', { class: 'alert' }, `The runs are in different currencies (${c.a.currency}, ${c.b.currency}): money deltas mix them.`) : null,
    section('Fleet', deltaTable(c.fleet, `Fleet KPIs; weighted QoS ${formatNumber(c.qos.a, 3)} (A) and ${formatNumber(c.qos.b, 3)} (B); green cells are better, red worse`)),
    section('Sites', ...both.map((s) => h('details', null, h('summary', null, s.id), deltaTable(s.kpis, `${s.id}: KPIs of run A and run B`))), only.length ? note(`In one run only: ${only.map((s) => `${s.id} (${s.in.toUpperCase()})`).join(', ')}.`) : null),
    both.length ? section('Side by side', both.length > 1 ? h('label', { class: 'inline' }, 'Site ', sitePick) : null, chartHost) : null,
  );
  if (!both.length) return;
  let sc: Scope | null = null;
  const draw = () => {
    sc?.end();
    sc = ctx.scope.child();
    const s = sc;
    siteCharts(s, chartHost, c, sitePick.value).catch((e: unknown) => {
      if (!s.ended) chartHost.appendChild(problemBox(e, 'The charts could not be drawn'));
    });
  };
  sitePick.addEventListener('change', draw);
  draw();
}
