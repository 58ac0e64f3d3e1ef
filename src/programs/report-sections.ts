/**
 * The grid-program sections of report.html: the settlement (statement, per-event charts) and
 * the flexibility envelope (fleet chart and per-site tables).
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { chartFigure, COLORS, svgChart } from '../report/chart.ts';
import { escapeHtml, formatNumber, formatPercent } from '../report/format.ts';
import { dataTable, details, kpiTable, textList, type Cell, type KpiRow } from '../report/html.ts';
import type { ExtraSection } from '../report/report-html.ts';
import type { Envelope } from './envelope.ts';
import { isoLocal, type BillChange } from './report.ts';
import type { ReplayResult } from './replay.ts';
import type { EventSettlement } from './settlement.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The settlement section of report.html. */
export function settlementSection(model: FleetModel, r: ReplayResult, bills?: BillChange): ExtraSection {
  const cur = model.currency;
  const tz = model.grid.timeZone;
  const t = r.totals;
  const p = r.program;
  const parts: string[] = [];
  const methods = [...new Set(p.siteIndices.map((s) => p.baselines.get(s)!.method))];
  parts.push(`<p>Program <code>${escapeHtml(p.id)}</code> (${escapeHtml(p.name)}): ${p.direction === 'reduce' ? 'peak shaving' : 'valley filling'}, ${formatNumber(p.energyPayPerMWh, 2)} ${escapeHtml(cur)}/MWh delivered, paid between ${formatPercent(p.delivery.minRatio, 0)} and ${formatPercent(p.delivery.maxRatio, 0)} of the target, penalised below ${formatPercent(p.delivery.penaltyBelowRatio, 0)} (× ${p.delivery.penaltyMultiple} at ${formatNumber(p.delivery.penaltyPricePerMWh, 2)} ${escapeHtml(cur)}/MWh); measured on ${p.measurementIntervalMinutes}-minute intervals against the ${escapeHtml(methods.join(', '))} baseline${methods.length > 1 ? 's' : ''}. Delivered = baseline − actual per interval (actual: the simulated meter of the event-response dispatch).</p>`);
  const rows: KpiRow[] = [
    { label: 'Events', value: t.events, decimals: 0 },
    ...(r.commitmentKW !== undefined ? [{ label: 'Commitment', value: r.commitmentKW / 1000, unit: 'MW', decimals: 3, note: r.bid ? 'bid from the flexibility envelope' : 'from the program' } as KpiRow] : []),
    { label: 'Target', value: t.targetKWh / 1000, unit: 'MWh', decimals: 3 },
    { label: 'Delivered', value: t.deliveredKWh / 1000, unit: 'MWh', decimals: 3, key: 'delivered' },
    { label: 'Delivery ratio', value: t.deliveryRatio * 100, unit: '%', decimals: 1 },
    { label: 'Energy payment', value: t.energyPayment, unit: cur, decimals: 2, key: 'payment' },
    ...(t.capacityPayment > 0 ? [{ label: 'Capacity payment', value: t.capacityPayment, unit: cur, decimals: 2 } as KpiRow] : []),
    { label: 'Penalties', value: t.penalty, unit: cur, decimals: 2 },
    { label: 'Aggregator keeps', value: t.aggregatorKeeps, unit: cur, decimals: 2 },
    { label: 'Net payment', value: t.net, unit: cur, decimals: 2 },
    { group: 'What it cost' },
    { label: 'Work lost', value: r.work.lostGpuHours, unit: 'GPU-h', decimals: 1, note: 'continuous jobs, not made up' },
    { label: 'Value of work lost', value: r.work.lostWorkValue, unit: cur, decimals: 2 },
    { label: 'Work deferred and made up', value: r.work.deferredGpuHours - r.work.notMadeUpGpuHours, unit: 'GPU-h', decimals: 1 },
    { label: 'Weighted QoS before → after', value: r.checks.qosBefore === null ? null : `${formatNumber(r.checks.qosBefore, 4)} → ${formatNumber(r.checks.qosAfter, 4)}` },
    { label: 'Inference SLOs kept', value: r.checks.sloKept ? 'yes' : 'no' },
    { label: 'QoS floors kept', value: r.checks.qosKept ? 'yes' : 'no' },
    ...(bills ? [{ label: 'Electricity bill change', value: bills.change, unit: cur, decimals: 2, note: 'after − before, from the simulated ledgers' } as KpiRow] : []),
  ];
  parts.push(kpiTable(rows, { caption: 'Settlement: fleet', id: 'kpi-settlement' }));
  if (r.settlements.length === 1) parts.push(eventChart(model, r.settlements[0]!));
  else parts.push(eventsChart(model, r));
  parts.push(`<div class="scroll">${dataTable(
    [{ label: 'Event' }, { label: 'Start', unit: tz }, { label: 'End' }, { label: 'Target', unit: 'MW', numeric: true, decimals: 3 }, { label: 'Delivered', unit: 'MWh', numeric: true, decimals: 3 }, { label: 'Ratio', unit: '%', numeric: true, decimals: 1 }, { label: 'Rule' }, { label: 'Payment', unit: cur, numeric: true, decimals: 2 }, { label: 'Penalty', unit: cur, numeric: true, decimals: 2 }],
    r.settlements.map((e) => [e.id, isoLocal(e.startMs, tz).slice(0, 16).replace('T', ' '), isoLocal(e.endMs, tz).slice(11, 16), e.meanTargetKW / 1000, e.deliveredKWh / 1000, e.deliveryRatio * 100, e.band.rule, e.payment, e.penalty] as Cell[]),
    { caption: 'Events' },
  )}</div>`);
  parts.push(`<div class="scroll">${dataTable(
    [{ label: 'Site' }, { label: 'Baseline' }, { label: 'Baseline energy', unit: 'MWh', numeric: true, decimals: 3 }, { label: 'Actual', unit: 'MWh', numeric: true, decimals: 3 }, { label: 'Delivered', unit: 'MWh', numeric: true, decimals: 3 }, { label: 'Payment', unit: cur, numeric: true, decimals: 2 }, { label: 'Penalty', unit: cur, numeric: true, decimals: 2 }],
    t.bySite.map((s) => {
      const idx = model.sites.findIndex((x) => x.id === s.id);
      return [s.id, p.baselines.get(idx)?.method ?? '', s.baselineKWh / 1000, s.actualKWh / 1000, s.deliveredKWh / 1000, s.payment, s.penalty] as Cell[];
    }),
    { caption: 'Sites: revenue share by delivered kWh, penalties by shortfall against each site\'s share of the target' },
  )}</div>`);
  // the statement: every event, site and interval, collapsed
  const statement = r.settlements.map((e) => {
    const body = e.sites.map((s) => {
      const b = s.baseline;
      const adj = b.adjustment ? ` Adjustment: ${b.adjustment.kind}, raw ${formatNumber(b.adjustment.raw, 4)}, applied ${formatNumber(b.adjustment.applied, 4)}${b.adjustment.capped ? ' (capped)' : ''}.` : '';
      const days = b.daysUsed.length ? ` Days used: ${b.daysUsed.join(', ')}.` : '';
      const considered = b.daysConsidered.length > b.daysUsed.length ? ` Days considered: ${b.daysConsidered.join(', ')}.` : '';
      const table = dataTable(
        [{ label: 'Interval start', unit: model.sites[s.index]!.timeZone }, { label: 'Baseline', unit: 'kW', numeric: true, decimals: 1 }, { label: 'Actual', unit: 'kW', numeric: true, decimals: 1 }, { label: 'Delivered', unit: 'kWh', numeric: true, decimals: 1 }, { label: 'Site target', unit: 'kW', numeric: true, decimals: 1 }],
        s.intervals.map((row) => [isoLocal(row.startMs, model.sites[s.index]!.timeZone).slice(0, 16).replace('T', ' '), row.baselineKW, row.actualKW, row.deliveredKWh, row.targetKW] as Cell[]),
      );
      return `<h4>${escapeHtml(s.id)}</h4><p>Baseline <code>${escapeHtml(b.method)}</code>: ${escapeHtml(b.description)}.${escapeHtml(days + considered + adj)}</p><div class="scroll">${table}</div>`;
    }).join('\n');
    const lines = dataTable(
      [{ label: 'Party' }, { label: 'Item' }, { label: 'Quantity', numeric: true, decimals: 4 }, { label: 'Unit' }, { label: 'Rate', numeric: true, decimals: 2 }, { label: 'Amount', unit: cur, numeric: true, decimals: 2 }],
      e.lines.map((l) => [l.party, l.item, l.quantity, l.unit, l.rate, l.amount] as Cell[]),
    );
    return details(`Statement, event ${e.id}: ${formatNumber(e.deliveredKWh / 1000, 3)} MWh delivered, ${formatNumber(e.payment - e.penalty, 2)} ${cur}`, `<p>Source: ${escapeHtml(e.source)}.</p>${lines}${body}`);
  });
  parts.push(`<h3>Settlement statement</h3>${statement.join('\n')}`);
  if (r.notes.length > 0) parts.push(`<h3>Notes</h3>${textList(r.notes)}`);
  return { id: 'grid-programs', title: 'Demand response: dispatch and settlement', html: parts.join('\n') };
}

function eventChart(model: FleetModel, e: EventSettlement): string {
  const tz = model.grid.timeZone;
  const labels = e.sites[0]!.intervals.map((row) => isoLocal(row.startMs, tz).slice(11, 16));
  const baseline = labels.map((_, j) => e.sites.reduce((a, s) => a + s.intervals[j]!.baselineKW, 0));
  const actual = labels.map((_, j) => e.sites.reduce((a, s) => a + s.intervals[j]!.actualKW, 0));
  const goal = labels.map((_, j) => baseline[j]! - (e.direction === 'reduce' ? 1 : -1) * e.targetKW[j]!);
  const svg = svgChart({
    title: { text: `Event ${e.id}: fleet baseline, target and metered load`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 50, bottom: 60 },
    xAxis: { type: 'category', data: labels, name: `local time (${tz})`, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'kW', scale: true },
    series: [
      { name: 'baseline', type: 'line', step: 'start', data: baseline.map((v) => Math.round(v * 10) / 10), lineStyle: { color: COLORS.grey, width: 2 }, itemStyle: { color: COLORS.grey }, showSymbol: false },
      { name: 'baseline − target', type: 'line', step: 'start', data: goal.map((v) => Math.round(v * 10) / 10), lineStyle: { color: COLORS.orange, type: 'dashed' }, itemStyle: { color: COLORS.orange }, showSymbol: false },
      { name: 'actual (simulated meter)', type: 'line', step: 'start', data: actual.map((v) => Math.round(v * 10) / 10), lineStyle: { color: COLORS.blue, width: 2 }, itemStyle: { color: COLORS.blue }, showSymbol: false },
    ],
  }, 960, 360, `Event ${e.id} baseline and actual load`);
  return chartFigure(svg, `Fleet load per ${e.intervalMinutes}-minute interval during event ${e.id}. Delivered energy is the area between the baseline and the actual load.`);
}

function eventsChart(model: FleetModel, r: ReplayResult): string {
  const tz = model.grid.timeZone;
  const labels = r.settlements.map((e) => isoLocal(e.startMs, tz).slice(5, 16).replace('T', ' '));
  const svg = svgChart({
    title: { text: 'Target and delivered energy per event', left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 70, right: 70, top: 50, bottom: 80 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 45, fontSize: 10 } },
    yAxis: [{ type: 'value', name: 'MWh' }, { type: 'value', name: model.currency, splitLine: { show: false } }],
    series: [
      { name: 'target', type: 'bar', data: r.settlements.map((e) => r3(e.targetKWh / 1000)), itemStyle: { color: COLORS.grey } },
      { name: 'delivered', type: 'bar', data: r.settlements.map((e) => r3(e.deliveredKWh / 1000)), itemStyle: { color: COLORS.blue } },
      { name: 'payment − penalty', type: 'line', yAxisIndex: 1, data: r.settlements.map((e) => r2(e.payment - e.penalty)), itemStyle: { color: COLORS.green }, lineStyle: { color: COLORS.green } },
    ],
  }, 960, 380, 'Target and delivered energy per event');
  return chartFigure(svg, `Each event's target and delivered energy (bars, MWh) and its net payment (line, ${model.currency}); start times in ${tz}.`);
}

/** The flexibility section of report.html: fleet chart and per-site tables. */
export function envelopeSection(model: FleetModel, env: Envelope, day: string): ExtraSection {
  const tz = model.grid.timeZone;
  const labels = env.fleet.map((h) => isoLocal(h.startMs, tz).slice(11, 16));
  const palette = [COLORS.blue, COLORS.orange, COLORS.green, COLORS.vermillion, COLORS.purple, COLORS.skyBlue];
  const series = env.durations.flatMap((d, k) => [
    { name: `reduce, ${d} h`, type: 'line' as const, data: env.fleet.map((h) => (h.reduce[k]!.feasible ? r3(h.reduce[k]!.kw / 1000) : null)), lineStyle: { color: palette[k % palette.length] }, itemStyle: { color: palette[k % palette.length] } },
    { name: `increase, ${d} h`, type: 'line' as const, data: env.fleet.map((h) => (h.increase[k]?.feasible ? -r3(h.increase[k]!.kw / 1000) : null)), lineStyle: { color: palette[k % palette.length], type: 'dashed' as const }, itemStyle: { color: palette[k % palette.length] } },
  ]);
  const svg = svgChart({
    title: { text: `Fleet flexibility envelope, ${day}`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 50, bottom: 80 },
    xAxis: { type: 'category', data: labels, name: `hour start (${tz})`, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'MW (reduce up, increase down)' },
    series,
  }, 960, 400, 'Fleet flexibility envelope');
  const parts: string[] = [];
  parts.push('<p>The largest change of grid import each site can hold from each hour for each duration without dropping inference service or breaking any job\'s QoS floor (levers: storage, SLO-neutral inference power caps, training and batch power caps, pausing; deferred work is made up before the deadline). The fleet envelope is the sum over sites: what the aggregator can promise. Work cost values lost work at each job\'s value (or unfinished-work penalty) and deferred work at a fraction of it; energy cost is the bill change during the event at the import price.</p>');
  parts.push(chartFigure(svg, `Solid: reduction held for each duration; dashed (below zero): increase. Hours in ${tz}.`));
  const table = (hs: Envelope['fleet']) => dataTable(
    [{ label: 'Hour' }, ...env.durations.map((d) => ({ label: `−${d} h`, unit: 'kW', numeric: true, decimals: 0 })), ...env.durations.map((d) => ({ label: `+${d} h`, unit: 'kW', numeric: true, decimals: 0 })), { label: `Work cost, ${env.durations[0]} h`, unit: model.currency, numeric: true, decimals: 0 }],
    hs.map((h) => [isoLocal(h.startMs, tz).slice(11, 16), ...h.reduce.map((c) => (c.feasible ? c.kw : null)), ...h.increase.map((c) => (c.feasible ? c.kw : null)), h.reduce[0]?.workCost ?? null] as Cell[]),
  );
  parts.push(`<div class="scroll">${table(env.fleet)}</div>`);
  for (const s of env.sites) parts.push(details(`Site ${s.id}`, `<div class="scroll">${table(s.hours)}</div>`));
  return { id: 'flexibility', title: 'Flexibility envelope', html: parts.join('\n') };
}
