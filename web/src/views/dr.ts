/**
 * A demand-response run's statement: the program's terms, what was asked and delivered, pay and
 * penalties per event and site, the line items, the effect on work and on the energy bill, and
 * for each event and site the baseline, committed and metered power per measurement interval.
 */
import { api, apiText, download } from '../api.ts';
import { mountChart } from '../charts.ts';
import { parseCsv } from '../csv.ts';
import { h, replace } from '../dom.ts';
import { formatNumber, percent } from '../format.ts';
import type { Scope } from '../page.ts';
import type { RunFile } from '../types.ts';
import { card, note, num, section, select, table } from '../ui.ts';

interface SiteRow {
  id: string;
  baselineMethod: string | null;
  baselineMWh: number;
  actualMWh: number;
  deliveredMWh: number;
  targetMWh?: number;
  payment: number;
  penalty: number;
}

/** The settlement document (`dr --json`, settlement.json). */
export interface Settlement {
  scenario: string;
  program: { id: string; name: string; kind: string; energyPayPerMWh: number; capacityPayPerKWMonth: number; measurementIntervalMinutes: number; aggregatorShare: number };
  currency: string;
  direction: 'reduce' | 'increase';
  event: { id: string; start: string; end: string; count: number };
  targetMWh: number;
  deliveredMWh: number;
  deliveryRatio: number;
  payment: number;
  energyPayment: number;
  capacityPayment: number;
  penalty: number;
  aggregatorKeeps: number;
  net: number;
  commitmentMW: number | null;
  sites: SiteRow[];
  events: Array<{ id: string; start: string; end: string; source: string; targetMW: number; targetMWh: number; deliveredMWh: number; deliveryRatio: number; rule: string; payment: number; penalty: number; sites: SiteRow[] }>;
  work: { lostGpuHours: number; deferredGpuHours: number; notMadeUpGpuHours: number; lostWorkValue: number; qosBefore: number | null; qosAfter: number | null; byWorkload: Array<{ id: string; lostGpuHours: number; deferredGpuHours: number; performanceBefore: number; performanceAfter: number; qosFloor?: number | null }> };
  energyBill: { before: number; after: number; change: number } | null;
  checks: { sloKept: boolean; qosKept: boolean; violations: string[] };
  notes: string[];
}

/** The DR statement of a run, drawn into `host`. */
export async function drView(scope: Scope, host: HTMLElement, runId: string): Promise<void> {
  const [s, linesCsv, intervalsCsv, files] = await Promise.all([
    api<Settlement>(`/runs/${runId}/dr`, { signal: scope.signal }),
    apiText(`/runs/${runId}/dr`, { query: { format: 'csv' }, signal: scope.signal }),
    apiText(`/runs/${runId}/files/settlement-intervals.csv`, { signal: scope.signal }),
    api<{ files: RunFile[] }>(`/runs/${runId}/files`, { signal: scope.signal }),
  ]);
  const cur = s.currency;
  const verb = s.direction === 'reduce' ? 'reduction' : 'increase';
  const cards = h(
    'div',
    { class: 'cards' },
    card(`Asked (${verb})`, num(s.targetMWh, 3), 'MWh'),
    card('Delivered', num(s.deliveredMWh, 3), 'MWh', h('div', { class: 'card-note' }, `${percent(s.deliveryRatio)} % of the target`)),
    card('Paid', num(s.payment, 2), cur),
    card('Penalties', num(s.penalty, 2), cur),
    card('Net to the fleet', num(s.net, 2), cur),
    s.energyBill ? card('Energy bill change', num(s.energyBill.change, 2), cur, h('div', { class: 'card-note' }, `${num(s.energyBill.before, 2)} → ${num(s.energyBill.after, 2)}`)) : null,
  );
  const terms = h(
    'p',
    null,
    `Program ${s.program.name} (${s.program.id}, ${s.program.kind}): ${num(s.program.energyPayPerMWh, 2)} ${cur}/MWh delivered`,
    s.program.capacityPayPerKWMonth ? `, ${num(s.program.capacityPayPerKWMonth, 2)} ${cur}/kW-month of capacity` : '',
    `; measured every ${s.program.measurementIntervalMinutes} min. ${s.event.count} event${s.event.count === 1 ? '' : 's'} from ${s.event.start} to ${s.event.end}.`,
  );
  const events = table(
    [
      { label: 'Event', value: (e) => e.id },
      { label: 'Start', value: (e) => e.start },
      { label: 'End', value: (e) => e.end },
      { label: 'Target', unit: 'MW', num: true, value: (e) => num(e.targetMW, 3) },
      { label: 'Asked', unit: 'MWh', num: true, value: (e) => num(e.targetMWh, 3) },
      { label: 'Delivered', unit: 'MWh', num: true, value: (e) => num(e.deliveredMWh, 3) },
      { label: 'Delivery', unit: '%', num: true, value: (e) => percent(e.deliveryRatio) },
      { label: 'Rule', value: (e) => e.rule },
      { label: 'Payment', unit: cur, num: true, value: (e) => num(e.payment, 2, 2) },
      { label: 'Penalty', unit: cur, num: true, value: (e) => num(e.penalty, 2, 2) },
    ],
    s.events,
    { caption: 'Events (times in the horizon\'s time zone)', className: 'events' },
  );
  const sites = table<SiteRow>(
    [
      { label: 'Site', value: (x) => x.id },
      { label: 'Baseline method', value: (x) => x.baselineMethod ?? '—' },
      { label: 'Baseline', unit: 'MWh', num: true, value: (x) => num(x.baselineMWh, 3) },
      { label: 'Metered', unit: 'MWh', num: true, value: (x) => num(x.actualMWh, 3) },
      { label: 'Delivered', unit: 'MWh', num: true, value: (x) => num(x.deliveredMWh, 3) },
      { label: 'Payment', unit: cur, num: true, value: (x) => num(x.payment, 2, 2) },
      { label: 'Penalty', unit: cur, num: true, value: (x) => num(x.penalty, 2, 2) },
    ],
    s.sites,
    { caption: 'Sites over all events' },
  );
  const lines = parseCsv(linesCsv);
  const amountKey = Object.keys(lines[0] ?? {}).find((k) => k.startsWith('amount_')) ?? 'amount';
  const rateKey = Object.keys(lines[0] ?? {}).find((k) => k.startsWith('rate_')) ?? 'rate';
  const statement = table<Record<string, string>>(
    [
      { label: 'Event', value: (l) => l.event ?? '' },
      { label: 'Party', value: (l) => l.party ?? '' },
      { label: 'Item', value: (l) => l.item ?? '' },
      { label: 'Quantity', num: true, value: (l) => formatNumber(Number(l.quantity), 4) },
      { label: 'Unit', value: (l) => l.unit ?? '' },
      { label: 'Rate', unit: `${cur} per unit`, num: true, value: (l) => formatNumber(Number(l[rateKey]), 4) },
      { label: 'Amount', unit: cur, num: true, value: (l) => formatNumber(Number(l[amountKey]), 2, 2) },
    ],
    lines,
    { caption: 'Statement: every pay, penalty and share line' },
  );
  const work = table(
    [
      { label: 'Workload', value: (w) => w.id },
      { label: 'Lost', unit: 'GPU-h', num: true, value: (w) => num(w.lostGpuHours, 1) },
      { label: 'Deferred', unit: 'GPU-h', num: true, value: (w) => num(w.deferredGpuHours, 1) },
      { label: 'Performance before', num: true, value: (w) => num(w.performanceBefore, 3) },
      { label: 'Performance after', num: true, value: (w) => num(w.performanceAfter, 3) },
      { label: 'QoS floor', num: true, value: (w) => (w.qosFloor === null || w.qosFloor === undefined ? '—' : num(w.qosFloor, 2)) },
    ],
    s.work.byWorkload,
    { caption: `Effect on work: ${num(s.work.lostGpuHours, 1)} GPU-h lost (worth ${num(s.work.lostWorkValue, 2)} ${cur}), weighted QoS ${num(s.work.qosBefore, 3)} → ${num(s.work.qosAfter, 3)}; SLOs ${s.checks.sloKept ? 'kept' : 'missed'}, QoS floors ${s.checks.qosKept ? 'kept' : 'missed'}` },
  );
  // delivery per interval: one chart for the picked event and site
  const rows = parseCsv(intervalsCsv);
  const chartHost = h('div', { class: 'chart-host' });
  const pairs = [...new Set(rows.map((r) => `${r.event}\u0000${r.site}`))].map((k) => k.split('\u0000') as [string, string]);
  const picker = select({ 'aria-label': 'Event and site' }, pairs.map(([e, si]) => [`${e}\u0000${si}`, `${e} at ${si}`]));
  let chartScope: Scope | null = null;
  const drawDelivery = () => {
    chartScope?.end();
    const sc = scope.child();
    chartScope = sc;
    replace(chartHost);
    const [event, site] = picker.value.split('\u0000') as [string, string];
    void mountChart(sc, chartHost, {
      label: `Baseline, committed and metered power of ${site} during ${event}`,
      height: 340,
      build: (width, k) => k.drDeliveryOption(k.drDeliveryData(k.drIntervalRows(rows), event, site, s.direction), { interactive: true, width }),
    });
  };
  picker.addEventListener('change', drawDelivery);
  const openadr = files.files.filter((f) => f.name.startsWith('openadr/'));
  replace(
    host,
    cards,
    terms,
    section('Delivery by interval', pairs.length > 1 ? h('label', { class: 'inline' }, 'Event and site ', picker) : null, chartHost),
    section('Events', events),
    section('Sites', sites),
    section('Statement', statement),
    section('Work and quality of service', work),
    s.checks.violations.length ? section('Violations', h('ul', null, s.checks.violations.map((v) => h('li', null, v)))) : null,
    openadr.length
      ? section('OpenADR 3.1 events sent to the sites', h('ul', { class: 'files' }, openadr.map((f) => h('li', null, h('button', { type: 'button', class: 'link', onclick: () => void download(f.href.replace(/^\/api\/v1/, ''), f.name.split('/').pop()!) }, f.name)))))
      : null,
    s.notes.length ? section('Notes', h('ul', null, s.notes.map((n) => h('li', null, n)))) : null,
  );
  if (pairs.length > 0) drawDelivery();
  else chartHost.appendChild(note('No measurement intervals were settled.'));
}
