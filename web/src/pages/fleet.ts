/**
 * Fleet overview: every site with the KPIs of its latest succeeded run (GET /api/v1/fleet),
 * what the server is executing now, and a chart of each site's PUE and direct green ratio.
 */
import { api, can } from '../api.ts';
import { mountChart } from '../charts.ts';
import { badge, h, replace } from '../dom.ts';
import { localTime, percent } from '../format.ts';
import { href, type PageContext } from '../page.ts';
import type { FleetView } from '../types.ts';
import { card, loading, note, num, section, table } from '../ui.ts';

type Site = FleetView['sites'][number];

/** The fleet overview page. */
export async function fleetPage(ctx: PageContext): Promise<void> {
  ctx.title('Fleet');
  replace(ctx.main, h('h1', null, 'Fleet overview'), loading());
  const fleet = await api<FleetView>('/fleet', { signal: ctx.scope.signal });
  const sites = fleet.sites;
  const currencies = [...new Set(sites.map((s) => s.run.currency))];
  const cost = currencies.length === 1 ? sites.reduce((a, s) => a + s.kpis.energyCost, 0) : null;
  const installed = sites.reduce((a, s) => a + s.installedItMW, 0);
  const cards = h(
    'div',
    { class: 'cards' },
    card('Sites', String(sites.length)),
    card('Installed IT', num(installed, 1), 'MW'),
    card('Electricity cost, latest runs', cost === null ? '—' : num(cost, 0), currencies.length === 1 ? currencies[0] : ''),
    card('Runs executing', String(fleet.runs.running), '', h('div', { class: 'card-note' }, `${fleet.runs.queued} queued · `, h('a', { href: '#/runs' }, 'runs'))),
  );
  if (sites.length === 0) {
    replace(
      ctx.main,
      h('h1', null, 'Fleet overview'),
      cards,
      note(
        'No site has a succeeded run yet. ',
        can('operator') ? h('a', { href: '#/new' }, 'Start a run') : 'An operator can start one',
        ' (a bundled example such as texas-single-site works on a fresh server).',
      ),
    );
    return;
  }
  const greenCell = (s: Site) => {
    const t = s.kpis.greenTarget;
    const v = percent(s.kpis.directGreenRatio);
    if (t === null) return v;
    const ok = s.kpis.directGreenRatio + 1e-9 >= t;
    return h('span', null, v, ' ', badge(ok ? `≥ ${percent(t, 0)} %` : `< ${percent(t, 0)} %`, ok ? 'ok' : 'warn'));
  };
  const siteTable = table<Site>(
    [
      { label: 'Site', value: (s) => h('span', null, s.name, h('br'), h('small', { class: 'muted' }, `${s.id} · ${s.timeZone}`)) },
      { label: 'IT', unit: 'MW', num: true, value: (s) => num(s.installedItMW, 1) },
      { label: 'PUE', num: true, value: (s) => num(s.kpis.pue, 3, 3), title: (s) => `design PUE ${num(s.designPue, 3)}` },
      { label: 'Direct green', unit: '%', num: true, value: greenCell },
      { label: 'Electricity cost', num: true, value: (s) => `${num(s.kpis.energyCost, 0)} ${s.run.currency}` },
      { label: 'Cost per M tokens', num: true, value: (s) => (s.kpis.energyCostPerMillionTokens === null ? '—' : `${num(s.kpis.energyCostPerMillionTokens, 4)} ${s.run.currency}`) },
      { label: 'Tokens per joule', unit: 'IT / facility', num: true, value: (s) => `${num(s.kpis.tokensPerJouleIT, 3)} / ${num(s.kpis.tokensPerJouleFacility, 3)}` },
      { label: 'CO₂', unit: 't', num: true, value: (s) => num(s.kpis.co2Tonnes, 1) },
      { label: 'Peak import', unit: 'MW', num: true, value: (s) => num(s.kpis.peakImportMW, 2) },
      { label: 'SLO met', unit: '%', num: true, value: (s) => percent(s.kpis.sloAttainment, 2) },
      {
        label: 'From run',
        value: (s) => h('span', null, h('a', { href: href(`/runs/${s.run.id}`) }, `${s.run.command} · ${s.run.policy}`), h('br'), h('small', { class: 'muted' }, `${s.run.scenario}, ${localTime(s.run.finishedAt)}`)),
      },
    ],
    sites,
    { caption: 'Each site with the KPIs of its latest succeeded run (over that run\'s horizon)', className: 'fleet' },
  );
  const chartHost = h('div', { class: 'chart-host' });
  replace(ctx.main, h('h1', null, 'Fleet overview'), cards, section('Sites', siteTable), section('PUE and direct green ratio by site', chartHost));
  await mountChart(ctx.scope, chartHost, {
    label: 'Bar chart: PUE and direct green ratio of each site',
    height: Math.max(260, 120 + 36 * sites.length),
    build: (width, k) => {
      const head = k.titleAndLegend('PUE (bars) and direct green ratio (line) of each site\'s latest run', width, 200);
      return {
        title: head.title,
        legend: { ...(head.legend as object), selectedMode: true },
        grid: { left: 200, right: 64, top: head.gridTop, bottom: 48 },
        tooltip: { trigger: 'axis', confine: true, className: k.TOOLTIP_CLASS, axisPointer: { type: 'shadow' } },
        yAxis: { type: 'category', data: sites.map((s) => s.name), inverse: true, ...k.axisStyle, axisLabel: { ...k.axisStyle.axisLabel, width: 180, overflow: 'truncate' } },
        xAxis: [
          { type: 'value', min: 1, max: Math.max(1.2, Math.ceil(Math.max(...sites.map((s) => Math.max(s.kpis.pue, s.designPue))) * 10) / 10), ...k.axisStyle, name: 'PUE (facility ÷ IT energy)', nameLocation: 'middle', nameGap: 28, position: 'bottom' },
          { type: 'value', min: 0, max: 100, ...k.axisStyle, splitLine: { show: false }, name: 'Direct green ratio (%)', nameLocation: 'middle', nameGap: 28, position: 'top' },
        ],
        series: [
          { name: 'PUE', type: 'bar', xAxisIndex: 0, color: k.COLORS.skyBlue, barMaxWidth: 22, data: sites.map((s) => Math.round(s.kpis.pue * 1000) / 1000) },
          { name: 'Direct green ratio (%)', type: 'line', xAxisIndex: 1, color: k.COLORS.green, symbol: 'circle', symbolSize: 8, lineStyle: { width: 0 }, data: sites.map((s) => Math.round(s.kpis.directGreenRatio * 1000) / 10) },
        ],
      };
    },
  });
}
