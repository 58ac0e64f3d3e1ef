/**
 * What the grid-program stage hands to scripts: the `dr` JSON contract, the settlement
 * statement as CSV (line items and per-interval meter data), and the flexibility envelope as
 * CSV and JSON. The report.html sections are in report-sections.ts (they load the chart
 * renderer, which JSON-only callers do not need).
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { csvField, csvNumber } from '../report/format.ts';
import { POWER_MEASURE_WORDS } from '../simulate/measure.ts';
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
    measure: r.measure,
    measureDescription: POWER_MEASURE_WORDS[r.measure],
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
