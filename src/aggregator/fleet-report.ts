/**
 * The aggregator's report of an upstream event to the utility, from its sites' measured reports:
 * the sites' meters read back from the aggregator's VTN, the fleet's columns per measurement
 * interval (a load change settled with the program's rules; prices and SIMPLE levels as the
 * change against the baseline; an export limit as the metered export), and the OpenADR report.
 */
import { mapLimit } from '../concurrency/map-limit.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { OadrObject, OpenAdrClient } from '../openadr/ven/client.ts';
import type { EventSettlement } from '../programs/settlement.ts';
import type { ResolvedProgram } from '../programs/types.ts';
import { formatUtcIso } from '../time/parse.ts';
import { meteredBaselines, settleFromMeters } from './settle.ts';
import type { FleetSplit } from './split.ts';

/** One site's metered series per step of the horizon (NaN where not reported), kW. */
export interface SiteMeters {
  demand: Float64Array;
  /** Mean export, when asked for. */
  export: Float64Array | null;
}

/** One column of the fleet's report: its payload descriptor and a value per interval. */
export interface FleetColumn {
  descriptor: { objectType: 'REPORT_PAYLOAD_DESCRIPTOR'; payloadType: string; readingType: string; units: string };
  values: number[];
}

/**
 * Reads each called site's last measured report of an event (its site event in `siteEventIds`,
 * in the split's site order) as series per step: mean import (DEMAND), and with `exported` mean
 * export (EXPORT). Sites without a measured report, or without export when it is asked for, are
 * refused by name.
 */
export async function readSiteMeters(downstream: OpenAdrClient, model: FleetModel, split: FleetSplit, siteEventIds: string[], eventId: string, exported: boolean, concurrency: number): Promise<SiteMeters[]> {
  const grid = model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  return mapLimit(split.sites, concurrency, async (sh, si) => {
    const reports = await downstream.reports({ eventID: siteEventIds[si]! });
    // the last measured report wins (a VEN updates its report rather than adding one)
    const measured = reports.filter((r) => String(r.reportName ?? '').endsWith('measured')).pop();
    if (!measured) throw new Error(`site ${sh.id} has not reported its meter for event ${eventId}`);
    const res = measured.resources?.[0] as { intervalPeriod: { start: string; duration: string }; intervals: Array<{ id: number; payloads: Array<{ type: string; values: number[] }> }> };
    const from = Date.parse(res.intervalPeriod.start);
    const minutes = Number(/^PT(\d+)M$/.exec(res.intervalPeriod.duration)?.[1] ?? Number.NaN);
    const series = (type: string) => {
      const m = new Float64Array(grid.steps).fill(Number.NaN);
      for (const iv of res.intervals) {
        const v = iv.payloads.find((p) => p.type === type)?.values[0];
        if (v === undefined) continue;
        const s0 = (from + iv.id * minutes * 60_000 - grid.startMs) / stepMs;
        for (let t = Math.max(0, Math.round(s0)); t < Math.min(grid.steps, Math.round(s0 + minutes / grid.stepMinutes)); t++) m[t] = v;
      }
      return m;
    };
    const exportKW = exported ? series('EXPORT') : null;
    if (exportKW) {
      for (let t = split.startStep; t < split.endStep; t++) if (!Number.isFinite(exportKW[t]!)) throw new Error(`site ${sh.id} has not reported its export (EXPORT) for step ${t} of event ${eventId}`);
    }
    return { demand: series('DEMAND'), export: exportKW };
  });
}

/**
 * The fleet's columns per measurement interval of the event:
 *
 * - load change (reduce, setpoint): settled with the program's rules; the fleet's metered load
 *   (DEMAND), the program's baseline (BASELINE) and the energy delivered (DELTA_USAGE);
 * - prices and SIMPLE levels: the fleet's metered load, the program's baseline on the same
 *   meters, and the energy below it (DELTA_USAGE, negative where the fleet used more);
 * - export limit: the fleet's metered load and its metered export (EXPORT, kW; the sites'
 *   reports must carry it).
 */
export function fleetReportColumns(model: FleetModel, program: ResolvedProgram, split: FleetSplit, meters: SiteMeters[]): { columns: FleetColumn[]; settlement: EventSettlement | null } {
  const J = split.intervalStartMs.length;
  const hours = split.intervalMinutes / 60;
  const descriptor = (payloadType: string, readingType: string, units: string): FleetColumn['descriptor'] => ({ objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType, readingType, units });
  if (split.kind === 'reduce' || split.kind === 'setpoint') {
    const s = settleFromMeters(model, program, split, meters.map((m) => m.demand));
    const sum = (f: (x: (typeof s.sites)[number]['intervals'][number]) => number) => Array.from({ length: J }, (_, j) => s.sites.reduce((a, site) => a + f(site.intervals[j]!), 0));
    return {
      settlement: s,
      columns: [
        { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: sum((x) => x.actualKW) },
        { descriptor: descriptor('BASELINE', 'ESTIMATED', 'KW'), values: sum((x) => x.baselineKW) },
        { descriptor: descriptor('DELTA_USAGE', 'SUMMED', 'KWH'), values: sum((x) => x.deliveredKWh) },
      ],
    };
  }
  const metered = meteredBaselines(model, program, split, meters.map((m) => m.demand));
  const actual = Array.from({ length: J }, (_, j) => metered.reduce((a, x) => a + x.actualKW[j]!, 0));
  if (split.kind === 'price' || split.kind === 'simple') {
    const baseline = Array.from({ length: J }, (_, j) => metered.reduce((a, x) => a + x.baseline.kw[j]!, 0));
    return {
      settlement: null,
      columns: [
        { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: actual },
        { descriptor: descriptor('BASELINE', 'ESTIMATED', 'KW'), values: baseline },
        { descriptor: descriptor('DELTA_USAGE', 'SUMMED', 'KWH'), values: baseline.map((b, j) => (b - actual[j]!) * hours) },
      ],
    };
  }
  const k = split.stepsPerInterval;
  const exported = Array.from({ length: J }, (_, j) => {
    let sum = 0;
    for (const m of meters) for (let q = j * k; q < (j + 1) * k; q++) sum += m.export![split.startStep + q]!;
    return sum / k;
  });
  return {
    settlement: null,
    columns: [
      { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: actual },
      { descriptor: descriptor('EXPORT', 'MEAN', 'KW'), values: exported },
    ],
  };
}

/** The OpenADR report of the fleet (resource `fleet`, one interval per measurement interval) on the upstream event. */
export function fleetReport(upstream: OadrObject, eventId: string, split: FleetSplit, columns: FleetColumn[], venName: string): OadrObject {
  const what = split.kind === 'price' || split.kind === 'simple' ? 'response' : split.kind === 'export' ? 'export' : 'delivery';
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    programID: upstream.programID,
    eventID: upstream.id,
    clientName: venName,
    reportName: `${eventId} fleet ${what}`,
    payloadDescriptors: columns.map((c) => c.descriptor),
    resources: [
      {
        resourceName: 'fleet',
        intervalPeriod: { start: formatUtcIso(split.intervalStartMs[0]!), duration: `PT${split.intervalMinutes}M` },
        intervals: split.intervalStartMs.map((_, j) => ({ id: j, payloads: columns.map((c) => ({ type: c.descriptor.payloadType, values: [round(c.values[j]!)] })) })),
      },
    ],
  };
}
