/**
 * The live aggregator: a VEN to the utility's VTN and the business logic of its own VTN at once.
 * An upstream event (a fleet change in kW or percent of the baseline) is read as a GridEvent,
 * split across the sites by the fleet's flexibility (split.ts), and sent down as one
 * IMPORT_CAPACITY_LIMIT event per site, targeted at that site's VEN. After the event the sites'
 * measured reports are read back, the event is settled on them with the program's baseline
 * (settle.ts), and the fleet's delivery goes up to the utility as a report.
 */
import type { MqttClient } from 'mqtt';
import type { FleetModel } from '../model/fleet-model.ts';
import { openAdrToEvent, siteDispatchEvent } from '../programs/openadr/event.ts';
import type { EventSettlement } from '../programs/settlement.ts';
import type { GridEvent, ResolvedProgram } from '../programs/types.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { formatUtcIso } from '../time/parse.ts';
import type { OadrObject, OpenAdrClient } from '../openadr/ven/client.ts';
import { connectWithToken } from '../openadr/ven/mqtt-login.ts';
import { MAX_BATCH } from '../openadr/vtn/repo/write-queue.ts';
import { settleFromMeters } from './settle.ts';
import { splitFleetEvent, type FleetSplit } from './split.ts';

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
  split: FleetSplit;
  /** Site event ids on the aggregator's VTN, in the split's site order. */
  siteEventIds: string[];
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The aggregator in the middle. */
export class LiveAggregator {
  readonly dispatched = new Map<string, DispatchedEvent>();
  venId = '';
  private mqttClient: MqttClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly opts: LiveAggregatorOptions) {}

  /** Registers upstream, listens for events (MQTT when offered), and handles those already out. */
  async start(): Promise<void> {
    const up = this.opts.upstream;
    this.venId = String((await up.ensureVen(this.opts.upstreamVenName)).id);
    const n = await up.notifiers().catch(() => ({}) as OadrObject);
    const uri = this.opts.upstreamMqttUrl ?? ((n.MQTT?.URIS ?? []) as string[])[0];
    let topic: string | undefined;
    if (uri) {
      const t = (await up.call('GET', `/notifiers/mqtt/topics/vens/${encodeURIComponent(this.venId)}/events`)) as { topics?: { CREATE?: string } };
      topic = t.topics?.CREATE;
    }
    if (uri && topic) {
      this.mqttClient = await connectWithToken(uri, up, {
        reconnectPeriod: 2000,
        topics: [topic],
        onMessage: (_t, payload) => {
          try {
            const msg = JSON.parse(payload.toString()) as { objectType?: string; object?: OadrObject };
            if (msg.objectType === 'EVENT' && msg.object) this.enqueue(msg.object);
          } catch (e) {
            this.opts.onError?.(e as Error);
          }
        },
        onError: (e) => this.opts.onError?.(e),
      });
    }
    await this.poll();
  }

  /** Lists upstream events and handles new ones. */
  async poll(): Promise<void> {
    for (const e of await this.opts.upstream.events()) this.enqueue(e);
    await this.queue;
  }

  private enqueue(e: OadrObject): void {
    this.queue = this.queue.then(() => this.handle(e)).catch((err: Error) => this.opts.onError?.(err));
  }

  /** Splits one upstream event and sends each site its import limits (once per event id). */
  async handle(upstream: OadrObject): Promise<DispatchedEvent> {
    const known = this.dispatched.get(String(upstream.id));
    if (known) return known;
    const { model, program } = this.opts;
    const read = openAdrToEvent(upstream, { path: '' }, { direction: program.direction, siteIds: model.sites.map((s) => s.id), programIds: [] });
    const event = this.opts.scenarioNow ? { ...read, issuedMs: this.opts.scenarioNow() } : read;
    const split = splitFleetEvent(model, this.opts.base, this.opts.baseLedger, program, event);
    const issued = Date.now();
    const siteEventIds = await mapLimit(split.sites, this.opts.concurrency ?? (this.opts.createSiteEvent ? MAX_BATCH : 32), async (sh) => {
      const site = model.sites[sh.site]!;
      const e = siteDispatchEvent({ site: sh.id, timeZone: site.timeZone, startMs: split.intervalStartMs, intervalMinutes: split.intervalMinutes, limitKW: sh.limitKW }, event.id, this.opts.siteProgramId, issued);
      const { id: _id, createdDateTime: _c, modificationDateTime: _m, objectType: _o, ...request } = e;
      const body = { ...request, programID: this.opts.siteProgramId, reportDescriptors: [{ payloadType: 'DEMAND', readingType: 'MEAN', units: 'KW' }] };
      const made = await (this.opts.createSiteEvent ?? ((b) => this.opts.downstream.createEvent(b)))(body);
      return String(made.id);
    });
    const d: DispatchedEvent = { upstream, event, split, siteEventIds };
    this.dispatched.set(String(upstream.id), d);
    this.opts.onDispatched?.(d);
    return d;
  }

  /**
   * Settles an upstream event on the sites' measured reports (DEMAND per interval from the
   * horizon start) and posts the fleet's metered load and delivery upstream. Sites without a
   * measured report are refused by name.
   */
  async settle(upstreamId: string): Promise<{ settlement: EventSettlement; reportId: string }> {
    const d = this.dispatched.get(upstreamId);
    if (!d) throw new Error(`upstream event ${upstreamId} was not dispatched`);
    const grid = this.opts.model.grid;
    const stepMs = grid.stepMinutes * 60_000;
    const meters = await mapLimit(d.split.sites, this.opts.concurrency ?? 32, async (sh, si) => {
      const reports = await this.opts.downstream.reports({ eventID: d.siteEventIds[si]! });
      // the last measured report wins (a VEN updates its report rather than adding one)
      const measured = reports.filter((r) => String(r.reportName ?? '').endsWith('measured')).pop();
      if (!measured) throw new Error(`site ${sh.id} has not reported its meter for event ${d.event.id}`);
      const res = measured.resources?.[0] as { intervalPeriod: { start: string; duration: string }; intervals: Array<{ id: number; payloads: Array<{ type: string; values: number[] }> }> };
      const from = Date.parse(res.intervalPeriod.start);
      const minutes = Number(/^PT(\d+)M$/.exec(res.intervalPeriod.duration)?.[1] ?? Number.NaN);
      const m = new Float64Array(grid.steps).fill(Number.NaN);
      for (const iv of res.intervals) {
        const v = iv.payloads.find((p) => p.type === 'DEMAND')?.values[0];
        if (v === undefined) continue;
        const s0 = (from + iv.id * minutes * 60_000 - grid.startMs) / stepMs;
        for (let t = Math.max(0, Math.round(s0)); t < Math.min(grid.steps, Math.round(s0 + minutes / grid.stepMinutes)); t++) m[t] = v;
      }
      return m;
    });
    const settlement = settleFromMeters(this.opts.model, this.opts.program, d.split, meters);
    const report = await this.opts.upstream.createReport({
      programID: d.upstream.programID,
      eventID: d.upstream.id,
      clientName: this.opts.upstreamVenName,
      reportName: `${d.event.id} fleet delivery`,
      payloadDescriptors: [
        { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'DEMAND', readingType: 'MEAN', units: 'KW' },
        { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'BASELINE', readingType: 'ESTIMATED', units: 'KW' },
        { objectType: 'REPORT_PAYLOAD_DESCRIPTOR', payloadType: 'DELTA_USAGE', readingType: 'SUMMED', units: 'KWH' },
      ],
      resources: [
        {
          resourceName: 'fleet',
          intervalPeriod: { start: formatUtcIso(d.split.intervalStartMs[0]!), duration: `PT${d.split.intervalMinutes}M` },
          intervals: d.split.intervalStartMs.map((_, j) => {
            const actual = settlement.sites.reduce((a, s) => a + s.intervals[j]!.actualKW, 0);
            const base = settlement.sites.reduce((a, s) => a + s.intervals[j]!.baselineKW, 0);
            const delta = settlement.sites.reduce((a, s) => a + s.intervals[j]!.deliveredKWh, 0);
            return { id: j, payloads: [{ type: 'DEMAND', values: [round(actual)] }, { type: 'BASELINE', values: [round(base)] }, { type: 'DELTA_USAGE', values: [round(delta)] }] };
          }),
        },
      ],
    });
    return { settlement, reportId: String(report.id) };
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.mqttClient?.endAsync(true).catch(() => undefined);
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
