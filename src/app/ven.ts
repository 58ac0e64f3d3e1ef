/**
 * Use case `ven`: one site of a scenario as an OpenADR 3.1 VEN. Loads the scenario, plans the
 * site's normal operation (the base policy), and starts a VEN that answers every event the VTN
 * targets at it with the event-window LP (src/respond/respond-event.ts) and hands the setpoints to adapters.
 */
import { InputError } from '../errors/index.ts';
import { adapterFromSpec, type LineWriter, type SetpointAdapter } from '../openadr/ven/adapters/index.ts';
import { OpenAdrClient } from '../openadr/ven/client.ts';
import { TelemetryStore } from '../openadr/ven/telemetry.ts';
import { FileJournal, MemoryJournal } from '../openadr/ven/journal.ts';
import { Ven, type NotifyMode, type VenAnswer, type VenWithdrawal } from '../openadr/ven/ven.ts';
import { choiceOption, numberOption, policyOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy } from './run-policy.ts';
import { loadScenarioInput, type ScenarioInput } from './scenario-input.ts';
import type { Numeric, UseCaseDeps } from './types.ts';

/** Options of `ven`. */
export interface VenInput {
  scenario: ScenarioInput;
  /** Site id of the scenario this VEN speaks for. */
  site: string;
  /** Base URL of the VTN, e.g. http://127.0.0.1:8080/openadr3/3.1.0. */
  vtn: string;
  clientId: string;
  clientSecret: string;
  /** venName to register (default: the site id). */
  venName?: string;
  /** auto (default), mqtt, webhook or poll. */
  notify?: string;
  /** MQTT broker URL of the VTN's notifier. */
  mqtt?: string;
  /** HOST:PORT for the webhook and telemetry server. */
  listen?: string;
  /** Polling period, seconds (default 30; 0: off). */
  pollSeconds?: Numeric;
  /** Setpoint adapters (file:DIR, http://URL, mqtt://HOST:PORT, nvidia, slurm, kubernetes); default file:ven-setpoints. */
  adapters?: string[];
  /** Plan the site runs outside events (default naive). */
  policy?: string;
  /** File that remembers answered events across restarts. */
  journal?: string;
  /** Telemetry over MQTT: broker URL and topic (default topic wattshift/<site>/telemetry). */
  telemetryMqtt?: string;
  telemetryTopic?: string;
  /** Minutes after each event's end to post the measured report (default 5; negative: never). */
  reportAfterMinutes?: Numeric;
  /** Hours of meter history before the event in the measured report (default 24, for the baseline). */
  reportHistoryHours?: Numeric;
  /** JSON-lines file the telemetry samples are appended to. */
  telemetryFile?: string;
  /** Lines of the dry-run adapters (default stdout). */
  write?: LineWriter;
  onAnswer?: (a: VenAnswer) => void;
  /** Called when an event's setpoints are withdrawn (deleted, cancelled, no longer listed). */
  onWithdraw?: (w: VenWithdrawal) => void;
  onError?: (e: Error) => void;
}

/** Several adapters as one: each gets every setpoint, in order. */
class FanOut implements SetpointAdapter {
  readonly name: string;
  constructor(private readonly all: SetpointAdapter[]) {
    this.name = all.map((a) => a.name).join('+');
  }
  async publish(sp: Parameters<SetpointAdapter['publish']>[0]): Promise<void> {
    for (const a of this.all) await a.publish(sp);
  }
  async close(): Promise<void> {
    for (const a of this.all) await a.close?.();
  }
}

/** Loads the site, plans it and starts its VEN (registered, subscribed, events out answered). */
export async function startVen(input: VenInput, deps: UseCaseDeps): Promise<Ven> {
  const notify = choiceOption('--notify', input.notify ?? 'auto', ['auto', 'mqtt', 'webhook', 'poll'] as const) as NotifyMode;
  const pollSeconds = numberOption(input.pollSeconds, '--poll', (x) => x >= 0 && x <= 86_400, 'give seconds from 0 to 86400') ?? 30;
  let listen: { host: string; port: number } | undefined;
  if (input.listen) {
    const m = /^(.+):(\d{1,5})$/.exec(input.listen);
    if (!m || Number(m[2]) > 65535) throw new InputError('OPTION_INVALID', `--listen must be HOST:PORT, e.g. 127.0.0.1:8090, got "${input.listen}"`, { path: '--listen' });
    listen = { host: m[1]!, port: Number(m[2]) };
  }
  try {
    new URL(input.vtn);
  } catch {
    throw new InputError('OPTION_INVALID', `--vtn must be the VTN's base URL, e.g. http://127.0.0.1:8080/openadr3/3.1.0, got "${input.vtn}"`, { path: '--vtn' });
  }
  const policy = policyOption(input.policy ?? 'naive');
  const reportAfter = numberOption(input.reportAfterMinutes, '--report-after', (x) => x <= 1440, 'give minutes, at most 1440 (negative: no measured report)') ?? 5;
  const history = numberOption(input.reportHistoryHours, '--report-history', (x) => x >= 0 && x <= 24 * 60, 'give hours from 0 to 1440') ?? 24;
  const adapters = (input.adapters?.length ? input.adapters : ['file:ven-setpoints']).map((a) => adapterFromSpec(a, input.write));
  checkpoint(deps, 'before loading the scenario');
  const loaded = loadScenarioInput(input.scenario);
  const site = loaded.model.sites.find((s) => s.id === input.site);
  if (!site) throw new InputError('OPTION_INVALID', `site "${input.site}" is not in the scenario; its sites: ${loaded.model.sites.map((s) => s.id).join(', ')}`, { path: '--site' });
  const base = await runPolicy(loaded, policy, deps);
  const solver = deps.solverFactory('highs');
  const ven = new Ven({
    client: new OpenAdrClient({ url: input.vtn, clientId: input.clientId, clientSecret: input.clientSecret }),
    venName: input.venName ?? site.id,
    state: { model: loaded.model, base: base.dispatch, baseLedger: base.ledger, site: site.index },
    adapter: new FanOut(adapters),
    deps: { ...deps, solver },
    notify,
    mqttUrl: input.mqtt,
    listen,
    pollMs: pollSeconds * 1000,
    journal: input.journal ? new FileJournal(input.journal) : new MemoryJournal(),
    telemetry: new TelemetryStore(input.telemetryFile),
    telemetryMqtt: input.telemetryMqtt ? { url: input.telemetryMqtt, topic: input.telemetryTopic ?? `wattshift/${site.id}/telemetry` } : undefined,
    measuredReport: reportAfter >= 0 ? { delayMs: reportAfter * 60_000, fromHours: history } : undefined,
    onAnswer: input.onAnswer,
    onWithdraw: input.onWithdraw,
    onError: input.onError,
  });
  const stop = ven.stop.bind(ven);
  ven.stop = async () => {
    await stop();
    await solver.close?.();
  };
  try {
    await ven.start();
  } catch (e) {
    await ven.stop();
    throw e;
  }
  return ven;
}
