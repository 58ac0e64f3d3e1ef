/** `wattshift plan FILE`: optimises the fleet, simulates the plan and reports savings against naive. */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_POWER_MEASURE, EVENT_SPEC_GRAMMAR, exportPlanModel, loadScenarioInput, POWER_MEASURES, runPlan, runPlanEvent, type ScenarioInput } from '../../app/index.ts';
import { InputError } from '../../errors/index.ts';
import { openWorkQueue } from '../../queue/work-queue.ts';
import { DEFAULT_JOB_TRIES, JOB_TRIES_HELP, jobTriesOption } from '../queue-option.ts';
import type { Io } from '../io.ts';
import { addPlanOptions, type PlanFlags } from '../plan-options.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish, writeFiles } from '../run.ts';
import { DB_OPTION_HELP, storeLocation } from '../store-option.ts';

/** Options of an event replay. */
interface EventFlags {
  event?: string;
  reduce: string;
  measure: string;
  qosWindow: string;
  maxReduction?: boolean;
}

export function registerPlan(program: Command, io: Io): void {
  addPlanOptions(
    program
      .command('plan')
      .description('optimise where and when work runs (HiGHS), simulate the plan, and report the saving against naive')
      .argument('<file>', 'scenario file (YAML or JSON)')
      .option('--policy <name>', 'optimal (one model over the horizon) or rolling (look-ahead windows on forecasts)', 'optimal'),
  )
    .option('--out <dir>', 'write summary.json, ledger.csv, bills.csv and report.html here (with --event: also event.json)')
    .option('--json', 'print only the summary as JSON')
    .option('--event <start/duration>', 'replay a power-reduction event instead: maximise QoS-weighted job performance under the cap (START/DURATION or START..END, local time, as in dr)')
    .option('--reduce <percent>', 'with --event: required reduction below normal power', '25')
    .option('--measure <what>', `with --event: the power the reduction is measured on: ${POWER_MEASURES.join(', ')} (as in dr)`, DEFAULT_POWER_MEASURE)
    .option('--qos-window <w>', 'with --event: measure job performance over the event or the whole horizon', 'horizon')
    .option('--max-reduction', 'with --event: also find the deepest reduction holdable with every QoS floor met')
    .option('--queue <url>', 'solve a decomposed plan\'s site subproblems on `wattshift worker` processes through this Redis server, e.g. redis://127.0.0.1:6379')
    .option('--db <location>', `with --queue: the store shared with the workers; ${DB_OPTION_HELP}`)
    .option('--pack-sites <n>', 'with --queue: most sites per queue job (consecutive site groups of a round are solved as one model)', '8')
    .option('--job-tries <n>', JOB_TRIES_HELP, DEFAULT_JOB_TRIES)
    .option('--keep-job-results', 'with --queue: keep each job\'s result (worker, tries) in the store after the plan; by default a window\'s are removed once the plan moves past it')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift plan examples/texas-single-site.yaml --out out/texas-plan
  $ wattshift plan examples/global-fleet.yaml --policy rolling --lookahead 48 --commit 24 --forecast persistence
  $ wattshift plan examples/texas-single-site.yaml --export-lp texas.lp     # check it with glpsol, cbc or highs
  $ wattshift plan examples/phoenix-2025.yaml --event 2025-05-03T16:00/3 --reduce 25 --measure gpu --max-reduction
  $ wattshift plan examples/phoenix-2025.yaml --event 16:00/PT3H --out out/phoenix-event
  $ wattshift plan fleet-300.yaml --policy rolling --decompose on \\
      --queue redis://127.0.0.1:6390 --db plans.db     # site subproblems run by \`wattshift worker\` (docs/scale-out.md)

Event grammar (--event, as in dr): ${EVENT_SPEC_GRAMMAR}.`,
    )
    .action(async (file: string, opts: PlanFlags & EventFlags & QueueFlags & { policy: string; out?: string; json?: boolean }) => {
      if (opts.event !== undefined) {
        if (opts.queue !== undefined) throw new InputError('OPTION_INVALID', '--queue runs a decomposed plan\'s site subproblems on workers; an event replay (--event) runs in this process: leave out --queue', { path: '--queue' });
        const eventBar = progressBar('plan --event', !opts.json);
        const r = await runPlanEvent({ scenario: { file }, event: opts.event, reduce: opts.reduce, measure: opts.measure, qosWindow: opts.qosWindow, maxReduction: opts.maxReduction, solver: opts.solver }, cliDeps(io, eventBar));
        eventBar.done();
        await finish(io, r, { json: opts.json, out: opts.out });
        return;
      }
      let scenario: ScenarioInput = { file };
      if (opts.exportLp !== undefined) {
        // written before planning, so a model that fails to solve can still be checked elsewhere
        scenario = { loaded: loadScenarioInput(scenario) };
        const model = await exportPlanModel({ ...opts, scenario, name: basename(opts.exportLp) });
        await writeFiles(dirname(opts.exportLp), [model]);
      }
      const { queue: queueUrl, db, packSites, keepJobResults, jobTries, ...planFlags } = opts;
      // Redis and the store must answer before planning starts
      const queue = queueUrl !== undefined ? await openWorkQueue({ queue: queueUrl, db: storeLocation(db, 'the workers read the scenario and write results there'), packSites: packSitesOption(packSites), attempts: jobTriesOption(jobTries), keepResults: keepJobResults === true }) : undefined;
      try {
        if (queue && (await queue.workers()) === 0) {
          io.err(`no worker is connected to ${queue.redis.display} yet: the plan's site subproblems wait until one starts (wattshift worker --queue ${queue.redis.display} --db <the same store>)\n`);
        }
        const bar = progressBar(`plan (${opts.policy})`, !opts.json);
        const deps = cliDeps(io, bar);
        if (queue) deps.subproblemExecutor = queue.subproblemExecutor;
        const result = await runPlan({ ...planFlags, scenario }, deps);
        bar.done();
        await finish(io, result, opts);
      } finally {
        await queue?.close();
      }
    });
}

/** Options of a plan on the work queue. */
interface QueueFlags {
  queue?: string;
  db?: string;
  packSites: string;
  jobTries: string;
  keepJobResults?: boolean;
}

function packSitesOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InputError('OPTION_INVALID', `--pack-sites must be a whole number from 1 to 10000, found "${v}"`, { path: '--pack-sites' });
  return n;
}
