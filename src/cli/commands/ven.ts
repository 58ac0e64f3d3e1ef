/**
 * `wattshift ven`: a site of a scenario as an OpenADR 3.1 VEN, answering events with the
 * event-window LP and handing setpoints to adapters; and `wattshift demo vpp`, the whole loop
 * (utility VTN → aggregator → N virtual sites → settlement) on one machine.
 */
import type { Command } from 'commander';
import { defaultVenThreads } from '../../app/demo-vpp.ts';
import { MAX_DEMO_SITES, runDemoVpp, startVen } from '../../app/index.ts';
import { InputError } from '../../errors/index.ts';
import { ADAPTER_SPECS } from '../../openadr/ven/adapters/index.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish } from '../run.ts';

/** Environment variable the VEN's client secret may come from (kept out of the process list). */
export const VEN_SECRET_ENV = 'WATTSHIFT_VEN_CLIENT_SECRET';

interface VenFlags {
  vtn: string;
  clientId: string;
  clientSecret?: string;
  scenario: string;
  site: string;
  venName?: string;
  notify: string;
  mqtt?: string;
  listen?: string;
  poll: string;
  adapter?: string[];
  policy: string;
  journal?: string;
  telemetryFile?: string;
  telemetryMqtt?: string;
  telemetryTopic?: string;
  reportAfter: string;
  reportHistory: string;
  once?: boolean;
  json?: boolean;
}

const VEN_HELP = `
Adapters (--adapter, repeatable; default file:ven-setpoints):
  ${ADAPTER_SPECS.join(', ')}
  nvidia prints per-node nvidia-smi power limits; slurm and kubernetes print pause/resume/resize
  commands: both are dry runs.
Telemetry: POST /telemetry on --listen, or MQTT (--telemetry-mqtt), with samples such as
  {"quantity":"meterKW","start":"2025-05-03T16:00:00Z","durationMinutes":15,"value":812.5}
  (or an array); the measured report after each event (--report-after) is built from them.

Examples:
  $ wattshift vtn client create --role ven --ven-name phoenix --targets phoenix --db vtn.db
  $ ${VEN_SECRET_ENV}=oadr_… wattshift ven --vtn http://127.0.0.1:8080/openadr3/3.1.0 \\
      --client-id ven-01… --scenario examples/phoenix-2025.yaml --site phoenix \\
      --mqtt mqtt://127.0.0.1:1883 --adapter nvidia --adapter file:out/setpoints
  $ wattshift ven … --notify poll --poll 10 --once --json
Exit codes: 0 ok, 1 internal error, 2 bad input.`;

const DEMO_HELP = `
Starts on 127.0.0.1 a utility VTN, the aggregator (a VEN there and the VTN of its sites) and N
virtual sites as VENs; plays one event end to end in accelerated time over HTTP and MQTT; prints
delivery, settlement, latency (event created → setpoints at every VEN) and the offline dr result
for the same scenario and event.

Examples:
  $ wattshift demo vpp --sites 10
  $ wattshift demo vpp --sites 100 --json
  $ wattshift demo vpp --scenario examples/phoenix-2025.yaml --json
  $ wattshift demo vpp --sites 5 --offline-vens 2      # VENs drop out mid-event and come back
  $ wattshift demo vpp --sites 1000 --ven-threads 2    # the VENs in two worker threads
Exit codes: 0 ok, 1 internal error, 2 bad input.`;

/** Registers `ven` and `demo vpp`. */
export function registerVen(program: Command, io: Io): void {
  program
    .command('ven')
    .description('run a site of a scenario as an OpenADR 3.1 VEN: answer events with the event-window LP, publish setpoints, report')
    .requiredOption('--vtn <url>', "the VTN's base URL, e.g. http://127.0.0.1:8080/openadr3/3.1.0")
    .requiredOption('--client-id <id>', 'OAuth2 client id of this VEN')
    .option('--client-secret <secret>', `its secret (or set ${VEN_SECRET_ENV})`)
    .requiredOption('--scenario <file>', 'scenario file (YAML or JSON)')
    .requiredOption('--site <id>', 'the site of the scenario this VEN speaks for')
    .option('--ven-name <name>', 'venName to register (default: the site id)')
    .option('--notify <mode>', 'auto, mqtt, webhook or poll (polling always runs as the fallback)', 'auto')
    .option('--mqtt <url>', "MQTT broker of the VTN's notifier, e.g. mqtt://127.0.0.1:1883")
    .option('--listen <host:port>', 'webhook callbacks and telemetry on this address')
    .option('--poll <seconds>', 'polling period (0: off)', '30')
    .option('--adapter <spec>', 'where setpoints go (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--policy <name>', 'plan the site runs outside events', 'naive')
    .option('--journal <file>', 'remember answered events across restarts (no double reduction after a restart)')
    .option('--telemetry-file <file>', 'append telemetry samples to this JSON-lines file (read back at start, so a restart keeps them)')
    .option('--telemetry-mqtt <url>', 'read telemetry samples from this MQTT broker')
    .option('--telemetry-topic <topic>', 'their topic (default wattshift/<site>/telemetry)')
    .option('--report-after <minutes>', 'post the measured report this long after each event ends (negative: never)', '5')
    .option('--report-history <hours>', 'meter history before the event in the measured report', '24')
    .option('--once', 'answer the events out now, then exit')
    .option('--json', 'print each answer as one JSON line')
    .addHelpText('after', VEN_HELP)
    .action(async (f: VenFlags) => {
      const secret = f.clientSecret ?? process.env[VEN_SECRET_ENV];
      if (!secret) throw new InputError('OPTION_INVALID', `give --client-secret or set ${VEN_SECRET_ENV}`, { path: '--client-secret' });
      const deps = cliDeps(io);
      const ven = await startVen(
        {
          scenario: { file: f.scenario }, site: f.site, vtn: f.vtn, clientId: f.clientId, clientSecret: secret, venName: f.venName, notify: f.notify, mqtt: f.mqtt,
          listen: f.listen, pollSeconds: f.poll, adapters: f.adapter, policy: f.policy, journal: f.journal, telemetryFile: f.telemetryFile,
          telemetryMqtt: f.telemetryMqtt, telemetryTopic: f.telemetryTopic, reportAfterMinutes: f.once ? -1 : f.reportAfter, reportHistoryHours: f.reportHistory,
          write: (l) => (f.json ? io.err(`${l}\n`) : io.out(`${l}\n`)),
          onAnswer: (a) => {
            const planned = Array.from(a.response.plannedKW);
            const doc = {
              event: a.event.id, eventName: a.event.eventName ?? null, site: a.response.setpoints.site, repeat: a.repeat, startStep: a.call.startStep, endStep: a.call.endStep,
              requiredKW: Array.from(a.call.requiredKW), plannedKW: planned, shortKW: Array.from(a.response.shortKW), byLever: a.response.byLever, ignoredPayloads: a.call.ignored,
              increaseKW: a.call.increaseKW ? Array.from(a.call.increaseKW) : null,
              exportLimitKW: a.call.exportLimitKW ? Array.from(a.call.exportLimitKW, (v) => (Number.isFinite(v) ? v : null)) : null,
              expectedExportKW: Array.from(a.response.expectedExportKW),
            };
            if (f.json) io.out(`${JSON.stringify(doc)}\n`);
            else io.out(`event ${String(a.event.eventName ?? a.event.id)}: ${planned.length} steps, planned ${Math.round(Math.min(...planned))}–${Math.round(Math.max(...planned))} kW of reduction (negative: more consumption)${a.repeat ? ' (repeat)' : ''}\n`);
          },
          onWithdraw: (w) => {
            if (f.json) io.out(`${JSON.stringify({ withdrawn: w.eventId, reason: w.reason, fromStep: w.setpoints?.fromStep ?? null, reportUpdated: w.report !== null })}\n`);
            else io.out(`event ${w.eventId} ${w.reason}: setpoints back to the plan${w.setpoints ? ` from step ${w.setpoints.fromStep}` : ' (it was over)'}\n`);
          },
          onError: (e) => io.err(`ven: ${e.message}\n`),
        },
        deps,
      );
      // listening for SIGTERM before saying it runs, so a stop right after that line is clean
      const stopped = f.once
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            io.signal?.addEventListener('abort', () => resolve(), { once: true });
            process.once('SIGTERM', () => resolve());
          });
      if (!f.json) io.out(`VEN ${ven.venId} of site ${f.site} at ${f.vtn} (${ven.mode}${ven.httpPort ? `, http port ${ven.httpPort}` : ''})\n`);
      await stopped;
      await ven.stop();
    });

  const demo = program.command('demo').description('demonstrations that run on one machine');
  demo
    .command('vpp')
    .description('a utility VTN, the aggregator and N virtual sites as VENs: one event end to end, settled, against the offline dr')
    .option('--sites <n>', `virtual sites (1–${MAX_DEMO_SITES})`, '10')
    .option('--scenario <file>', 'use this scenario’s sites instead of generated ones')
    .option('--event <spec>', 'START/DURATION, e.g. 2025-05-03T16:00/3h (default: the program’s first event)')
    .option('--target-percent <p>', 'fleet change as a percentage of the baseline (default 20 for generated sites)')
    .option('--target-mw <mw>', 'fleet change, MW')
    .option('--notify <mode>', 'how VENs hear of events: mqtt, webhook or poll', 'mqtt')
    .option('--offline-vens <n>', 'this many VENs go offline after answering and come back')
    .option('--aggregator-http', 'the aggregator posts its site events to its VTN over HTTP (default: into its store, as the host of that VTN)')
    .option('--ven-threads <n>', `worker threads hosting the virtual VENs, each with its own HiGHS (default: one per core less one, here ${defaultVenThreads()}; 0: all on the main thread)`)
    .option('--json', 'print one JSON object')
    .addHelpText('after', DEMO_HELP)
    .action(async (f: { sites: string; scenario?: string; event?: string; targetPercent?: string; targetMw?: string; notify: string; offlineVens?: string; aggregatorHttp?: boolean; venThreads?: string; json?: boolean }) => {
      const bar = progressBar('demo vpp', !f.json);
      const r = await runDemoVpp({ sites: f.sites, scenario: f.scenario ? { file: f.scenario } : undefined, event: f.event, targetPercent: f.targetPercent, targetMw: f.targetMw, notify: f.notify, offlineVens: f.offlineVens, inProcessAggregator: !f.aggregatorHttp, venThreads: f.venThreads }, cliDeps(io, bar));
      bar.done();
      await finish(io, r, { json: f.json });
    });
}
