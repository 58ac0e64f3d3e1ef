/**
 * Use case `demo vpp`: one grid event played end to end on one machine over real HTTP and MQTT on
 * 127.0.0.1. A utility VTN calls the aggregator (a VEN there); the aggregator splits the fleet
 * target by the fleet's flexibility and sends each site an import limit through its own VTN; N
 * virtual sites answer as VENs (the event-window LP, setpoints, forecast reports); the sites'
 * physics runs their setpoints in accelerated time and feeds meter telemetry to the VENs, which
 * post measured reports; the aggregator settles on them with the program's baseline and reports
 * upstream. The same scenario and event go through the offline `dr` for comparison.
 */
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { applySetpoints } from '../aggregator/virtual-site.ts';
import { LiveAggregator } from '../aggregator/live.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import { VIRTUAL_EVENT, virtualFleet } from '../aggregator/virtual-fleet.ts';
import { InProcessVens, type SiteMeter, type VirtualAnswer, type VirtualVens, type VirtualVensOptions } from '../aggregator/virtual-vens.ts';
import type { VenThreadInit } from '../aggregator/virtual-vens-protocol.ts';
import { ThreadedVens } from '../aggregator/virtual-vens-threads.ts';
import { InputError } from '../errors/index.ts';
import { MemoryAdapter } from '../openadr/ven/adapters/memory.ts';
import { OpenAdrClient } from '../openadr/ven/client.ts';
import type { NotifyMode } from '../openadr/ven/ven.ts';
import { startVtn, type RunningVtn } from '../openadr/vtn/index.ts';
import { parseEventSpec, programEvents } from '../programs/events.ts';
import { resolveProgram, scenarioPrograms } from '../programs/program.ts';
import { meteredKW } from '../programs/replay.ts';
import type { EventSettlement } from '../programs/settlement.ts';
import type { GridEvent } from '../programs/types.ts';
import { simulate } from '../simulate/engine.ts';
import { openStore, type Store } from '../store/index.ts';
import { formatUtcIso } from '../time/parse.ts';
import { runDr } from './dr.ts';
import { choiceOption, numberOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, pct } from './text-format.ts';
import type { Numeric, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Most virtual sites a demo runs. */
export const MAX_DEMO_SITES = 2000;

/** Most worker threads for the virtual VENs. */
export const MAX_VEN_THREADS = 64;

/**
 * Worker threads for the virtual VENs by default: one per core but the one the main thread needs
 * for the VTNs, the brokers and the aggregator (at least one). More threads than cores cost more
 * CPU per site (each thread compiles and collects for itself): on 2 cores, 1,000 sites took
 * 5.6–6.3 ms of CPU per site with one VEN thread and 6.5–6.6 ms with two.
 */
export function defaultVenThreads(): number {
  return Math.max(1, Math.min(MAX_VEN_THREADS, availableParallelism() - 1));
}

/** Options of `demo vpp`. */
export interface DemoVppOptions {
  /** Number of virtual sites (a generated fleet); ignored with a scenario. */
  sites?: Numeric;
  /** A scenario instead of the generated fleet (its sites become the virtual sites). */
  scenario?: ScenarioInput;
  /** Event START/DURATION (default: the program's first event, or 2025-05-03T16:00/3h for the generated fleet). */
  event?: string;
  /** Fleet change as a percentage of the baseline (default 20 for the generated fleet). */
  targetPercent?: Numeric;
  /** Fleet change in MW. */
  targetMw?: Numeric;
  /** How VENs hear of events: mqtt (default), webhook or poll. */
  notify?: string;
  /** Take this many VENs offline right after they answered and bring them back (a fault drill). */
  offlineVens?: Numeric;
  /**
   * The aggregator writes its site events into its own VTN's store in process (default true: it
   * hosts that VTN); false: over HTTP like any business-logic client.
   */
  inProcessAggregator?: boolean;
  /** Skip the offline `dr` comparison (benchmarks). */
  skipOffline?: boolean;
  /**
   * Worker threads hosting the virtual VENs, each a slice of the sites with its own HiGHS
   * (default {@link defaultVenThreads}); 0: every VEN on the main thread, solving with the
   * caller's solver factory.
   */
  venThreads?: Numeric;
  /**
   * VEN threads have V8 optimise WebAssembly when compiled (default true; wasm-tiering.ts);
   * false keeps V8's dynamic tiering (benchmarks compare the two).
   */
  optimiseWasm?: boolean;
}

/** The `demo vpp --json` document (a stable contract: fields are only added). */
export interface DemoVppJson {
  sites: number;
  scenario: string;
  event: { id: string; start: string; end: string };
  /** Mean fleet target over the event, MW. */
  targetMW: number;
  deliveredMWh: number;
  deliveryRatio: number;
  payment: number;
  penalty: number;
  currency: string;
  /**
   * Event created at the utility VTN → setpoints published at each VEN, ms; `received*`: → the
   * event taken up by each VEN (the transport and the aggregator's split, without the LP);
   * `aggregatorDispatched`: → every site event created at the aggregator's VTN; `transport*`:
   * the transport alone, from each site event's creation at the aggregator's VTN (its
   * createdDateTime) to its VEN taking it up (commit, notification, delivery, parsing).
   */
  latencyMs: { p50: number; p99: number; max: number; receivedP50: number; receivedP99: number; aggregatorDispatched: number; transportP50: number; transportP99: number };
  /**
   * CPU time of the whole process (every thread: VTNs, aggregator, VENs, solvers) from the
   * utility's event to the last VEN's answer, ms, and that divided by the sites.
   */
  cpu: { eventMs: number; perSiteMs: number };
  /** The offline `dr` on the same scenario and event (null with skipOffline). */
  offline: { deliveredMWh: number; payment: number; deliveryRatio: number } | null;
  /** Relative differences live − offline, percent. */
  differencePercent: { deliveredMWh: number; payment: number } | null;
  /**
   * How VENs heard of events, the VTNs and brokers, how the aggregator wrote its site events, and
   * the worker threads hosting the VENs (0: the main thread).
   */
  transport: { notify: string; vtns: string[]; mqtt: string[]; siteEvents: 'in-process' | 'http'; venThreads: number };
  /** The VENs' event LPs: how many, the median and total HiGHS time, ms, and their mean size. */
  lp: { solves: number; medianSolveMs: number; totalSolveMs: number; meanColumns: number };
  reports: { forecast: number; measured: number; upstream: number };
  faults: { offlineVens: number; repeatedAnswers: number; setpointsChanged: number; setpointPublications: number };
}

/** Result of {@link runDemoVpp}. */
export type DemoVppOutput = UseCaseOutput<DemoVppJson> & { live: EventSettlement };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs the VPP demo. */
export async function runDemoVpp(input: DemoVppOptions, deps: UseCaseDeps): Promise<DemoVppOutput> {
  const n = numberOption(input.sites, '--sites', (x) => Number.isInteger(x) && x >= 1 && x <= MAX_DEMO_SITES, `give a whole number of sites from 1 to ${MAX_DEMO_SITES}`);
  const targetPercent = numberOption(input.targetPercent, '--target-percent', (x) => x > 0 && x <= 100, 'give a percentage above 0 and at most 100');
  const targetMW = numberOption(input.targetMw, '--target-mw', (x) => x > 0, 'give a number of MW above 0');
  if (targetMW !== undefined && targetPercent !== undefined) throw new InputError('OPTION_INVALID', 'give --target-mw or --target-percent, not both', { path: '--target-mw' });
  const notify = choiceOption('--notify', input.notify ?? 'mqtt', ['mqtt', 'webhook', 'poll'] as const) as NotifyMode;
  const inProcess = input.inProcessAggregator ?? true;
  const offlineVens = numberOption(input.offlineVens, '--offline-vens', (x) => Number.isInteger(x) && x >= 0, 'give a whole number ≥ 0') ?? 0;
  const venThreads = numberOption(input.venThreads, '--ven-threads', (x) => Number.isInteger(x) && x >= 0 && x <= MAX_VEN_THREADS, `give a whole number of threads from 0 to ${MAX_VEN_THREADS}`) ?? defaultVenThreads();
  if (!input.scenario && n === undefined) throw new InputError('OPTION_INVALID', 'give --sites N or a scenario', { path: '--sites' });
  checkpoint(deps, 'before loading the scenario');
  const scenarioInput = input.scenario ?? { text: JSON.stringify(virtualFleet(n!)), baseDir: '.', name: `virtual-fleet-${n}` };
  const loaded = loadScenarioInput(scenarioInput);
  const { model } = loaded;
  const { program } = resolveProgram(model);
  const spec = scenarioPrograms(model).find((p) => p.id === program.id);
  const ctx = { grid: model.grid, direction: program.direction, siteIds: model.sites.map((s) => s.id), programIds: scenarioPrograms(model).map((p) => p.id) };
  let event: GridEvent;
  const eventText = input.event ?? (input.scenario ? undefined : VIRTUAL_EVENT);
  if (eventText) event = parseEventSpec(eventText, ctx, model.sites[0]!.calendar, 0);
  else {
    const own = programEvents(model, program, spec).events;
    if (own.length === 0) throw new InputError('OPTION_INVALID', `program "${program.id}" has no events; give --event START/DURATION`, { path: '--event' });
    event = own[0]!;
  }
  const pctDefault = targetMW === undefined && targetPercent === undefined && event.targets.length === 0 ? 20 : targetPercent;
  if (targetMW !== undefined) event = { ...event, targets: [{ startMs: event.startMs, endMs: event.endMs, kind: 'kw', value: targetMW * 1000 }] };
  else if (pctDefault !== undefined) event = { ...event, targets: [{ startMs: event.startMs, endMs: event.endMs, kind: 'fraction', value: pctDefault / 100 }] };
  if (event.targets.length !== 1 || event.targets[0]!.kind === 'limitKW') throw new InputError('OPTION_INVALID', 'the demo needs one fleet target for the event: give --target-mw or --target-percent', { path: '--target-percent' });

  deps.progress?.(0.02, 'plan');
  const base = await runPolicy(loaded, 'naive', deps);
  checkpoint(deps, 'before starting the VTNs');

  const stores: Store[] = [];
  const vtns: RunningVtn[] = [];
  let vens: VirtualVens | undefined;
  let aggregator: LiveAggregator | undefined;
  let dispatchedAtMs = Number.NaN;
  const errors: Error[] = [];
  let fail: (e: Error) => void = (e) => errors.push(e);
  const failed = new Promise<never>((_, reject) => (fail = (e) => {
    errors.push(e);
    reject(e);
  }));
  failed.catch(() => undefined);
  try {
    const open = async () => {
      const store = await openStore(':memory:');
      stores.push(store);
      const v = await startVtn({ store, port: 0, notifier: { mqtt: { embedded: { port: 0 } } }, delivery: { callbacks: { allow: ['loopback'], allowHttp: true } } });
      vtns.push(v);
      return v;
    };
    const utility = await open();
    const agg = await open();
    const operator = { clientId: 'wattshift-demo', role: 'bl' as const, scopes: new Set(['write_vens']) };
    // utility side: its business logic, its program, and the aggregator as one of its VENs
    const utilityBl = await utility.vtn.clients.create('bl', { name: 'utility' });
    const aggAtUtility = await utility.vtn.clients.create('ven', { name: 'aggregator' });
    await utility.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: 'aggregator', clientID: aggAtUtility.id, targets: ['aggregator'] });
    const utilityClient = new OpenAdrClient({ url: utility.url, clientId: utilityBl.id, clientSecret: utilityBl.secret });
    const relative = event.targets[0]!.kind === 'fraction';
    const upProgram = await utilityClient.createProgram({ programName: program.id, payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: relative ? 'PERCENT' : 'KW' }] });
    // aggregator side: its business logic, the site program, one VEN client per site
    const aggBl = await agg.vtn.clients.create('bl', { name: 'aggregator' });
    const down = new OpenAdrClient({ url: agg.url, clientId: aggBl.id, clientSecret: aggBl.secret });
    const siteProgram = await down.createProgram({ programName: 'site-dispatch', payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }] });
    aggregator = new LiveAggregator({
      upstream: new OpenAdrClient({ url: utility.url, clientId: aggAtUtility.id, clientSecret: aggAtUtility.secret }),
      upstreamVenName: 'aggregator',
      upstreamMqttUrl: notify === 'poll' ? undefined : utility.vtn.mqtt?.uris[0],
      downstream: down,
      siteProgramId: String(siteProgram.id),
      model,
      base: base.dispatch,
      baseLedger: base.ledger,
      program,
      // accelerated time: the utility calls the event at the program's notice before its start
      scenarioNow: () => event.startMs - program.noticeHours * 3_600_000,
      onError: (e) => fail(e),
      onDispatched: () => (dispatchedAtMs = Date.now()),
      // the aggregator hosts its VTN: site events go straight to its repository (VENs still use HTTP and MQTT)
      createSiteEvent: inProcess ? (req) => agg.vtn.events.create(req as unknown as Parameters<typeof agg.vtn.events.create>[0]) : undefined,
    });
    await aggregator.start();

    const adapter = new MemoryAdapter();
    const answers: VirtualAnswer[] = [];
    let expect = model.sites.length;
    let allAnswered: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (allAnswered = resolve));
    const credentials = await mapLimit(model.sites, 16, async (site, s) => {
      const c = await agg.vtn.clients.create('ven', { name: site.id });
      await agg.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: site.id, clientID: c.id, targets: [site.id] });
      return { site: s, clientId: c.id, clientSecret: c.secret };
    });
    const venOptions: VirtualVensOptions = {
      model,
      base: base.dispatch,
      baseLedger: base.ledger,
      vens: credentials,
      link: { url: agg.url, mqttUrl: agg.vtn.mqtt?.uris[0], notify },
      adapter,
      onAnswer: (a) => {
        answers.push(a);
        if (answers.length >= expect) allAnswered();
      },
      onError: (e) => fail(e),
    };
    deps.progress?.(0.1, 'VENs');
    vens = venThreads === 0 ? new InProcessVens(venOptions, deps) : new ThreadedVens({ ...venOptions, scenario: threadScenario(scenarioInput, loaded), threads: venThreads, optimiseWasm: input.optimiseWasm });
    await vens.start();
    checkpoint(deps, 'before the event');

    // the utility calls the event: one interval per measurement interval
    deps.progress?.(0.3, 'event');
    const intervalMs = program.measurementIntervalMinutes * 60_000;
    const count = Math.round((event.endMs - event.startMs) / intervalMs);
    const piece = event.targets[0]!;
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const upEvent = await utilityClient.createEvent({
      programID: upProgram.id,
      eventName: event.id,
      targets: ['aggregator'],
      payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT_RELATIVE', units: relative ? 'PERCENT' : 'KW' }],
      intervalPeriod: { start: formatUtcIso(event.startMs), duration: `PT${program.measurementIntervalMinutes}M` },
      intervals: Array.from({ length: count }, (_, id) => ({ id, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [piece.value] }] })),
    });
    const waitMs = 60_000 + 100 * model.sites.length;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not every VEN answered within ${waitMs / 1000} s (${answers.length} of ${expect}); ${errors.map((e) => e.message).slice(0, 3).join('; ')}`)), waitMs).unref());
    if (notify === 'poll') void aggregator.poll();
    await Promise.race([answered, timeout, failed]);
    const cpuUsed = process.cpuUsage(cpu0);
    const eventCpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
    const latencies = answers.map((a) => a.publishedAtMs - t0).sort((a, b) => a - b);
    const received = answers.map((a) => a.receivedAtMs - t0).sort((a, b) => a - b);
    const transport = answers.map((a) => a.receivedAtMs - Date.parse(a.createdDateTime)).sort((a, b) => a - b);
    const lpTimes = answers.map((a) => a.lp.solveSeconds * 1000).sort((a, b) => a - b);
    const meanColumns = answers.reduce((s, a) => s + a.lp.columns, 0) / Math.max(1, answers.length);
    const dispatched = aggregator.dispatched.get(String(upEvent.id));
    if (!dispatched) throw new Error('the aggregator did not dispatch the event');

    // the fault drill: VENs go offline after answering and come back with their journal
    let repeated = 0;
    let changed = 0;
    if (offlineVens > 0) {
      const k = Math.min(offlineVens, model.sites.length);
      const before = model.sites.slice(0, k).map((site) => JSON.stringify([...adapter.latest.entries()].filter(([key]) => key.startsWith(`${site.id}/`))));
      expect = answers.length + k;
      const back = new Promise<void>((resolve) => (allAnswered = resolve));
      await Promise.race([vens.restart(Array.from({ length: k }, (_, s) => s)), failed]);
      await Promise.race([back, timeout, failed]);
      repeated = answers.filter((a) => a.repeat).length;
      changed = model.sites.slice(0, k).filter((site, s) => JSON.stringify([...adapter.latest.entries()].filter(([key]) => key.startsWith(`${site.id}/`))) !== before[s]).length;
    }

    // the sites' physics: setpoints applied, simulated, read back as meter telemetry in time order
    deps.progress?.(0.6, 'sites');
    const dispatch = applySetpoints(model, base.dispatch, adapter.latest.values());
    const ledger = simulate(model, dispatch);
    const grid = model.grid;
    const stepMs = grid.stepMinutes * 60_000;
    const endStep = (event.endMs - grid.startMs) / stepMs;
    // what the program meters: grid import, plus generators the program does not count
    const meters: SiteMeter[] = dispatched.split.sites.map((sh, i) => ({
      site: sh.site,
      eventId: dispatched.siteEventIds[i]!,
      meterKW: meteredKW(model.sites[sh.site]!, ledger.sites[sh.site]!).slice(0, endStep),
      storageSocKWh: model.sites[sh.site]!.storage ? ledger.sites[sh.site]!.socKWh.slice(0, endStep) : null,
    }));
    await Promise.race([vens.reportMeasured(meters, program.measurementIntervalMinutes), failed]);
    deps.progress?.(0.75, 'settle');
    const { settlement: live } = await aggregator.settle(String(upEvent.id));
    const forecastReports = (await down.reports({ programID: String(siteProgram.id) })).filter((r) => String(r.reportName).endsWith('forecast')).length;
    const upstreamReports = (await utilityClient.reports({ eventID: String(upEvent.id) })).length;

    let offline: DemoVppJson['offline'] = null;
    let diff: DemoVppJson['differencePercent'] = null;
    if (!input.skipOffline) {
      deps.progress?.(0.8, 'offline dr');
      const dr = await runDr({ scenario: { loaded }, event: [event], program: program.id }, deps);
      const o = dr.replay.settlements[0]!;
      offline = { deliveredMWh: o.deliveredKWh / 1000, payment: o.payment, deliveryRatio: o.deliveryRatio };
      const rel = (a: number, b: number) => (b === 0 ? (a === 0 ? 0 : 100) : ((a - b) / Math.abs(b)) * 100);
      diff = { deliveredMWh: rel(live.deliveredKWh / 1000, offline.deliveredMWh), payment: rel(live.payment, offline.payment) };
    }
    const json: DemoVppJson = {
      sites: model.sites.length,
      scenario: model.name,
      event: { id: event.id, start: formatUtcIso(event.startMs), end: formatUtcIso(event.endMs) },
      targetMW: live.meanTargetKW / 1000,
      deliveredMWh: live.deliveredKWh / 1000,
      deliveryRatio: live.deliveryRatio,
      payment: live.payment,
      penalty: live.penalty,
      currency: model.currency,
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] ?? Number.NaN, receivedP50: quantile(received, 0.5), receivedP99: quantile(received, 0.99), aggregatorDispatched: dispatchedAtMs - t0, transportP50: quantile(transport, 0.5), transportP99: quantile(transport, 0.99) },
      cpu: { eventMs: eventCpuMs, perSiteMs: eventCpuMs / model.sites.length },
      offline,
      differencePercent: diff,
      transport: { notify: vens.mode || notify, vtns: [utility.url, agg.url], mqtt: [...(utility.vtn.mqtt?.uris ?? []), ...(agg.vtn.mqtt?.uris ?? [])], siteEvents: inProcess ? 'in-process' : 'http', venThreads: venThreads === 0 ? 0 : Math.min(venThreads, model.sites.length) },
      lp: { solves: answers.length, medianSolveMs: quantile(lpTimes, 0.5), totalSolveMs: lpTimes.reduce((a, b) => a + b, 0), meanColumns },
      reports: { forecast: forecastReports, measured: dispatched.siteEventIds.length, upstream: upstreamReports },
      faults: { offlineVens, repeatedAnswers: repeated, setpointsChanged: changed, setpointPublications: [...adapter.published.values()].reduce((a, b) => a + b, 0) },
    };
    deps.progress?.(1, 'done');
    return { json, live, text: demoText(json), files: () => Promise.resolve([]) };
  } finally {
    await vens?.stop().catch(() => undefined);
    await aggregator?.stop();
    for (const v of vtns) await v.close().catch(() => undefined);
    for (const s of stores) await s.close().catch(() => undefined);
  }
}

/** The scenario as the VEN threads load it again: a file or text (a loaded one by its data). */
function threadScenario(input: ScenarioInput, loaded: LoadedScenario): VenThreadInit['scenario'] {
  if ('file' in input || 'text' in input) return input;
  return { text: JSON.stringify(loaded.source.data), baseDir: dirname(loaded.source.file), name: loaded.source.file };
}

function demoText(j: DemoVppJson): string {
  const lines = [
    `${j.scenario}: ${j.sites} virtual site${j.sites === 1 ? '' : 's'} as VEN${j.sites === 1 ? '' : 's'} of an aggregator, itself a VEN of a utility VTN (${j.transport.notify})`,
    `event ${j.event.id}: ${j.event.start} → ${j.event.end}, target ${num(j.targetMW, 3)} MW`,
    `delivered ${num(j.deliveredMWh, 3)} MWh (${pct(j.deliveryRatio)}), payment ${num(j.payment, 2)} ${j.currency}, penalty ${num(j.penalty, 2)} ${j.currency}`,
    `latency event → setpoints at every VEN: p50 ${num(j.latencyMs.p50, 0)} ms, p99 ${num(j.latencyMs.p99, 0)} ms (${j.lp.solves} event LPs, median solve ${num(j.lp.medianSolveMs, 1)} ms)`,
  ];
  if (j.offline && j.differencePercent) lines.push(`offline dr: delivered ${num(j.offline.deliveredMWh, 3)} MWh, payment ${num(j.offline.payment, 2)} ${j.currency} (live − offline: ${num(j.differencePercent.deliveredMWh, 2)} %, ${num(j.differencePercent.payment, 2)} %)`);
  if (j.faults.offlineVens > 0) lines.push(`fault drill: ${j.faults.offlineVens} VEN(s) went offline and came back; ${j.faults.repeatedAnswers} repeated answer(s), ${j.faults.setpointsChanged} changed setpoints`);
  return `${lines.join('\n')}\n`;
}
