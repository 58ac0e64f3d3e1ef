/**
 * The commands a stored run can execute, each a thin adapter over its use case (src/app): the
 * options it takes over HTTP (a zod schema, published in the OpenAPI document), and what of
 * the use case's output is kept: the files the CLI writes with `--out` (the ledger as columns
 * instead of `ledger.csv`), the `--json` document, the text the CLI prints, the summary, the
 * bills and the ledger of the run the command is based on.
 */
import { z } from 'zod';
import {
  CancelledError,
  runBid,
  runCompare,
  runDr,
  runFinance,
  runFlex,
  runPlan,
  runPlanEvent,
  runSimulate,
  runSweep,
  type OutputFile,
  type ScenarioInput,
  type UseCaseDeps,
} from '../app/index.ts';
import { siteTimeZones } from '../app/files.ts';
import type { SiteBill } from '../billing/bill.ts';
import type { Summary } from '../metrics/summary.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Ledger } from '../simulate/ledger.ts';

/** A number, or its text as a user typed it (the use case checks and converts it). */
const numeric = z.union([z.number(), z.string().max(64)]);
const name = z.string().min(1).max(64);

const planning = {
  lookahead: numeric.optional().describe('rolling: hours each window looks ahead (default 48)'),
  commit: numeric.optional().describe('rolling: hours of each window that are committed (default 24)'),
  forecast: z.enum(['perfect', 'persistence', 'noise']).optional().describe('rolling: what the planner knows ahead (default perfect)'),
  noise: numeric.optional().describe('with forecast noise: relative standard deviation (default 0.1)'),
  seed: numeric.optional().describe('seed of the forecast noise (default 1)'),
  solver: name.optional().describe("solver: highs (default), native, native-highs, native-cbc, native-glpsol"),
  timeLimit: numeric.optional().describe('solver time limit per model, seconds'),
  points: numeric.optional().describe('operating points per throughput curve (default 4)'),
  lpMethod: z.enum(['auto', 'simplex', 'ipm']).optional().describe('LP algorithm (default auto)'),
  workers: numeric.optional().describe('parallel solver workers (default 2)'),
};

/** A grid event given to `dr`: a START/DURATION or START..END spec, a file of the scenario's bundle (relative to the scenario), or the text of an event document. */
const drEvent = z.union([
  z.string().min(1).max(512),
  z.object({ text: z.string().max(8 * 1024 * 1024).describe('CSV, YAML or JSON schedule, or an OpenADR 3.1 event object'), name: z.string().min(1).max(256).describe('file name; its extension picks the format') }).strict(),
]);

/** Options of each command over HTTP: the CLI's flags in camelCase (docs/library.md). */
export const COMMAND_OPTIONS = {
  simulate: z.object({ policy: name.optional().describe('policy to run (default naive)') }).strict(),
  plan: z.object({ policy: z.enum(['optimal', 'rolling']).optional().describe('default optimal'), ...planning }).strict(),
  planEvent: z
    .object({
      event: z.string().min(1).max(128).describe('the event window START/HOURS, e.g. 2025-05-03T16:00/3 (horizon time zone)'),
      reduce: numeric.optional().describe('required reduction below normal power, percent (default 25)'),
      measure: z.enum(['gpu', 'it', 'facility', 'grid']).optional().describe('power the cap applies to (default gpu)'),
      qosWindow: z.enum(['horizon', 'event']).optional().describe('where job performance is measured (default horizon)'),
      maxReduction: z.boolean().optional().describe('also find the deepest reduction holdable with every QoS floor met'),
      solver: name.optional(),
    })
    .strict(),
  compare: z.object({ policies: z.union([z.string().max(512), z.array(name).max(16)]).optional().describe('policies in order (default naive,rolling,optimal)'), ...planning }).strict(),
  flex: z
    .object({
      day: z.string().max(32).optional().describe('local day YYYY-MM-DD (default: the first)'),
      durations: z.union([z.string().max(256), z.array(z.number()).max(48)]).optional().describe('hold durations, hours (default 1,2,3,4)'),
      policy: name.optional().describe('base policy (default naive)'),
    })
    .strict(),
  dr: z
    .object({
      event: z.array(drEvent).max(366).optional().describe("events to replay (default: the program's own)"),
      targetMw: numeric.optional().describe('fleet change against the baseline, MW'),
      targetPercent: numeric.optional().describe('change as a percentage of the baseline'),
      baseline: name.optional().describe('baseline method for every site'),
      program: z.string().min(1).max(256).optional().describe('program to settle under (default: the first)'),
      annual: z.boolean().optional().describe('settle every event of the program over the horizon, with capacity pay'),
      policy: name.optional().describe('base policy (default naive)'),
    })
    .strict(),
  finance: z
    .object({
      sweep: z.string().min(1).max(4096).optional().describe('design sweep, e.g. storage.energyMWh=0,50,100'),
      policy: name.optional(),
      workers: numeric.optional().describe('worker threads for the sweep (server default 1; 0 = the run\'s own thread)'),
      dr: z.boolean().optional().describe("replay the scenario's grid programs for DR revenue (default true)"),
    })
    .strict(),
  sweep: z
    .object({
      sweep: z.string().min(1).max(4096).describe('the sweep, e.g. storage.energyMWh=0,50,100;cooling.archetype=air,immersion'),
      policy: name.optional(),
      workers: numeric.optional().describe('worker threads (server default 1; 0 = the run\'s own thread)'),
    })
    .strict(),
  bid: z
    .object({
      day: z.string().min(1).max(32).describe("market day YYYY-MM-DD in the market's time zone"),
      market: z.string().min(1).max(256).optional().describe("market id (default: the scenario's only market)"),
      perSite: z.boolean().optional().describe('one bid per site instead of one for the portfolio'),
      reserves: z.boolean().optional().describe('offer reserves where the market has products (default true)'),
      solver: name.optional(),
    })
    .strict(),
} as const;

/** A command a run executes. */
export type RunCommand = keyof typeof COMMAND_OPTIONS;

/** Every command, in the order they are documented. */
export const RUN_COMMANDS = Object.keys(COMMAND_OPTIONS) as RunCommand[];

/** True for a known command name. */
export function isRunCommand(name: string): name is RunCommand {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

/** Options of one command after the zod check. */
export type CommandOptions<C extends RunCommand> = z.infer<(typeof COMMAND_OPTIONS)[C]>;

/** What a run keeps of its use case's output. */
export interface RunOutcome {
  /** The `--json` document. */
  json: unknown;
  /** The text the CLI prints. */
  text: string;
  /** The files the CLI writes with `--out`, without ledger CSVs (the ledger is kept by column). */
  files: OutputFile[];
  /** Summary of the run the command is based on (its summary.json), when it has one. */
  summary?: Summary;
  /** That run's bills. */
  bills?: SiteBill[];
  /** That run's ledger and the sites' time zones. */
  ledger?: { ledger: Ledger; siteTimeZones: string[] };
}

/** Sweep workers a server run uses unless asked: one, since the server already runs several runs at once. */
export const SERVER_SWEEP_WORKERS = 1;

const isLedgerCsv = (f: OutputFile): boolean => /^ledger(-[^/]*)?\.csv$/.test(f.name);

/** The run's ledger, summary and bills, from a use-case run of one policy. */
function based(model: FleetModel, run: { ledger: Ledger; summary: Summary; bills: SiteBill[] }): Pick<RunOutcome, 'summary' | 'bills' | 'ledger'> {
  return { summary: run.summary, bills: run.bills, ledger: { ledger: run.ledger, siteTimeZones: siteTimeZones(model) } };
}

/**
 * Runs `command` with checked `options` on a scenario and collects what is kept. `options` must
 * have passed {@link COMMAND_OPTIONS}; dr events that name files must already be documents.
 */
export async function executeCommand(command: RunCommand, scenario: ScenarioInput, options: Record<string, unknown>, deps: UseCaseDeps): Promise<RunOutcome> {
  const o = options as never;
  const files = async (r: { files(): Promise<OutputFile[]> }): Promise<OutputFile[]> => (await r.files()).filter((f) => !isLedgerCsv(f));
  switch (command) {
    case 'simulate': {
      const r = await runSimulate({ ...(o as CommandOptions<'simulate'>), scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, r) };
    }
    case 'plan': {
      const r = await runPlan({ ...(o as CommandOptions<'plan'>), scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, r) };
    }
    case 'planEvent': {
      const r = await runPlanEvent({ ...(o as CommandOptions<'planEvent'>), scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r), ledger: { ledger: r.replay.ledger, siteTimeZones: siteTimeZones(r.scenario.model) } };
    }
    case 'compare': {
      const r = await runCompare({ ...(o as CommandOptions<'compare'>), scenario }, deps);
      // the run the report details: the cheapest to operate, as the CLI picks it
      const op = (x: Summary): number => x.fleet.energyCost + x.fleet.storageDegradationCost;
      const best = r.runs.reduce((a, b) => (op(b.summary) < op(a.summary) ? b : a));
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, best) };
    }
    case 'flex': {
      const r = await runFlex({ ...(o as CommandOptions<'flex'>), scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, r.base) };
    }
    case 'dr': {
      const r = await runDr({ ...(o as CommandOptions<'dr'>), scenario } as Parameters<typeof runDr>[0], deps);
      // the fleet after the events: what the report and the settlement describe
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, { ledger: r.replay.ledger, summary: r.after.summary, bills: r.after.bills }) };
    }
    case 'finance': {
      const opts = o as CommandOptions<'finance'>;
      const r = await runFinance({ ...opts, workers: opts.workers ?? SERVER_SWEEP_WORKERS, scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r), ...based(r.scenario.model, r.base) };
    }
    case 'sweep': {
      const opts = o as CommandOptions<'sweep'>;
      const r = await runSweep({ ...opts, workers: opts.workers ?? SERVER_SWEEP_WORKERS, scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r) };
    }
    case 'bid': {
      const r = await runBid({ ...(o as CommandOptions<'bid'>), scenario }, deps);
      return { json: r.json, text: r.text, files: await files(r) };
    }
  }
}

/** An AbortSignal that has already fired. */
function firedSignal(): AbortSignal {
  const c = new AbortController();
  c.abort();
  return c.signal;
}

/**
 * Checks a command's options with the use case's own checks, without reading a scenario or
 * solving anything: every use case checks its options before it reads the scenario and then
 * stops at a cancelled signal (docs/library.md). A bad option throws its InputError
 * (OPTION_INVALID with the flag as path). Checks that need the scenario (an event window, a
 * sweep's paths, a day in the horizon) happen when the run loads it.
 */
export async function checkCommandOptions(command: RunCommand, options: Record<string, unknown>): Promise<void> {
  const never = (): never => {
    throw new Error('an option check reached the solver');
  };
  // text that is not a scenario: reaching the loader would fail loudly rather than pass
  const scenario: ScenarioInput = { text: '\0', baseDir: '/nonexistent', name: 'option-check' };
  try {
    await executeCommand(command, scenario, options, { solverFactory: never, signal: firedSignal() });
  } catch (e) {
    if (e instanceof CancelledError) return;
    throw e;
  }
  throw new Error(`the ${command} use case did not stop at its first checkpoint`);
}
