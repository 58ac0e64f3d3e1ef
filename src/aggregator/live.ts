/**
 * The live aggregator: a VEN to the utility's VTN and the business logic of its own VTN at once.
 * An upstream event is read by its payload (upstream.ts): a fleet change in kW or percent of the
 * baseline, or a fleet import setpoint, is split across the sites by the fleet's flexibility
 * (split.ts) and sent down as one IMPORT_CAPACITY_LIMIT or DISPATCH_SETPOINT event per site; a
 * fleet export limit is split by the sites' export flexibility (export-split.ts) into one
 * EXPORT_CAPACITY_LIMIT event per site; prices and SIMPLE levels go down to every site as they came. Each site
 * event is targeted at that site's VEN. After the event the sites' measured reports are read
 * back and the fleet's metered load goes up to the utility as a report: a load change settled on
 * them with the program's baseline (settle.ts), a price or SIMPLE event with that baseline and the change
 * against it, an export limit with the fleet's metered export. What the utility changes follows
 * the same way down: a new version of an upstream event updates the site events, a cancel by
 * update cancels them, a deleted upstream event deletes them. A restarted aggregator reads its
 * site events back from its VTN (recover.ts) and adopts them instead of sending them again.
 */
import type { MqttClient } from 'mqtt';
import type { FleetModel } from '../model/fleet-model.ts';
import { openAdrEventKey, siteDispatchEvent, sitePriceEvent } from '../programs/openadr/event.ts';
import type { EventSettlement } from '../programs/settlement.ts';
import type { GridEvent, ResolvedProgram } from '../programs/types.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { formatUtcIso } from '../time/parse.ts';
import type { OadrObject, OpenAdrClient } from '../openadr/ven/client.ts';
import { connectWithToken } from '../openadr/ven/mqtt-login.ts';
import { cancelled } from '../openadr/ven/ven.ts';
import { MAX_BATCH } from '../openadr/vtn/repo/write-queue.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import { splitExportLimit } from './export-split.ts';
import { readSiteEvents, sameSiteEvent, type FoundSiteEvents } from './recover.ts';
import { meteredBaselines, settleFromMeters } from './settle.ts';
import { eventWindow, splitFleetEvent, type FleetSplit, type SiteShare } from './split.ts';
import { readUpstreamEvent, type UpstreamCall } from './upstream.ts';

/** Options of the live aggregator. */
export interface LiveAggregatorOptions {
  /** The aggregator as a VEN client of the utility's VTN. */
  upstream: OpenAdrClient;
  upstreamVenName: string;
  /** MQTT broker URL of the utility's notifier (a VEN may not read GET /notifiers). */
  upstreamMqttUrl?: string;
  /** The aggregator as the business-logic client of its own VTN. */
  downstream: OpenAdrClient;
  /** Program of the aggregator's VTN its site events belong to. */
  siteProgramId: string;
  model: FleetModel;
  base: Dispatch;
  baseLedger: Ledger;
  program: ResolvedProgram;
  /** The scenario's clock, UTC ms (accelerated time); events count as issued now on it. Default: the event's createdDateTime. */
  scenarioNow?: () => number;
  /** Called when an upstream event has been split and sent down. */
  onDispatched?: (d: DispatchedEvent) => void;
  onError?: (e: Error) => void;
  /**
   * Creates a site event at the aggregator's VTN. Default: POST /events with the downstream
   * client; an aggregator that hosts its VTN in the same process passes the VTN's repository.
   */
  createSiteEvent?: (request: OadrObject) => Promise<OadrObject>;
  /**
   * Site events created at once (default 32 over HTTP; 256 in process, one write batch of the
   * VTN's group commit, so a fleet's events go out in a few transactions before the VENs that
   * already hold theirs take the event loop for their LPs).
   */
  concurrency?: number;
}

/** An upstream event and what went down for it. */
export interface DispatchedEvent {
  upstream: OadrObject;
  event: GridEvent;
  /** The upstream event's version handled (modificationDateTime). */
  version: string;
  /** True when the upstream event was cancelled (updated to ask nothing) and the site events with it. */
  cancelled?: boolean;
  /** How it went down (also `split.kind`) and its upstream payload types not passed down. */
  call: UpstreamCall;
  split: FleetSplit;
  /** Site event ids on the aggregator's VTN, in the split's site order. */
  siteEventIds: string[];
}

/** The aggregator in the middle. */
export class LiveAggregator {
  readonly dispatched = new Map<string, DispatchedEvent>();
  /** Site events found at the aggregator's VTN at start and not yet matched to an upstream event. */
  private found: FoundSiteEvents = new Map();
  venId = '';
  private mqttClient: MqttClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly opts: LiveAggregatorOptions) {}

  /** Registers upstream, listens for events (MQTT when offered), and handles those already out. */
  async start(): Promise<void> {
    const up = this.opts.upstream;
    this.venId = String((await up.ensureVen(this.opts.upstreamVenName)).id);
    // a restart: what went down before is at the aggregator's VTN (read before any upstream event is handled)
    this.found = await readSiteEvents(this.opts.downstream, this.opts.siteProgramId);
    const n = await up.notifiers().catch(() => ({}) as OadrObject);
    const uri = this.opts.upstreamMqttUrl ?? ((n.MQTT?.URIS ?? []) as string[])[0];
    let topics: string[] = [];
    if (uri) {
      const t = (await up.call('GET', `/notifiers/mqtt/topics/vens/${encodeURIComponent(this.venId)}/events`)) as { topics?: { CREATE?: string; UPDATE?: string; DELETE?: string } };
      topics = [t.topics?.CREATE, t.topics?.UPDATE, t.topics?.DELETE].filter((x): x is string => typeof x === 'string');
    }
    if (uri && topics.length > 0) {
      this.mqttClient = await connectWithToken(uri, up, {
        reconnectPeriod: 2000,
        topics,
        onMessage: (_t, payload) => {
          try {
            const msg = JSON.parse(payload.toString()) as { objectType?: string; operation?: string; object?: OadrObject };
            if (msg.objectType !== 'EVENT' || !msg.object) return;
            if (msg.operation === 'DELETE') this.enqueueWithdraw(String(msg.object.id));
            else this.enqueue(msg.object);
          } catch (e) {
            this.opts.onError?.(e as Error);
          }
        },
        onError: (e) => this.opts.onError?.(e),
      });
    }
    await this.poll();
  }

  /**
   * Lists upstream events and handles new and changed ones; an event dispatched here that the
   * utility no longer lists (deleted, or no longer targeted at the aggregator) is withdrawn.
   */
  async poll(): Promise<void> {
    const events = await this.opts.upstream.events();
    for (const e of events) this.enqueue(e);
    const listed = new Set(events.map((e) => String(e.id)));
    for (const id of this.dispatched.keys()) if (!listed.has(id)) this.enqueueWithdraw(id);
    // site events of upstream events deleted while the aggregator was down
    const keys = new Set(events.map((e) => openAdrEventKey(e)));
    for (const [key, bySite] of this.found) {
      if (keys.has(key)) continue;
      this.found.delete(key);
      const ids = [...bySite.values()].map((e) => String(e.id));
      this.queue = this.queue.then(() => this.deleteSiteEvents(ids)).catch((err: Error) => this.opts.onError?.(err));
    }
    await this.queue;
  }

  private enqueue(e: OadrObject): void {
    this.queue = this.queue.then(() => this.handle(e)).catch((err: Error) => this.opts.onError?.(err));
  }

  private enqueueWithdraw(id: string): void {
    this.queue = this.queue.then(() => this.withdraw(id)).catch((err: Error) => this.opts.onError?.(err));
  }

  /**
   * Withdraws an upstream event that was deleted: its site events are deleted at the aggregator's
   * VTN (their VENs withdraw their setpoints on the DELETE notification, or at their next poll).
   */
  async withdraw(upstreamId: string): Promise<void> {
    const d = this.dispatched.get(upstreamId);
    if (!d) return;
    await this.deleteSiteEvents(d.siteEventIds);
    this.dispatched.delete(upstreamId);
  }

  private async deleteSiteEvents(ids: string[]): Promise<void> {
    await mapLimit(ids, this.opts.concurrency ?? 32, (id) => this.opts.downstream.call('DELETE', `/events/${encodeURIComponent(id)}`).catch((e: Error & { status?: number }) => {
      if (e.status !== 404) throw e;
    }));
  }

  /**
   * Splits one upstream event and sends each site its part, once per version of the event: a new
   * version (modificationDateTime) updates the site events in place, a site no longer called gets
   * its event cancelled, and a version that asks nothing (no interval with a value: OpenADR's
   * cancel by update) cancels every site event; the VENs answer or withdraw in turn.
   */
  async handle(upstream: OadrObject): Promise<DispatchedEvent | undefined> {
    const key = String(upstream.id);
    const version = String(upstream.modificationDateTime ?? upstream.createdDateTime ?? '');
    const known = this.dispatched.get(key);
    if (known && known.version === version) return known;
    // sent before a restart: adopted, each site event updated only where it would change
    const found = known ? undefined : this.found.get(openAdrEventKey(upstream));
    if (found) this.found.delete(openAdrEventKey(upstream));
    if (cancelled(upstream)) {
      if (!known) {
        const open = [...(found ?? new Map<string, OadrObject>())].filter(([, e]) => Array.isArray(e.intervals) && e.intervals.length > 0);
        await mapLimit(open, this.opts.concurrency ?? 32, ([site, e]) => this.cancelSiteEvent(String(e.id), site, openAdrEventKey(upstream)));
        return undefined;
      }
      await mapLimit(known.split.sites, this.opts.concurrency ?? 32, (sh, i) => this.cancelSiteEvent(known.siteEventIds[i]!, sh.id, known.event.id));
      const d: DispatchedEvent = { ...known, upstream, version, cancelled: true };
      this.dispatched.set(key, d);
      return d;
    }
    const { model, program } = this.opts;
    const call = readUpstreamEvent(upstream, { path: '' }, { direction: program.direction, siteIds: model.sites.map((s) => s.id), programIds: [] });
    const event = this.opts.scenarioNow ? { ...call.event, issuedMs: this.opts.scenarioNow() } : call.event;
    const split = this.split(call, event);
    const issued = Date.now();
    // a new version: the sites' events are updated in place (same ids, so their VENs answer anew)
    const previous = new Map(known ? known.split.sites.map((sh, i) => [sh.id, known.siteEventIds[i]!]) : [...(found ?? [])].map(([site, e]) => [site, String(e.id)]));
    const siteEventIds = await mapLimit(split.sites, this.opts.concurrency ?? (this.opts.createSiteEvent ? MAX_BATCH : 32), async (sh) => {
      const e = this.siteEvent(call, split, sh, issued);
      const { id: _id, createdDateTime: _c, modificationDateTime: _m, objectType: _o, ...request } = e;
      const body = { ...request, programID: this.opts.siteProgramId, reportDescriptors: [{ payloadType: 'DEMAND', readingType: 'MEAN', units: 'KW' }, ...(call.kind === 'export' ? [{ payloadType: 'EXPORT', readingType: 'MEAN', units: 'KW' }] : [])] };
      const id = previous.get(sh.id);
      const existing = found?.get(sh.id);
      if (existing && sameSiteEvent(existing, body)) return id!;
      if (id !== undefined) {
        await this.opts.downstream.call('PUT', `/events/${encodeURIComponent(id)}`, { body });
        return id;
      }
      const made = await (this.opts.createSiteEvent ?? ((b) => this.opts.downstream.createEvent(b)))(body);
      return String(made.id);
    });
    const called = new Set(split.sites.map((sh) => sh.id));
    for (const [site, id] of previous) if (!called.has(site)) await this.cancelSiteEvent(id, site, event.id);
    const d: DispatchedEvent = { upstream, version, event, call, split, siteEventIds };
    this.dispatched.set(String(upstream.id), d);
    this.opts.onDispatched?.(d);
    return d;
  }

  /** Cancels one site event by an update that asks nothing (its reports stay). */
  private async cancelSiteEvent(id: string, site: string, eventId: string): Promise<void> {
    await this.opts.downstream.call('PUT', `/events/${encodeURIComponent(id)}`, { body: { programID: this.opts.siteProgramId, eventName: `${eventId}: cancelled for ${site}`, targets: [site], intervals: [] } });
  }

  private split(call: UpstreamCall, event: GridEvent): FleetSplit {
    const { model, base, baseLedger, program } = this.opts;
    if (call.kind === 'reduce' || call.kind === 'setpoint') return splitFleetEvent(model, base, baseLedger, program, event, { setpoint: call.kind === 'setpoint' });
    if (call.kind === 'export') return splitExportLimit(model, base, baseLedger, program, event, call.limits);
    // prices and SIMPLE levels: nothing to split; every called site gets them
    const w = eventWindow(model, program, event, false);
    const J = w.intervalStartMs.length;
    const len = w.endStep - w.startStep;
    const sites: SiteShare[] = w.sites.map((s) => ({ site: s, id: model.sites[s]!.id, amountKW: new Float64Array(len), limitKW: [], plannedDeliveryKW: new Float64Array(J) }));
    return { kind: call.kind, event, startStep: w.startStep, endStep: w.endStep, stepsPerInterval: w.stepsPerInterval, intervalMinutes: w.intervalMinutes, intervalStartMs: w.intervalStartMs, forecastTargetKW: new Float64Array(J), requiredKW: new Float64Array(len), sites, eventDays: w.eventDays };
  }

  private siteEvent(call: UpstreamCall, split: FleetSplit, sh: SiteShare, issued: number): OadrObject {
    const site = this.opts.model.sites[sh.site]!;
    if (call.kind === 'price' || call.kind === 'simple') {
      return sitePriceEvent({ site: sh.id, timeZone: site.timeZone, prices: call.prices, descriptor: call.descriptor, payloadType: call.kind === 'price' ? 'PRICE' : 'SIMPLE' }, split.event.id, this.opts.siteProgramId, issued);
    }
    // an import limit cannot ask for more: a valley-filling program's sites get setpoints
    const type = call.kind === 'export' ? 'EXPORT_CAPACITY_LIMIT' : call.kind === 'setpoint' || this.opts.program.direction === 'increase' ? 'DISPATCH_SETPOINT' : 'IMPORT_CAPACITY_LIMIT';
    return siteDispatchEvent({ site: sh.id, timeZone: site.timeZone, startMs: split.intervalStartMs, intervalMinutes: split.intervalMinutes, limitKW: sh.limitKW }, split.event.id, this.opts.siteProgramId, issued, type);
  }

  /**
   * Reads each site's last measured report of an upstream event as series per step of the
   * horizon (NaN where not reported): mean import (DEMAND), and with `exported` mean export
   * (EXPORT). Sites without a measured report, or without export when it is asked for, are
   * refused by name.
   */
  private async measured(d: DispatchedEvent, exported: boolean): Promise<Array<{ demand: Float64Array; export: Float64Array | null }>> {
    const grid = this.opts.model.grid;
    const stepMs = grid.stepMinutes * 60_000;
    return mapLimit(d.split.sites, this.opts.concurrency ?? 32, async (sh, si) => {
      const reports = await this.opts.downstream.reports({ eventID: d.siteEventIds[si]! });
      // the last measured report wins (a VEN updates its report rather than adding one)
      const measured = reports.filter((r) => String(r.reportName ?? '').endsWith('measured')).pop();
      if (!measured) throw new Error(`site ${sh.id} has not reported its meter for event ${d.event.id}`);
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
        for (let t = d.split.startStep; t < d.split.endStep; t++) if (!Number.isFinite(exportKW[t]!)) throw new Error(`site ${sh.id} has not reported its export (EXPORT) for step ${t} of event ${d.event.id}`);
      }
      return { demand: series('DEMAND'), export: exportKW };
    });
  }

  /**
   * Settles an upstream load-change event (reduce or setpoint) on the sites' measured reports and
   * posts the fleet's delivery upstream; see {@link report}.
   */
  async settle(upstreamId: string): Promise<{ settlement: EventSettlement; reportId: string }> {
    // refused before anything is posted upstream: only a load change is settled
    const kind = this.dispatched.get(upstreamId)?.split.kind;
    const unsettled = { price: 'prices', simple: 'SIMPLE levels', export: 'an export limit' } as const;
    if (kind === 'price' || kind === 'simple' || kind === 'export') throw new Error(`upstream event ${upstreamId} passed on ${unsettled[kind]}: it is reported, not settled`);
    const r = await this.report(upstreamId);
    return { settlement: r.settlement!, reportId: r.reportId };
  }

  /**
   * Reports an upstream event to the utility from the sites' measured reports (DEMAND per
   * interval from the horizon start), per measurement interval of the event:
   *
   * - load change (reduce, setpoint): settled with the program's rules; the fleet's metered load
   *   (DEMAND), the program's baseline (BASELINE) and the energy delivered (DELTA_USAGE);
   * - prices and SIMPLE levels: the fleet's metered load, the program's baseline on the same
   *   meters, and the energy below it (DELTA_USAGE, negative where the fleet used more);
   * - export limit: the fleet's metered load and its metered export (EXPORT, kW; the sites'
   *   reports must carry it).
   *
   * Sites without a measured report are refused by name.
   */
  async report(upstreamId: string): Promise<{ reportId: string; settlement: EventSettlement | null }> {
    const d = this.dispatched.get(upstreamId);
    if (!d) throw new Error(`upstream event ${upstreamId} was not dispatched`);
    const { model, program } = this.opts;
    const meters = await this.measured(d, d.split.kind === 'export');
    const J = d.split.intervalStartMs.length;
    const hours = d.split.intervalMinutes / 60;
    const descriptor = (payloadType: string, readingType: string, units: string) => ({ objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType, readingType, units });
    let settlement: EventSettlement | null = null;
    let columns: Array<{ descriptor: ReturnType<typeof descriptor>; values: number[] }>;
    if (d.split.kind === 'reduce' || d.split.kind === 'setpoint') {
      const s = settleFromMeters(model, program, d.split, meters.map((m) => m.demand));
      settlement = s;
      const sum = (f: (x: (typeof s.sites)[number]['intervals'][number]) => number) => Array.from({ length: J }, (_, j) => s.sites.reduce((a, site) => a + f(site.intervals[j]!), 0));
      columns = [
        { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: sum((x) => x.actualKW) },
        { descriptor: descriptor('BASELINE', 'ESTIMATED', 'KW'), values: sum((x) => x.baselineKW) },
        { descriptor: descriptor('DELTA_USAGE', 'SUMMED', 'KWH'), values: sum((x) => x.deliveredKWh) },
      ];
    } else {
      const metered = meteredBaselines(model, program, d.split, meters.map((m) => m.demand));
      const actual = Array.from({ length: J }, (_, j) => metered.reduce((a, x) => a + x.actualKW[j]!, 0));
      if (d.split.kind === 'price' || d.split.kind === 'simple') {
        const baseline = Array.from({ length: J }, (_, j) => metered.reduce((a, x) => a + x.baseline.kw[j]!, 0));
        columns = [
          { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: actual },
          { descriptor: descriptor('BASELINE', 'ESTIMATED', 'KW'), values: baseline },
          { descriptor: descriptor('DELTA_USAGE', 'SUMMED', 'KWH'), values: baseline.map((b, j) => (b - actual[j]!) * hours) },
        ];
      } else {
        const k = d.split.stepsPerInterval;
        const exported = Array.from({ length: J }, (_, j) => {
          let sum = 0;
          for (const m of meters) for (let q = j * k; q < (j + 1) * k; q++) sum += m.export![d.split.startStep + q]!;
          return sum / k;
        });
        columns = [
          { descriptor: descriptor('DEMAND', 'MEAN', 'KW'), values: actual },
          { descriptor: descriptor('EXPORT', 'MEAN', 'KW'), values: exported },
        ];
      }
    }
    const report = await this.opts.upstream.createReport({
      programID: d.upstream.programID,
      eventID: d.upstream.id,
      clientName: this.opts.upstreamVenName,
      reportName: `${d.event.id} fleet ${d.split.kind === 'price' || d.split.kind === 'simple' ? 'response' : d.split.kind === 'export' ? 'export' : 'delivery'}`,
      payloadDescriptors: columns.map((c) => c.descriptor),
      resources: [
        {
          resourceName: 'fleet',
          intervalPeriod: { start: formatUtcIso(d.split.intervalStartMs[0]!), duration: `PT${d.split.intervalMinutes}M` },
          intervals: d.split.intervalStartMs.map((_, j) => ({ id: j, payloads: columns.map((c) => ({ type: c.descriptor.payloadType, values: [round(c.values[j]!)] })) })),
        },
      ],
    });
    return { reportId: String(report.id), settlement };
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.mqttClient?.endAsync(true).catch(() => undefined);
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
