/**
 * The VEN of one site: a thin adapter over the respond-event use case. It registers with the VTN
 * (its VEN object), discovers programs, listens for events (MQTT when the VTN offers it, else a
 * webhook when the VEN has a callback address, with polling always running as the fallback), and
 * answers each event once per version: the event-window LP, setpoints to the adapter, and a
 * forecast report (expected import, base import, planned reduction, storage). After the event it
 * posts the measured report from its telemetry.
 *
 * Setpoints are absolute (caps, GPUs running, storage power against the plan without the event),
 * so answering the same event again gives the same setpoints, never a second reduction; the
 * journal remembers answered versions and report ids across restarts, so a VEN that was offline
 * re-publishes its setpoints and updates (not duplicates) its reports.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { baselineSetpoints, type SiteSetpoints } from '../../respond/setpoints.ts';
import { respondEvent, type RespondDeps } from '../../respond/respond-event.ts';
import type { SiteState } from '../../respond/site-call.ts';
import type { SetpointAdapter } from './adapters/types.ts';
import type { OadrObject, OpenAdrClient } from './client.ts';
import { eventCall } from './event-call.ts';
import { MemoryJournal, type JournalEntry, type VenJournal, type WithdrawReason } from './journal.ts';
import { connectWithToken } from './mqtt-login.ts';
import { forecastReport, measuredReport, withdrawnStoredReport, type AnsweredEvent, type Reporter } from './reports.ts';
import { parseSample, TelemetryStore } from './telemetry.ts';
import { nextTurn, type SharedTurns } from './turns.ts';

/** One answered event. */
export interface VenAnswer extends AnsweredEvent {
  /** When the VEN took the event up, ms since the epoch. */
  receivedAtMs: number;
  /** When the setpoints were handed to the adapter, ms since the epoch. */
  publishedAtMs: number;
  /** True when this was a repeat of an answered version (after a restart). */
  repeat: boolean;
}

/** A withdrawal: the plan's setpoints published for an event that went. */
export interface VenWithdrawal {
  eventId: string;
  reason: WithdrawReason;
  /** The plan's setpoints from the withdrawal on (null when the event was already over). */
  setpoints: SiteSetpoints | null;
  /** The forecast report as updated to say so (cancelled events; a deleted event's reports go with it). */
  report: OadrObject | null;
}

/** A notification as the VTN sends it (webhook body or MQTT message). */
interface Notification {
  objectType?: string;
  operation?: string;
  object?: OadrObject;
}

/**
 * True when an update of an event takes back what it asked: OpenADR 3.1 has no cancel flag, and an
 * event's `intervals` are optional (eventRequest requires only programID), so an event updated to
 * no intervals, or to intervals without payload values, asks nothing any more.
 */
export function cancelled(event: OadrObject): boolean {
  const intervals = (event.intervals ?? []) as Array<{ payloads?: Array<{ values?: unknown[] }> }>;
  return !intervals.some((iv) => (iv.payloads ?? []).some((p) => (p.values ?? []).length > 0));
}

/** The MQTT client id of a VEN's persistent session (stable across restarts, so queued notifications find it). */
export function mqttClientId(venId: string): string {
  return `wattshift-ven-${venId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/** How the VEN hears of events. */
export type NotifyMode = 'auto' | 'mqtt' | 'webhook' | 'poll';

/** Options of a VEN. */
export interface VenOptions {
  client: OpenAdrClient;
  venName: string;
  /** Resource name in reports (default: the site id). */
  resourceName?: string;
  state: SiteState;
  adapter: SetpointAdapter;
  deps: RespondDeps;
  notify?: NotifyMode;
  /** Address for the webhook (and telemetry) server; port 0 picks one. */
  listen?: { host?: string; port: number };
  /** MQTT broker URL of the VTN's notifier (when GET /notifiers is not open to VENs). */
  mqttUrl?: string;
  /** Telemetry over MQTT: samples (JSON, one or an array) on `topic` of the broker at `url`. */
  telemetryMqtt?: { url: string; topic: string; username?: string; password?: string };
  /**
   * Post the measured report this long after each answered event ends (wall clock; default: never,
   * the caller calls reportMeasured), with telemetry from `measuredFromHours` before its start.
   */
  measuredReport?: { delayMs: number; fromHours: number };
  /** Polling period, ms (default 30 000; 0 turns polling off). */
  pollMs?: number;
  journal?: VenJournal;
  telemetry?: TelemetryStore;
  /** Called after each answer. */
  onAnswer?: (a: VenAnswer) => void;
  /** Called after each withdrawal. */
  onWithdraw?: (w: VenWithdrawal) => void;
  /**
   * Turns the VEN waits for (turns.ts): `solve`, before an answered event's LP, after the take-up
   * is stamped (default one turn of the event loop); `report`, before an answer's forecast report
   * is posted, after its setpoints are published (default none). VENs sharing an event loop share
   * `sharedTurns()`.
   */
  turns?: Partial<SharedTurns>;
  /** Clock, UTC ms (default Date.now): where a withdrawal starts. */
  now?: () => number;
  /** Called with errors of background work (notifications, polls). */
  onError?: (e: Error) => void;
}

/** A running VEN. */
export class Ven {
  readonly telemetry: TelemetryStore;
  readonly journal: VenJournal;
  venId = '';
  programIds: string[] = [];
  /** How it listens: 'mqtt', 'webhook' or 'poll'. */
  mode: Exclude<NotifyMode, 'auto'> = 'poll';
  /** Answers by event id (the latest). */
  readonly answers = new Map<string, VenAnswer>();
  private queue: Promise<unknown> = Promise.resolve();
  private mqttClient: MqttClient | undefined;
  private server: Server | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private telemetryClient: MqttClient | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly webhookToken = randomBytes(24).toString('base64url');
  private stopped = false;

  constructor(readonly opts: VenOptions) {
    this.telemetry = opts.telemetry ?? new TelemetryStore();
    this.journal = opts.journal ?? new MemoryJournal();
  }

  private get site(): string {
    return this.opts.state.model.sites[this.opts.state.site]!.id;
  }

  private get reporter(): Reporter {
    return { state: this.opts.state, venName: this.opts.venName, resourceName: this.opts.resourceName };
  }

  /** The forecast report of an answer (reports.ts), as this VEN posts it. */
  forecastReport(a: AnsweredEvent, withdrawn?: { fromStep: number; event?: OadrObject }): OadrObject {
    return forecastReport(this.reporter, a, withdrawn);
  }

  /** Registers, discovers programs, subscribes, and answers the events already out. */
  async start(): Promise<void> {
    const c = this.opts.client;
    const ven = await c.ensureVen(this.opts.venName);
    this.venId = String(ven.id);
    this.programIds = (await c.programs()).map((p) => String(p.id));
    const mode = this.opts.notify ?? 'auto';
    if (mode === 'mqtt' || mode === 'auto') {
      // GET /notifiers needs read_all, which a VEN lacks: the broker address usually comes from configuration
      const n = await c.notifiers().catch(() => ({}) as OadrObject);
      const uri = this.opts.mqttUrl ?? ((n.MQTT?.URIS ?? []) as string[])[0];
      if (uri) await this.subscribeMqtt(uri);
      else if (mode === 'mqtt') throw new Error(`${c.url} does not show this VEN an MQTT notifier; give the broker's URL (--mqtt)`);
    }
    if (this.mode === 'poll' && (mode === 'webhook' || (mode === 'auto' && this.opts.listen))) await this.subscribeWebhook();
    if (this.opts.telemetryMqtt) await this.subscribeTelemetry(this.opts.telemetryMqtt);
    await this.poll();
    const every = this.opts.pollMs ?? 30_000;
    if (every > 0) this.pollTimer = setInterval(() => void this.poll().catch((e: Error) => this.opts.onError?.(e)), every);
  }

  private async subscribeMqtt(uri: string): Promise<void> {
    const c = this.opts.client;
    // the topics as the VTN names them (listAllMqttNotifierTopicsVenEvents), and its token login
    const t = (await c.call('GET', `/notifiers/mqtt/topics/vens/${encodeURIComponent(this.venId)}/events`)) as { topics?: { CREATE?: string; UPDATE?: string; DELETE?: string } };
    const topics = [t.topics?.CREATE, t.topics?.UPDATE, t.topics?.DELETE].filter((x): x is string => typeof x === 'string');
    if (topics.length === 0) throw new Error(`${c.url} names no MQTT topics for the events of VEN ${this.venId}`);
    // a persistent session under a client id of its own (clean: false): the broker keeps the
    // subscriptions and queues QoS 1 notifications while the VEN is away, and hands them over
    // when it reconnects with the same id (the embedded broker keeps them while it runs; after a
    // broker restart the VEN lists events as soon as it has subscribed again); logged
    // in with its access token, and again with a new one after that token expired
    this.mqttClient = await connectWithToken(uri, c, {
      clientId: mqttClientId(this.venId),
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      topics,
      onMessage: (_topic, payload) => {
        try {
          this.onNotification(JSON.parse(payload.toString()) as Notification);
        } catch (e) {
          this.opts.onError?.(e as Error);
        }
      },
      onError: (e) => this.opts.onError?.(e),
      // the broker kept no session (it restarted): what it queued for this VEN is gone, so list events now
      onCatchUp: () => void this.poll().catch((e: Error) => this.opts.onError?.(e)),
    });
    this.mode = 'mqtt';
  }

  private async subscribeWebhook(): Promise<void> {
    const listen = this.opts.listen ?? { port: 0 };
    const server = createServer((req, res) => void this.onHttp(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = server.address() as { port: number };
    const url = `http://${listen.host ?? '127.0.0.1'}:${addr.port}/openadr/notify`;
    await this.opts.client.createSubscription({
      clientName: this.opts.venName,
      objectOperations: [{ objects: ['EVENT'], operations: ['CREATE', 'UPDATE', 'DELETE'], callbackUrl: url, bearerToken: this.webhookToken }],
    });
    this.mode = 'webhook';
  }

  /** Reads telemetry samples from an MQTT topic (also done by start() with the telemetryMqtt option). */
  async subscribeTelemetry(o: NonNullable<VenOptions['telemetryMqtt']>): Promise<void> {
    const client = await mqtt.connectAsync(o.url, { username: o.username, password: o.password, reconnectPeriod: 2000 });
    this.telemetryClient = client;
    client.on('message', (topic, payload) => {
      try {
        const doc = JSON.parse(payload.toString()) as unknown;
        const list = Array.isArray(doc) ? doc : [doc];
        list.forEach((d, i) => this.telemetry.record(parseSample(d, `${topic}${Array.isArray(doc) ? `[${i}]` : ''}`)));
      } catch (e) {
        this.opts.onError?.(e as Error);
      }
    });
    await client.subscribeAsync(o.topic, { qos: 1 });
  }

  /** The address of the VEN's own HTTP server (webhook callbacks and telemetry), if it runs one. */
  get httpPort(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Starts the HTTP server for telemetry alone (when not subscribed by webhook). */
  async listenTelemetry(host: string, port: number): Promise<void> {
    if (this.server) return;
    this.server = createServer((req, res) => void this.onHttp(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 1 << 20) return void res.writeHead(413).end();
      chunks.push(c as Buffer);
    }
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(400, { title: 'body is not JSON' });
    }
    if (req.method === 'POST' && req.url === '/openadr/notify') {
      if (req.headers.authorization !== `Bearer ${this.webhookToken}`) return reply(403);
      this.onNotification(doc as Notification);
      return reply(200);
    }
    if (req.method === 'POST' && req.url === '/telemetry') {
      try {
        const list = Array.isArray(doc) ? doc : [doc];
        list.forEach((d, i) => this.telemetry.record(parseSample(d, Array.isArray(doc) ? `[${i}]` : 'telemetry')));
        return reply(204);
      } catch (e) {
        return reply(400, { title: 'bad telemetry', detail: (e as Error).message });
      }
    }
    return reply(404);
  }

  /** Lists the events the VTN shows this VEN and answers the new ones. */
  async poll(): Promise<void> {
    if (this.stopped) return;
    const events = await this.opts.client.events();
    for (const e of events) this.enqueue(e);
    // an event answered here that the VTN no longer lists was deleted or is no longer targeted at this VEN
    const listed = new Set(events.map((e) => String(e.id)));
    for (const id of this.journal.ids()) {
      const j = this.journal.get(id);
      if (j && !j.withdrawn && !listed.has(id)) this.enqueueWithdraw(id, 'not listed');
    }
    await this.idle();
  }

  private onNotification(n: Notification): void {
    if (n.objectType !== 'EVENT' || !n.object) return;
    if (n.operation === 'DELETE') this.enqueueWithdraw(String(n.object.id), 'deleted');
    else this.enqueue(n.object);
  }

  private enqueueWithdraw(id: string, reason: WithdrawReason): void {
    this.queue = this.queue.then(() => this.withdraw(id, reason)).catch((e: Error) => this.opts.onError?.(e));
  }

  /**
   * Withdraws the setpoints of an answered event: publishes the plan's own setpoints over what
   * is left of the steps the answer covered, and (for a cancelled event, which still exists at the
   * VTN) updates the forecast report so it shows the plan from then on. Does nothing for an event
   * not answered here or already withdrawn.
   */
  async withdraw(eventId: string, reason: WithdrawReason, event?: OadrObject): Promise<VenWithdrawal | undefined> {
    const j = this.journal.get(eventId);
    if (!j || j.withdrawn) return undefined;
    const grid = this.opts.state.model.grid;
    const stepMs = grid.stepMinutes * 60_000;
    const atMs = (this.opts.now ?? Date.now)();
    const a = this.answers.get(eventId);
    const fromStep = j.fromStep ?? a?.response.setpoints.fromStep ?? 0;
    const end = fromStep + (j.length ?? a?.response.setpoints.length ?? grid.steps - fromStep);
    // from the step now under way (a step already begun keeps what it had: the adapters act from the next change)
    const nowStep = Math.max(0, Math.min(grid.steps, Math.floor((atMs - grid.startMs) / stepMs)));
    const from = Math.max(fromStep, nowStep);
    let setpoints: SiteSetpoints | null = null;
    if (end > from) {
      setpoints = baselineSetpoints(this.opts.state, eventId, from, end - from);
      await this.opts.adapter.publish(setpoints);
    }
    let report: OadrObject | null = null;
    const entry: JournalEntry = { ...j, withdrawn: { reason, atMs } };
    if (reason === 'deleted') {
      // the VTN deletes an event's reports with it
      delete entry.forecastReportId;
      delete entry.measuredReportId;
    } else if (reason === 'cancelled' && a && j.forecastReportId) {
      report = forecastReport(this.reporter, a, { fromStep: from, event });
      report = await this.opts.client.updateReport(j.forecastReportId, report);
    } else if (reason === 'cancelled' && j.forecastReportId) {
      // answered before a restart: the answer is gone, its report is at the VTN
      const stored = (await this.opts.client.call('GET', `/reports/${encodeURIComponent(j.forecastReportId)}`)) as OadrObject;
      report = await this.opts.client.updateReport(j.forecastReportId, withdrawnStoredReport(this.reporter, stored, from));
    }
    this.journal.set(eventId, entry);
    this.answers.delete(eventId);
    const w: VenWithdrawal = { eventId, reason, setpoints, report };
    this.opts.onWithdraw?.(w);
    return w;
  }

  /** Resolves when every queued event has been answered. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private enqueue(event: OadrObject): void {
    this.queue = this.queue.then(() => this.answer(event)).catch((e: Error) => this.opts.onError?.(e));
  }

  /** Answers one event unless this version was answered in this process already. */
  async answer(event: OadrObject): Promise<VenAnswer | undefined> {
    if (this.stopped) return undefined;
    const id = String(event.id);
    const version = String(event.modificationDateTime ?? event.createdDateTime ?? '');
    const done = this.answers.get(id);
    if (done && done.call.version === version) return done;
    const receivedAtMs = Date.now();
    // the LP holds the event loop for a few milliseconds: let it first take up whatever else has
    // arrived (a process hosting many VENs reads their notifications between their LPs)
    await (this.opts.turns?.solve ?? nextTurn)();
    const known0 = this.journal.get(id);
    if (cancelled(event)) {
      // an event that asks nothing (any more): withdraw what was answered, else nothing to do
      if (known0 && !known0.withdrawn) await this.withdraw(id, 'cancelled', event);
      return undefined;
    }
    const call = eventCall(this.opts.state, event);
    const response = await respondEvent(this.opts.state, call, this.opts.deps);
    await this.opts.adapter.publish(response.setpoints);
    const publishedAtMs = Date.now();
    const known = this.journal.get(id);
    const repeat = known?.version === version;
    const a: VenAnswer = { event, call, response, receivedAtMs, publishedAtMs, repeat };
    this.answers.set(id, a);
    await this.opts.turns?.report?.();
    const report = forecastReport(this.reporter, a);
    const entry: JournalEntry = { ...(known ?? {}), version, fromStep: response.setpoints.fromStep, length: response.setpoints.length };
    delete entry.withdrawn;
    entry.forecastReportId = known?.forecastReportId
      ? String((await this.opts.client.updateReport(known.forecastReportId, report)).id)
      : String((await this.opts.client.createReport(report)).id);
    this.journal.set(id, entry);
    if (this.opts.measuredReport) this.scheduleMeasured(a, this.opts.measuredReport);
    this.opts.onAnswer?.(a);
    return a;
  }

  /**
   * Posts (or updates) the measured report of an answered event (reports.ts `measuredReport`:
   * mean meter power per interval of `intervalMinutes` from `fromMs` to the event's end).
   */
  async reportMeasured(eventId: string, fromMs: number, intervalMinutes: number): Promise<OadrObject> {
    const a = this.answers.get(eventId);
    if (!a) throw new Error(`VEN ${this.opts.venName}: event ${eventId} was not answered`);
    const r = measuredReport(this.reporter, a, this.telemetry, fromMs, intervalMinutes);
    const known = this.journal.get(eventId) ?? { version: a.call.version };
    const saved = known.measuredReportId ? await this.opts.client.updateReport(known.measuredReportId, r) : await this.opts.client.createReport(r);
    this.journal.set(eventId, { ...known, measuredReportId: String(saved.id) });
    return saved;
  }

  private scheduleMeasured(a: VenAnswer, o: { delayMs: number; fromHours: number }): void {
    const grid = this.opts.state.model.grid;
    const stepMs = grid.stepMinutes * 60_000;
    const startMs = grid.startMs + a.call.startStep * stepMs;
    const endMs = grid.startMs + a.call.endStep * stepMs;
    const fromMs = Math.max(grid.startMs, startMs - Math.round(o.fromHours * 3_600_000 / stepMs) * stepMs);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.reportMeasured(String(a.event.id), fromMs, grid.stepMinutes).catch((e: Error) => this.opts.onError?.(e));
    }, Math.max(0, Math.min(2 ** 31 - 1, endMs + o.delayMs - Date.now())));
    this.timers.add(timer);
  }

  /** Stops listening (the journal keeps what was answered). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const t of this.timers) clearTimeout(t);
    await this.telemetryClient?.endAsync(true).catch(() => undefined);
    await this.queue.catch(() => undefined);
    await this.mqttClient?.endAsync(true).catch(() => undefined);
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    await this.opts.adapter.close?.();
  }
}
