/**
 * What the grid-program stage hands to people and scripts: the `dr` JSON contract, the
 * settlement statement as CSV (line items and per-interval meter data), the flexibility
 * envelope as CSV and JSON, and the report sections (charts and tables) for report.html.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { chartFigure, COLORS, csvField, csvNumber, dataTable, details, escapeHtml, formatNumber, formatPercent, kpiTable, svgChart, textList, type Cell, type ExtraSection, type KpiRow } from '../report/index.ts';
import { formatLocalIso, offsetMinutesAt } from '../time/zone.ts';
import type { Envelope, EnvelopeCell } from './envelope.ts';
import type { ReplayResult } from './replay.ts';
import type { EventSettlement } from './settlement.ts';

/** ISO local time with offset in `timeZone`. */
export function isoLocal(ms: number, timeZone: string): string {
  return formatLocalIso(ms, offsetMinutesAt(timeZone, ms));
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Energy bills before and after the events (from the simulated ledgers). */
export interface BillChange {
  before: number;
  after: number;
  change: number;
}

/** The `dr` JSON contract (fields are only ever added). */
export function drJson(model: FleetModel, r: ReplayResult, bills?: BillChange): Record<string, unknown> {
  const tz = model.grid.timeZone;
  const p = r.program;
  const methods = [...new Set(r.program.siteIndices.map((s) => p.baselines.get(s)!.method))];
  const first = r.settlements[0]!;
  const last = r.settlements[r.settlements.length - 1]!;
  const t = r.totals;
  const single = r.settlements.length === 1;
  return {
    scenario: model.name,
    program: {
      id: p.id, name: p.name, kind: p.direction === 'reduce' ? 'peakShaving' : 'valleyFilling',
      energyPayPerMWh: p.energyPayPerMWh, capacityPayPerKWMonth: p.capacityPayPerKWMonth,
      measurementIntervalMinutes: p.measurementIntervalMinutes, delivery: p.delivery, aggregatorShare: p.aggregatorShare,
    },
    currency: model.currency,
    direction: p.direction,
    event: { id: single ? first.id : `${r.settlements.length} events`, start: isoLocal(first.startMs, tz), end: isoLocal(last.endMs, tz), count: r.settlements.length },
    baselineMethod: methods.length === 1 ? methods[0] : p.baselines.get(p.siteIndices[0]!)!.method,
    baselineMethods: Object.fromEntries(p.siteIndices.map((s) => [model.sites[s]!.id, p.baselines.get(s)!.method])),
    targetReductionMW: r6(r.settlements.reduce((a, e) => a + e.meanTargetKW, 0) / r.settlements.length / 1000),
    targetMWh: r6(t.targetKWh / 1000),
    deliveredMWh: r6(t.deliveredKWh / 1000),
    deliveryRatio: r6(t.deliveryRatio),
    payment: r2(t.energyPayment + t.capacityPayment),
    energyPayment: r2(t.energyPayment),
    capacityPayment: r2(t.capacityPayment),
    penalty: r2(t.penalty),
    aggregatorKeeps: r2(t.aggregatorKeeps),
    net: r2(t.net),
    commitmentMW: r.commitmentKW !== undefined ? r6(r.commitmentKW / 1000) : null,
    sites: t.bySite.map((s) => ({
      id: s.id,
      baselineMethod: p.baselines.get(model.sites.findIndex((x) => x.id === s.id))?.method ?? null,
      baselineMWh: r6(s.baselineKWh / 1000),
      actualMWh: r6(s.actualKWh / 1000),
      deliveredMWh: r6(s.deliveredKWh / 1000),
      payment: r2(s.payment),
      penalty: r2(s.penalty),
    })),
    events: r.settlements.map((e) => eventJson(e, tz)),
    work: {
      lostGpuHours: r3(r.work.lostGpuHours),
      deferredGpuHours: r3(r.work.deferredGpuHours),
      notMadeUpGpuHours: r3(r.work.notMadeUpGpuHours),
      lostWorkValue: r2(r.work.lostWorkValue),
      qosBefore: r.checks.qosBefore === null ? null : r6(r.checks.qosBefore),
      qosAfter: r.checks.qosAfter === null ? null : r6(r.checks.qosAfter),
      byWorkload: r.work.byWorkload.map((w) => ({ ...w, lostGpuHours: r3(w.lostGpuHours), deferredGpuHours: r3(w.deferredGpuHours), performanceBefore: r6(w.performanceBefore), performanceAfter: r6(w.performanceAfter) })),
    },
    energyBill: bills ? { before: r2(bills.before), after: r2(bills.after), change: r2(bills.change) } : null,
    checks: { sloKept: r.checks.sloKept, qosKept: r.checks.qosKept, violations: r.checks.violations },
    notes: r.notes,
  };
}

function eventJson(e: EventSettlement, tz: string): Record<string, unknown> {
  return {
    id: e.id,
    start: isoLocal(e.startMs, tz),
    end: isoLocal(e.endMs, tz),
    source: e.source,
    targetMW: r6(e.meanTargetKW / 1000),
    targetMWh: r6(e.targetKWh / 1000),
    deliveredMWh: r6(e.deliveredKWh / 1000),
    deliveryRatio: r6(e.deliveryRatio),
    rule: e.band.rule,
    payment: r2(e.payment),
    penalty: r2(e.penalty),
    sites: e.sites.map((s) => ({
      id: s.id,
      baselineMethod: s.baseline.method,
      baselineDays: s.baseline.daysUsed,
      adjustment: s.baseline.adjustment ?? null,
      baselineMWh: r6(s.baselineKWh / 1000),
      actualMWh: r6(s.actualKWh / 1000),
      deliveredMWh: r6(s.deliveredKWh / 1000),
      targetMWh: r6(s.targetKWh / 1000),
      payment: r2(s.payment),
      penalty: r2(s.penalty),
    })),
  };
}

/** Settlement line items as CSV: every pay, penalty and share line, then capacity pay. */
export function settlementLinesCsv(r: ReplayResult, currency: string): string {
  const n3 = csvNumber(3);
  const n2 = csvNumber(2);
  const n4 = csvNumber(4);
  const rows = [`event,party,item,quantity,unit,rate_${currency}_per_unit,amount_${currency}`];
  for (const e of r.settlements) {
    for (const l of e.lines) rows.push([csvField(l.event), csvField(l.party), csvField(l.item), n4(l.quantity), csvField(l.unit), n4(l.rate), n2(l.amount)].join(','));
  }
  const c = r.capacity;
  if (c) {
    rows.push(['capacity', 'fleet', csvField(`capacity payment (${n3(c.commitmentKW)} kW × ${n3(c.months)} months)`), n3(c.commitmentKW), 'kW', n4(c.ratePerKWMonth * c.months), n2(c.amount)].join(','));
    if (c.aggregatorKeeps > 0) rows.push(['capacity', 'fleet', 'aggregator share', n4(r.program.aggregatorShare), 'fraction', '0', n2(-c.aggregatorKeeps)].join(','));
    for (const s of c.bySite) rows.push(['capacity', csvField(s.id), 'capacity payment share by commitment', n3(s.commitmentKW), 'kW', '0', n2(s.payment)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** Per-interval meter data of every event and site: baseline, actual, delivered, target. */
export function settlementIntervalsCsv(model: FleetModel, r: ReplayResult): string {
  const n3 = csvNumber(3);
  const rows = ['event,site,interval_start_local,interval_start_utc,baseline_kW,actual_kW,delivered_kWh,target_kW,baseline_method,baseline_days'];
  for (const e of r.settlements) {
    for (const s of e.sites) {
      const tz = model.sites[s.index]!.timeZone;
      const days = csvField(s.baseline.daysUsed.join(' '));
      for (const row of s.intervals) {
        rows.push([csvField(e.id), csvField(s.id), isoLocal(row.startMs, tz), new Date(row.startMs).toISOString().replace('.000Z', 'Z'), n3(row.baselineKW), n3(row.actualKW), n3(row.deliveredKWh), n3(row.targetKW), s.baseline.method, days].join(','));
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

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

/** The envelope as CSV: one row per site (and the fleet), hour, direction and duration. */
export function envelopeCsv(model: FleetModel, env: Envelope, currency: string): string {
  const n3 = csvNumber(3);
  const n2 = csvNumber(2);
  const rows = [`site,hour_start_local,direction,duration_h,kW,lost_gpu_h,deferred_gpu_h,work_cost_${currency},energy_kWh,energy_cost_${currency},feasible`];
  const tz = model.grid.timeZone;
  const emit = (id: string, hours: Envelope['fleet']) => {
    for (const hr of hours) {
      for (const [dir, cells] of [['reduce', hr.reduce], ['increase', hr.increase]] as const) {
        cells.forEach((c: EnvelopeCell, k) => rows.push([csvField(id), isoLocal(hr.startMs, tz), dir, String(env.durations[k]), n3(c.kw), n3(c.lostGpuHours), n3(c.deferredGpuHours), n2(c.workCost), n3(c.energyKWh), n2(c.energyCost), c.feasible ? '1' : '0'].join(',')));
      }
    }
  };
  for (const s of env.sites) emit(s.id, s.hours);
  emit('fleet', env.fleet);
  return `${rows.join('\n')}\n`;
}

/** The envelope as JSON (kW, GPU-h, currency; local hour starts). */
export function envelopeJson(model: FleetModel, env: Envelope, day: string): Record<string, unknown> {
  const tz = model.grid.timeZone;
  const cell = (c: EnvelopeCell) => ({ kW: r3(c.kw), lostGpuHours: r3(c.lostGpuHours), deferredGpuHours: r3(c.deferredGpuHours), workCost: r2(c.workCost), energyKWh: r3(c.energyKWh), energyCost: r2(c.energyCost), feasible: c.feasible });
  const hours = (hs: Envelope['fleet']) => hs.map((h) => ({ start: isoLocal(h.startMs, tz), reduce: h.reduce.map(cell), increase: h.increase.map(cell) }));
  return {
    scenario: model.name,
    day,
    timeZone: tz,
    currency: model.currency,
    durationsHours: env.durations,
    fleet: { hours: hours(env.fleet) },
    sites: env.sites.map((s) => ({ id: s.id, hours: hours(s.hours) })),
  };
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
