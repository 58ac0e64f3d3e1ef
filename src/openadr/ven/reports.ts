/**
 * The VEN's reports as OpenADR 3.1 report objects: the forecast of an answer (expected import,
 * baseline, planned reduction, storage level per step), the same with the steps of a withdrawal
 * back to the plan, and the measured report from meter telemetry. Pure: the VEN posts them.
 */
import type { SiteEventResponse } from '../../respond/respond-event.ts';
import type { SiteState } from '../../respond/site-call.ts';
import { formatUtcIso } from '../../time/parse.ts';
import type { OadrObject } from './client.ts';
import type { EventCall } from './event-call.ts';
import type { TelemetryStore } from './telemetry.ts';

/** Who reports: the site's state, the VEN's name and the resource its reports are about. */
export interface Reporter {
  state: SiteState;
  venName: string;
  /** Resource name in the reports (default: the site's id). */
  resourceName?: string;
}

/** What a report is about: an event, what it asked of the site, and the site's answer. */
export interface AnsweredEvent {
  event: OadrObject;
  call: EventCall;
  response: SiteEventResponse;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** A report's head and its one resource, without intervals. */
function reportBase(who: Reporter, event: OadrObject, name: string, startMs: number, intervalMs: number): OadrObject {
  return {
    programID: event.programID,
    eventID: event.id,
    clientName: who.venName,
    reportName: name,
    resources: [{ resourceName: who.resourceName ?? who.state.model.sites[who.state.site]!.id, intervalPeriod: { start: formatUtcIso(startMs), duration: `PT${Math.round(intervalMs / 60_000)}M` }, intervals: [] as OadrObject[] }],
  };
}

/**
 * The answer as a report: expected import, base import, planned reduction and storage per step.
 * With `withdrawn`, the steps from `fromStep` on show the plan (the event's setpoints withdrawn).
 */
export function forecastReport(who: Reporter, a: AnsweredEvent, withdrawn?: { fromStep: number; event?: OadrObject }): OadrObject {
  const grid = who.state.model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  const name = withdrawn ? `${a.call.id} forecast (withdrawn from ${formatUtcIso(grid.startMs + withdrawn.fromStep * stepMs)})` : `${a.call.id} forecast`;
  const r = reportBase(who, withdrawn?.event ?? a.event, name, grid.startMs + a.call.startStep * stepMs, stepMs);
  const L = who.state.baseLedger.sites[who.state.site]!;
  const x0 = a.response;
  const off = (q: number) => withdrawn !== undefined && a.call.startStep + q >= withdrawn.fromStep;
  const x = {
    ...x0,
    plannedKW: x0.plannedKW.map((p, q) => (off(q) ? 0 : p)),
    expectedImportKW: x0.expectedImportKW.map((v, q) => (off(q) ? x0.baseImportKW[q]! : v)),
    expectedSocKWh: x0.expectedSocKWh ? x0.expectedSocKWh.map((v, q) => (off(q) ? L.socKWh[a.call.startStep + q]! : v)) : null,
  };
  r.payloadDescriptors = [
    { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'USAGE_FORECAST', readingType: 'FORECAST', units: 'KW' },
    { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'BASELINE', readingType: 'FORECAST', units: 'KW' },
    { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'LOAD_SHED_DELTA_AVAILABLE', readingType: 'FORECAST', units: 'KW' },
    ...(x.expectedSocKWh ? [{ objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'STORAGE_CHARGE_LEVEL', readingType: 'FORECAST', units: 'KWH' }] : []),
  ];
  r.resources[0].intervals = Array.from(x.plannedKW, (p, q) => ({
    id: q,
    payloads: [
      { type: 'USAGE_FORECAST', values: [round(x.expectedImportKW[q]!)] },
      { type: 'BASELINE', values: [round(x.baseImportKW[q]!)] },
      { type: 'LOAD_SHED_DELTA_AVAILABLE', values: [round(p)] },
      ...(x.expectedSocKWh ? [{ type: 'STORAGE_CHARGE_LEVEL', values: [round(x.expectedSocKWh[q]!)] }] : []),
    ],
  }));
  return r;
}

/**
 * A forecast report as stored at the VTN (`forecastReport`'s shape, its server-set fields taken
 * off) with the steps from `fromStep` on showing the plan, as {@link forecastReport} writes a
 * withdrawal: the expected import back to the baseline, no shed, the planned storage charge level.
 * For a VEN that answered before a restart: the answer is gone, its report is at the VTN.
 */
export function withdrawnStoredReport(who: Reporter, stored: OadrObject, fromStep: number): OadrObject {
  const { id: _i, createdDateTime: _c, modificationDateTime: _m, objectType: _o, ...report } = stored;
  const grid = who.state.model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  const L = who.state.baseLedger.sites[who.state.site]!;
  const res = (report.resources as OadrObject[])[0]!;
  const startStep = Math.round((Date.parse(String(res.intervalPeriod.start)) - grid.startMs) / stepMs);
  for (const iv of res.intervals as Array<{ id: number; payloads: Array<{ type: string; values: number[] }> }>) {
    const t = startStep + iv.id;
    if (t < fromStep) continue;
    const base = iv.payloads.find((p) => p.type === 'BASELINE')?.values[0];
    for (const p of iv.payloads) {
      if (p.type === 'USAGE_FORECAST' && base !== undefined) p.values = [base];
      else if (p.type === 'LOAD_SHED_DELTA_AVAILABLE') p.values = [0];
      else if (p.type === 'STORAGE_CHARGE_LEVEL' && t < grid.steps) p.values = [round(L.socKWh[t]!)];
    }
  }
  const name = String(report.reportName ?? '').replace(/ forecast( \(withdrawn from [^)]*\))?$/, '');
  report.reportName = `${name} forecast (withdrawn from ${formatUtcIso(grid.startMs + fromStep * stepMs)})`;
  return report;
}

/**
 * The measured report of an answered event: mean meter power (DEMAND, kW) per interval of
 * `intervalMinutes` from `fromMs` to the event's end (the history a baseline reads comes first),
 * and where known the mean power exported (EXPORT, kW, a private payload type: OpenADR's DEMAND
 * is import and never negative) and the storage charge level. Missing meter telemetry is refused.
 */
export function measuredReport(who: Reporter, a: AnsweredEvent, telemetry: TelemetryStore, fromMs: number, intervalMinutes: number): OadrObject {
  const grid = who.state.model.grid;
  const intervalMs = intervalMinutes * 60_000;
  const endMs = grid.startMs + a.call.endStep * grid.stepMinutes * 60_000;
  const count = Math.round((endMs - fromMs) / intervalMs);
  const kw = telemetry.averages('meterKW', fromMs, intervalMs, count);
  const gap = kw.findIndex((v) => Number.isNaN(v));
  if (gap >= 0) throw new Error(`VEN ${who.venName}: no meter telemetry for ${formatUtcIso(fromMs + gap * intervalMs)}`);
  const optional = [
    { type: 'EXPORT', units: 'KW', values: telemetry.averages('exportKW', fromMs, intervalMs, count) },
    { type: 'STORAGE_CHARGE_LEVEL', units: 'KWH', values: telemetry.averages('storageSocKWh', fromMs, intervalMs, count) },
  ].filter((x) => x.values.some((v) => !Number.isNaN(v)));
  const r = reportBase(who, a.event, `${a.call.id} measured`, fromMs, intervalMs);
  r.payloadDescriptors = [
    { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'DEMAND', readingType: 'MEAN', units: 'KW' },
    ...optional.map((x) => ({ objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: x.type, readingType: 'MEAN', units: x.units })),
  ];
  r.resources[0].intervals = Array.from(kw, (v, i) => ({
    id: i,
    payloads: [{ type: 'DEMAND', values: [round(v)] }, ...optional.filter((x) => !Number.isNaN(x.values[i]!)).map((x) => ({ type: x.type, values: [round(x.values[i]!)] }))],
  }));
  return r;
}
