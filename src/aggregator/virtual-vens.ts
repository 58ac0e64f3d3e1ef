/**
 * The virtual sites' VENs of `demo vpp`, and where they run: on the caller's event loop
 * ({@link InProcessVens}) or in worker threads (virtual-vens-threads.ts), each a slice of the
 * sites. Either way every VEN is an ordinary {@link Ven} speaking HTTP and MQTT to the
 * aggregator's VTN on 127.0.0.1; the host reports what the demo measures (each answer's times
 * and LP), forwards every setpoint publication, and feeds the sites' meters to the VENs for their
 * measured reports.
 */
import { respondEvent } from '../respond/respond-event.ts';
import type { UseCaseDeps } from '../app/types.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { getMaxListeners, setMaxListeners } from 'node:events';
import { Agent, type Dispatcher } from 'undici';
import type { SetpointAdapter } from '../openadr/ven/adapters/types.ts';
import { OpenAdrClient } from '../openadr/ven/client.ts';
import { sharedTurns, type SharedTurns } from '../openadr/ven/turns.ts';
import { MemoryJournal } from '../openadr/ven/journal.ts';
import { Ven, type NotifyMode, type VenAnswer } from '../openadr/ven/ven.ts';
import { LinearModel } from '../optimize/model-builder.ts';
import type { Solver } from '../optimize/solver.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { mapLimit } from '../concurrency/map-limit.ts';

/** A site's VEN client at the aggregator's VTN. */
export interface VirtualVenCredentials {
  /** Index of the site in the model. */
  site: number;
  clientId: string;
  clientSecret: string;
}

/** How the VENs reach the aggregator's VTN. */
export interface VirtualVenLink {
  /** Base URL of the VTN's API. */
  url: string;
  /** Its MQTT broker (a VEN may not read GET /notifiers). */
  mqttUrl?: string;
  notify: NotifyMode;
}

/** What the demo keeps of one answer (plain data: it crosses threads). */
export interface VirtualAnswer {
  site: number;
  eventId: string;
  /** The event's createdDateTime at the VTN. */
  createdDateTime: string;
  receivedAtMs: number;
  publishedAtMs: number;
  repeat: boolean;
  lp: { columns: number; solveSeconds: number };
}

/** One site's meter from the horizon start, per step of the model's grid (what its VEN reports). */
export interface SiteMeter {
  site: number;
  /** The site event the measured report is for. */
  eventId: string;
  meterKW: Float64Array;
  storageSocKWh: Float64Array | null;
}

/** The virtual sites' VENs, wherever they run. */
export interface VirtualVens {
  /** How the VENs listen ('mqtt', 'webhook' or 'poll'), once started. */
  readonly mode: string;
  /** Starts every VEN (registered, subscribed, the events already out answered). */
  start(): Promise<void>;
  /** Stops the VENs of these sites and starts them again with their journals (a fault drill). */
  restart(sites: readonly number[]): Promise<void>;
  /** Feeds each site's meter to its VEN as telemetry and has the VEN post its measured report. */
  reportMeasured(meters: readonly SiteMeter[], intervalMinutes: number): Promise<void>;
  stop(): Promise<void>;
}

/** What the VENs of a host share. */
export interface VirtualVensOptions {
  model: FleetModel;
  base: Dispatch;
  baseLedger: Ledger;
  vens: readonly VirtualVenCredentials[];
  link: VirtualVenLink;
  /** Where every VEN's setpoints go (the demo's virtual sites read them). */
  adapter: SetpointAdapter;
  onAnswer: (a: VirtualAnswer) => void;
  onError: (e: Error) => void;
}

/** The demo's record of a VEN's answer. */
export function virtualAnswer(site: number, a: VenAnswer): VirtualAnswer {
  return {
    site,
    eventId: String(a.event.id),
    createdDateTime: String(a.event.createdDateTime),
    receivedAtMs: a.receivedAtMs,
    publishedAtMs: a.publishedAtMs,
    repeat: a.repeat,
    lp: { columns: a.response.lp.columns, solveSeconds: a.response.lp.solveSeconds },
  };
}

/** What the VENs of one event loop share. */
export interface SharedLoop {
  deps: UseCaseDeps & { solver?: Solver };
  /** Their connections to the VTN. */
  dispatcher?: Dispatcher;
  /** Their turns to solve and to report. */
  turns?: SharedTurns;
}

/** One site's VEN as the demo runs it. */
export function virtualVen(o: VirtualVensOptions, v: VirtualVenCredentials, journal: MemoryJournal, loop: SharedLoop): Ven {
  const { link } = o;
  return new Ven({
    client: new OpenAdrClient({ url: link.url, clientId: v.clientId, clientSecret: v.clientSecret, dispatcher: loop.dispatcher }),
    venName: o.model.sites[v.site]!.id,
    state: { model: o.model, base: o.base, baseLedger: o.baseLedger, site: v.site },
    adapter: o.adapter,
    deps: loop.deps,
    turns: loop.turns,
    notify: link.notify,
    mqttUrl: link.mqttUrl,
    listen: link.notify === 'webhook' ? { port: 0 } : undefined,
    pollMs: link.notify === 'poll' ? 200 : 0,
    journal,
    onAnswer: (a) => o.onAnswer(virtualAnswer(v.site, a)),
    onError: o.onError,
  });
}

/** Gives each site's meter to its VEN, in time order, up to the end of its event. */
export function recordMeter(ven: Ven, model: FleetModel, m: SiteMeter): void {
  const grid = model.grid;
  const stepMs = grid.stepMinutes * 60_000;
  for (let t = 0; t < m.meterKW.length; t++) {
    ven.telemetry.record({ quantity: 'meterKW', startMs: grid.startMs + t * stepMs, durationMs: stepMs, value: m.meterKW[t]! });
    if (m.storageSocKWh) ven.telemetry.record({ quantity: 'storageSocKWh', startMs: grid.startMs + t * stepMs, durationMs: stepMs, value: m.storageSocKWh[t]! });
  }
}

/** Most VENs started or reporting at once in one event loop. */
const STARTS_AT_ONCE = 16;

/**
 * Keep-alive connections of one event loop's VENs to the VTN: a VEN's requests are a few at a
 * time, so a shared pool serves them all; without it, every burst of answers opened (and the VTN
 * accepted) a connection per VEN.
 */
const CONNECTIONS_PER_LOOP = 32;

/**
 * The VENs of a slice of the sites in one event loop, sharing `solvers` (round robin); the
 * caller's or a worker thread's.
 */
export class VenSlice {
  private readonly vens = new Map<number, Ven>();
  private readonly journals = new Map<number, MemoryJournal>();
  private readonly pool = new Agent({ connections: CONNECTIONS_PER_LOOP, keepAliveTimeout: 60_000 });
  private readonly turns = sharedTurns();

  constructor(
    private readonly o: VirtualVensOptions,
    private readonly solvers: readonly Solver[],
    private readonly deps: UseCaseDeps,
  ) {
    // every VEN's pending solve listens to the run's one signal: as many listeners as VENs is
    // expected, not the leak Node warns about beyond 10
    if (deps.signal) setMaxListeners(Math.max(getMaxListeners(deps.signal), o.vens.length + 10), deps.signal);
  }

  get mode(): string {
    return this.vens.values().next().value?.mode ?? this.o.link.notify;
  }

  private make(i: number): Ven {
    const v = this.o.vens[i]!;
    let journal = this.journals.get(v.site);
    if (!journal) this.journals.set(v.site, (journal = new MemoryJournal()));
    const ven = virtualVen(this.o, v, journal, { deps: { ...this.deps, solver: this.solvers[i % this.solvers.length] }, dispatcher: this.pool, turns: this.turns });
    this.vens.set(v.site, ven);
    return ven;
  }

  async start(): Promise<void> {
    // the solvers ready before the event, as a running VEN would have them
    const warm = new LinearModel('minimize');
    warm.addVariable({ upper: 1, cost: 1 });
    await Promise.all(this.solvers.map((s) => s.solve(warm.compile({ shared: false }))));
    await this.dryRun();
    await mapLimit(this.o.vens, STARTS_AT_ONCE, (_, i) => this.make(i).start());
  }

  /**
   * Answers a made-up call at the slice's first site once, publishing and reporting nothing: a
   * fresh thread compiles the LP code on its first answers, which a VEN that has been running
   * has long done; without this the first event paid for it (tens of ms per VEN at 10 sites).
   */
  private async dryRun(): Promise<void> {
    const first = this.o.vens[0];
    if (!first) return;
    const { model, base, baseLedger } = this.o;
    const L = baseLedger.sites[first.site]!;
    const endStep = Math.min(model.grid.steps, 8);
    const requiredKW = Float64Array.from({ length: endStep }, (_, t) => 0.1 * Math.max(0, L.gridImportKW[t]!));
    await respondEvent({ model, base, baseLedger, site: first.site }, { id: 'dry run', startStep: 0, endStep, requiredKW }, { ...this.deps, solver: this.solvers[0] });
  }

  async restart(sites: readonly number[]): Promise<void> {
    const mine = sites.filter((s) => this.vens.has(s));
    for (const s of mine) await this.vens.get(s)!.stop();
    for (const s of mine) await this.make(this.o.vens.findIndex((v) => v.site === s)).start();
  }

  async reportMeasured(meters: readonly SiteMeter[], intervalMinutes: number): Promise<void> {
    const grid = this.o.model.grid;
    const mine = meters.filter((m) => this.vens.has(m.site));
    await mapLimit(mine, STARTS_AT_ONCE, async (m) => {
      const ven = this.vens.get(m.site)!;
      recordMeter(ven, this.o.model, m);
      await ven.reportMeasured(m.eventId, grid.startMs, intervalMinutes);
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.vens.values()].map((v) => v.stop().catch(() => undefined)));
    await this.pool.close().catch(() => undefined);
  }
}

/** Every VEN on the caller's event loop, with two solvers of the caller's factory. */
export class InProcessVens implements VirtualVens {
  private readonly solvers: Solver[];
  private readonly slice: VenSlice;

  constructor(o: VirtualVensOptions, deps: UseCaseDeps) {
    this.solvers = Array.from({ length: Math.min(2, o.vens.length) }, () => deps.solverFactory('highs'));
    this.slice = new VenSlice(o, this.solvers, deps);
  }

  get mode(): string {
    return this.slice.mode;
  }

  start(): Promise<void> {
    return this.slice.start();
  }

  restart(sites: readonly number[]): Promise<void> {
    return this.slice.restart(sites);
  }

  reportMeasured(meters: readonly SiteMeter[], intervalMinutes: number): Promise<void> {
    return this.slice.reportMeasured(meters, intervalMinutes);
  }

  async stop(): Promise<void> {
    await this.slice.stop();
    for (const s of this.solvers) await s.close?.();
  }
}
