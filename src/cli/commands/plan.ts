/** `wattshift plan FILE`: optimises the fleet, simulates the plan and reports savings against naive. */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_POWER_MEASURE, EVENT_SPEC_GRAMMAR, exportPlanModel, loadScenarioInput, POWER_MEASURES, runPlan, runPlanEvent, type ScenarioInput } from '../../app/index.ts';
import { InputError } from '../../errors/index.ts';
import type { Io } from '../io.ts';
import { addPlanOptions, type PlanFlags } from '../plan-options.ts';
import { addPlanQueueOptions, withoutQueueFlags, withPlanQueue, type PlanQueueFlags } from '../plan-queue.ts';
import { progressBar } from '../progress.ts';
import { cliDeps, finish, writeFiles } from '../run.ts';

/** Options of an event replay. */
interface EventFlags {
  event?: string;
  reduce: string;
  measure: string;
  qosWindow: string;
  maxReduction?: boolean;
}

export function registerPlan(program: Command, io: Io): void {
  addPlanQueueOptions(addPlanOptions(
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
    .option('--max-reduction', 'with --event: also find the deepest reduction holdable with every QoS floor met'),
  )
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
    .action(async (file: string, opts: PlanFlags & EventFlags & PlanQueueFlags & { policy: string; out?: string; json?: boolean }) => {
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
      await withPlanQueue(io, opts, async (queueDeps) => {
        const bar = progressBar(`plan (${opts.policy})`, !opts.json);
        const result = await runPlan({ ...withoutQueueFlags(opts), scenario }, { ...cliDeps(io, bar), ...queueDeps });
        bar.done();
        await finish(io, result, opts);
      });
    });
}
