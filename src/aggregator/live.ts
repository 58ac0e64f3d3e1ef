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
import type { OadrObject, OpenAdrClient } from '../openadr/ven/client.ts';
import { connectWithToken } from '../openadr/ven/mqtt-login.ts';
import { cancelled } from '../openadr/ven/ven.ts';
import { MAX_BATCH } from '../openadr/vtn/repo/write-queue.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import { splitExportLimit } from './export-split.ts';
import { readSiteEvents, sameSiteEvent, type FoundSiteEvents } from './recover.ts';
import { fleetReport, fleetReportColumns, readSiteMeters } from './fleet-report.ts';
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
        // the utility's broker kept no session (it restarted): list upstream events now for what it dropped
        onCatchUp: () => void this.poll().catch((e: Error) => this.opts.onError?.(e)),
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
   * Reports an upstream event to the utility from the sites' measured reports (fleet-report.ts:
   * settled for a load change, the change against the baseline for prices and SIMPLE levels, the
   * metered export for an export limit). Sites without a measured report are refused by name.
   */
  async report(upstreamId: string): Promise<{ reportId: string; settlement: EventSettlement | null }> {
    const d = this.dispatched.get(upstreamId);
    if (!d) throw new Error(`upstream event ${upstreamId} was not dispatched`);
    const { model, program, downstream, upstream, upstreamVenName } = this.opts;
    const meters = await readSiteMeters(downstream, model, d.split, d.siteEventIds, d.event.id, d.split.kind === 'export', this.opts.concurrency ?? 32);
    const { columns, settlement } = fleetReportColumns(model, program, d.split, meters);
    const report = await upstream.createReport(fleetReport(d.upstream, d.event.id, d.split, columns, upstreamVenName));
    return { reportId: String(report.id), settlement };
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.mqttClient?.endAsync(true).catch(() => undefined);
  }
}
