/**
 * The VPP loop for aggregator tests: a utility VTN and the aggregator's VTN (each HTTP and an
 * embedded MQTT broker on 127.0.0.1, free ports), the live aggregator between them (a VEN at
 * the utility, business logic at its own VTN) and one VEN per site of the fleet, listening by
 * MQTT alone. Every HTTP exchange of the clients, the aggregator and the VENs is checked against
 * the OpenADR 3.1.0 spec (`log.problems`).
 */
import { LiveAggregator, type DispatchedEvent } from '../../src/aggregator/live.ts';
import { runPolicy } from '../../src/app/run-policy.ts';
import { loadScenarioInput } from '../../src/app/scenario-input.ts';
import type { FleetModel } from '../../src/model/fleet-model.ts';
import { MemoryAdapter } from '../../src/openadr/ven/adapters/memory.ts';
import { OpenAdrClient, type OadrObject } from '../../src/openadr/ven/client.ts';
import { Ven, type VenAnswer, type VenWithdrawal } from '../../src/openadr/ven/ven.ts';
import { startVtn, type RunningVtn } from '../../src/openadr/vtn/index.ts';
import { defaultSolverFactory } from '../../src/optimize/solver-factory.ts';
import { resolveProgram } from '../../src/programs/program.ts';
import type { ResolvedProgram } from '../../src/programs/types.ts';
import type { Dispatch } from '../../src/simulate/dispatch.ts';
import { simulate } from '../../src/simulate/engine.ts';
import type { Ledger } from '../../src/simulate/ledger.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { validatingFetch, type ExchangeLog } from '../helpers/validating-fetch.ts';
import { until } from '../helpers/cli-process.ts';
import { HORIZON_START_MS } from '../helpers/event-sites.ts';

/** A running loop. */
export interface AggregatorRig {
  model: FleetModel;
  program: ResolvedProgram;
  /** The fleet's plan (exporting its surplus) and its ledger. */
  base: Dispatch;
  ledger: Ledger;
  utility: RunningVtn;
  agg: RunningVtn;
  /** Business logic at the utility, and its program. */
  utilityClient: OpenAdrClient;
  upProgram: OadrObject;
  /** The aggregator's business-logic client at its own VTN. */
  down: OpenAdrClient;
  aggregator: LiveAggregator;
  /** The VENs in the model's site order. */
  vens: Ven[];
  adapter: MemoryAdapter;
  /** Latest answer per `site/siteEventId`. */
  answers: Map<string, VenAnswer>;
  withdrawals: VenWithdrawal[];
  /** Background errors of the aggregator and the VENs. */
  errors: Error[];
  log: ExchangeLog;
  /** Creates an upstream event (targeted at the aggregator) and waits for every VEN's answer to its site event. */
  call(body: OadrObject): Promise<{ up: OadrObject; d: DispatchedEvent; answers: VenAnswer[] }>;
  /** Waits until `f` gives a value, failing at once on a background error. */
  wait<T>(what: string, f: () => T | undefined): Promise<T>;
  close(): Promise<void>;
}

/** Starts the loop for the fleet scenario `text` (its first program is the upstream program). */
export async function startAggregatorRig(text: string): Promise<AggregatorRig> {
  const deps = { solverFactory: defaultSolverFactory };
  const loaded = loadScenarioInput({ text, baseDir: '.' });
  const { model } = loaded;
  const { program } = resolveProgram(model);
  const naive = await runPolicy(loaded, 'naive', deps);
  const base = { ...naive.dispatch, allowExport: model.sites.map(() => true) };
  const ledger = simulate(model, base);
  const stores: Store[] = [];
  const vtns: RunningVtn[] = [];
  const vens: Ven[] = [];
  let aggregator: LiveAggregator | undefined;
  const close = async () => {
    for (const v of vens) await v.stop();
    await aggregator?.stop();
    for (const v of vtns) await v.close();
    for (const s of stores) await s.close();
  };
  try {
    const open = async () => {
      const store = await openStore(':memory:');
      stores.push(store);
      const v = await startVtn({ store, port: 0, notifier: { mqtt: { embedded: { port: 0 } } } });
      vtns.push(v);
      return v;
    };
    const utility = await open();
    const agg = await open();
    const log: ExchangeLog = { seen: [], problems: [] };
    const fetch = validatingFetch([utility.url, agg.url], log);
    const operator = { clientId: 'test', role: 'bl' as const, scopes: new Set(['write_vens']) };
    const utilityBl = await utility.vtn.clients.create('bl');
    const aggAtUtility = await utility.vtn.clients.create('ven');
    await utility.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: 'aggregator', clientID: aggAtUtility.id, targets: ['aggregator'] });
    const utilityClient = new OpenAdrClient({ url: utility.url, clientId: utilityBl.id, clientSecret: utilityBl.secret, fetch });
    const upProgram = await utilityClient.createProgram({ programName: program.id });
    const aggBl = await agg.vtn.clients.create('bl');
    const down = new OpenAdrClient({ url: agg.url, clientId: aggBl.id, clientSecret: aggBl.secret, fetch });
    const siteProgram = await down.createProgram({ programName: 'site-dispatch' });
    const errors: Error[] = [];
    aggregator = new LiveAggregator({
      upstream: new OpenAdrClient({ url: utility.url, clientId: aggAtUtility.id, clientSecret: aggAtUtility.secret, fetch }),
      upstreamVenName: 'aggregator',
      upstreamMqttUrl: utility.vtn.mqtt!.uris[0],
      downstream: down,
      siteProgramId: String(siteProgram.id),
      model,
      base,
      baseLedger: ledger,
      program,
      // the scenario's clock: events are called at its start, before they begin
      scenarioNow: () => HORIZON_START_MS,
      onError: (e) => errors.push(e),
    });
    await aggregator.start();
    const adapter = new MemoryAdapter();
    const answers = new Map<string, VenAnswer>();
    const withdrawals: VenWithdrawal[] = [];
    for (const site of model.sites) {
      const c = await agg.vtn.clients.create('ven');
      await agg.vtn.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: site.id, clientID: c.id, targets: [site.id] });
      const ven = new Ven({
        client: new OpenAdrClient({ url: agg.url, clientId: c.id, clientSecret: c.secret, fetch }),
        venName: site.id,
        state: { model, base, baseLedger: ledger, site: site.index },
        adapter,
        deps,
        notify: 'mqtt',
        mqttUrl: agg.vtn.mqtt!.uris[0],
        pollMs: 0,
        now: () => HORIZON_START_MS,
        onAnswer: (a) => answers.set(`${site.id}/${String(a.event.id)}`, a),
        onWithdraw: (w) => withdrawals.push(w),
        onError: (e) => errors.push(e),
      });
      await ven.start();
      vens.push(ven);
    }
    const wait = <T>(what: string, f: () => T | undefined) =>
      until(what, () => {
        if (errors.length) throw errors[0]!;
        return f();
      }, 30_000);
    const agg0 = aggregator;
    return {
      model, program, base, ledger, utility, agg, utilityClient, upProgram, down, aggregator: agg0, vens, adapter, answers, withdrawals, errors, log, wait, close,
      async call(body) {
        const up = await utilityClient.createEvent({ programID: upProgram.id, targets: ['aggregator'], ...body });
        const d = await wait(`the aggregator's dispatch of ${String(body.eventName)}`, () => agg0.dispatched.get(String(up.id)));
        const got = await wait(`every VEN's answer to ${String(body.eventName)}`, () => {
          const a = d.split.sites.map((sh, i) => answers.get(`${sh.id}/${d.siteEventIds[i]}`));
          return a.every((x) => x !== undefined) ? (a as VenAnswer[]) : undefined;
        });
        for (const v of vens) await v.idle();
        return { up, d, answers: got };
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
