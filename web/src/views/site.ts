/**
 * A site's charts on a run page: power flows (zoomable, with prices and state of charge),
 * energy flows (Sankey), monthly PUE with the direct green ratio, monthly energy and cost, and
 * the monthly bill as a chart and a table. A picker switches between the run's sites.
 */
import { api } from '../api.ts';
import { mountChart } from '../charts.ts';
import { h, replace } from '../dom.ts';
import { formatNumber } from '../format.ts';
import type { Scope } from '../page.ts';
import type { SiteBill, Summary } from '../types.ts';
import type { MonthlyEnergyData, MonthlyPueData } from '../../../src/report/charts/monthly.ts';
import type { EnergyFlowGraph } from '../../../src/report/charts/sankey.ts';
import { note, problemBox, select } from '../ui.ts';
import { powerPanel } from './power.ts';

/** Draws one part, showing its problem in place of it when it fails. */
async function part(scope: Scope, host: HTMLElement, what: string, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (scope.ended) return;
    host.appendChild(problemBox(e, `The ${what} could not be drawn`));
  }
}

/** The bill of one site as a table: a row per month, a column per item, in the run's currency. */
function billTable(bill: SiteBill, currency: string): HTMLElement {
  const items = [...new Set(bill.lines.map((l) => l.item))];
  const amount = (month: string, item: string) => bill.lines.filter((l) => l.month === month && l.item === item).reduce((a, l) => a + l.amount, 0);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data bills' },
      h('caption', null, `Electricity bill of ${bill.site} by month and item (${currency}; credits negative)`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Month'), items.map((i) => h('th', { scope: 'col', class: 'num' }, i)), h('th', { scope: 'col', class: 'num' }, `Total (${currency})`))),
      h(
        'tbody',
        null,
        bill.months.map((m) => h('tr', null, h('th', { scope: 'row' }, m.month), items.map((i) => h('td', { class: 'num' }, formatNumber(amount(m.month, i), 2, 2))), h('td', { class: 'num total' }, formatNumber(m.total, 2, 2)))),
        h('tr', { class: 'sum' }, h('th', { scope: 'row' }, 'Horizon'), items.map((i) => h('td', { class: 'num' }, formatNumber(bill.lines.filter((l) => l.item === i).reduce((a, l) => a + l.amount, 0), 2, 2))), h('td', { class: 'num total' }, formatNumber(bill.total, 2, 2))),
      ),
    ),
  );
}

/** The site section of a run page, with its site picker. */
export function siteSection(scope: Scope, runId: string, summary: Summary, bills: Promise<SiteBill[] | null>): HTMLElement {
  const body = h('div', { class: 'site-body' });
  const picker = select({ 'aria-label': 'Site', id: 'site-picker' }, summary.sites.map((s) => [s.id, `${s.name} (${s.id})`]));
  let current: Scope | null = null;
  const show = (siteId: string) => {
    current?.end();
    const sc = scope.child();
    current = sc;
    const site = summary.sites.find((s) => s.id === siteId)!;
    const power = h('div', { class: 'chart-host' });
    const sankey = h('div', { class: 'chart-host' });
    const monthly = h('div', { class: 'chart-host' });
    const bill = h('div', { class: 'chart-host' });
    replace(
      body,
      h('h3', null, 'Power by source and use'),
      power,
      h('div', { class: 'grid-2' }, h('div', null, h('h3', null, 'Energy flows over the horizon'), sankey), h('div', null, h('h3', null, 'Month by month'), monthly)),
      h('h3', null, 'Electricity bill'),
      bill,
    );
    const months = site.months.map((m) => m.month);
    void part(sc, power, 'power chart', () => powerPanel(sc, power, runId, siteId, months.length > 1 ? months : []));
    void part(sc, sankey, 'energy-flow chart', async () => {
      const g = await api<EnergyFlowGraph>(`/runs/${runId}/charts/energy-flows`, { query: { site: siteId }, signal: sc.signal });
      await mountChart(sc, sankey, { label: `Energy flows of site ${siteId} over the horizon (${g.unit})`, height: (k) => k.SANKEY_CHART_SIZE.height, build: (width, k) => k.energySankeyOption(g, { interactive: true, width }) });
    });
    void part(sc, monthly, 'monthly charts', async () => {
      const d = await api<{ pue: MonthlyPueData; energy: MonthlyEnergyData }>(`/runs/${runId}/charts/monthly`, { query: { site: siteId }, signal: sc.signal });
      if (d.pue.months.length === 1) monthly.appendChild(note(`The horizon lies within one month (${d.pue.months[0]}): one bar each.`));
      await mountChart(sc, monthly, { label: `Monthly PUE and direct green ratio of site ${siteId}`, height: (k) => k.MONTHLY_CHART_SIZE.height, build: (width, k) => k.monthlyPueOption(d.pue, { interactive: true, width }) });
      await mountChart(sc, monthly, { label: `Monthly energy and electricity cost of site ${siteId}`, height: (k) => k.MONTHLY_CHART_SIZE.height, build: (width, k) => k.monthlyEnergyCostOption(d.energy, { interactive: true, width }) });
    });
    void part(sc, bill, 'bill', async () => {
      const all = await bills;
      const b = all?.find((x) => x.site === siteId);
      if (!b) {
        bill.appendChild(note('This run keeps no bill for this site.'));
        return;
      }
      await mountChart(sc, bill, {
        label: `Monthly electricity bill of site ${siteId} by item (${summary.currency})`,
        height: 340,
        build: (width, k) => k.monthlyBillsOption(k.monthlyBillsData(b, summary.currency, `${site.name}: monthly electricity bill by item`), { interactive: true, width }),
      });
      bill.appendChild(billTable(b, summary.currency));
    });
  };
  picker.addEventListener('change', () => show(picker.value));
  show(summary.sites[0]!.id);
  return h('div', null, summary.sites.length > 1 ? h('label', { class: 'inline' }, 'Site ', picker) : null, body);
}
